// The validated event as it moves through the buffer into storage.
export interface EventRecord {
  /** given when the event is accepted (Ingest.submit); storage inserts each id once */
  id?: number;
  siteId: string;
  eventType: string;
  path: string | null;
  userId: string | null;
  /** UTC epoch milliseconds */
  timestamp: number;
  /** the client's own id for the event: a second event with the same id for the site is ignored */
  clientEventId?: string | null;
  // Where the visitor came from and what they use (docs/api.md, "Breakdowns"): given by the caller
  // or derived on arrival (ingestion/attributes.ts); null or absent: none / unknown.
  /** the referrer's host, lower-case, without a leading "www."; null: direct (or same site) */
  source?: string | null;
  utmSource?: string | null;
  utmMedium?: string | null;
  utmCampaign?: string | null;
  browser?: string | null;
  os?: string | null;
  /** "desktop" | "mobile" | "tablet" */
  device?: string | null;
  /** ISO 3166-1 alpha-2, upper-case */
  country?: string | null;
}

/** The event attributes a breakdown or a filter can name, besides path and event type. */
export const ATTRIBUTES = [
  'source',
  'utmSource',
  'utmMedium',
  'utmCampaign',
  'browser',
  'os',
  'device',
  'country',
] as const;
export type Attribute = (typeof ATTRIBUTES)[number];

export const DEVICES = ['desktop', 'mobile', 'tablet'] as const;

export const PAGE_VIEW = 'page_view';
