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
}

export const PAGE_VIEW = 'page_view';
