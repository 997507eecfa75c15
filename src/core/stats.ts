// What a stats read covers and what the storage answers: shared by the stats domain (src/stats),
// the storage backends and the GraphQL schema.

/**
 * One site, an inclusive range of days of a time zone (days since 1970-01-01 of its calendar,
 * core/zone.ts), open at either end, and filters (AND). Absent timeZone: UTC; absent filters: none.
 */
export interface StatsScope {
  siteId: string;
  fromDay: number | null;
  toDay: number | null;
  timeZone?: string;
  filters?: readonly StatsFilter[];
}

export interface PathViews {
  path: string;
  views: number;
}

/** The numbers of a SiteStats answer, as a storage backend counts them. */
export interface SiteTotals {
  totalViews: number;
  uniqueUsers: number;
  totalEvents: number;
  topPaths: PathViews[];
}

export const TOP_PATHS = 10;

export interface EventTypeCount {
  eventType: string;
  events: number;
}

export type Interval = 'HOUR' | 'DAY';

/** Counts of one series bucket (hours or days since the epoch); absent buckets are empty. */
export interface BucketCounts {
  bucket: number;
  events: number;
  views: number;
  uniqueUsers: number;
}

/** A site with stored events (the sites query). */
export interface SiteSummary {
  siteId: string;
  totalEvents: number;
  /** epoch ms of the site's newest stored raw event; null when retention pruned them all */
  lastEventAt: number | null;
}

/** What a breakdown groups by and a filter names (docs/api.md, "Breakdowns"). */
export const DIMENSIONS = [
  'PATH',
  'EVENT_TYPE',
  'SOURCE',
  'UTM_SOURCE',
  'UTM_MEDIUM',
  'UTM_CAMPAIGN',
  'BROWSER',
  'OS',
  'DEVICE',
  'COUNTRY',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The events column of each dimension (both backends name them the same). */
export const DIMENSION_COLUMN: Record<Dimension, string> = {
  PATH: 'path',
  EVENT_TYPE: 'event_type',
  SOURCE: 'source',
  UTM_SOURCE: 'utm_source',
  UTM_MEDIUM: 'utm_medium',
  UTM_CAMPAIGN: 'utm_campaign',
  BROWSER: 'browser',
  OS: 'os',
  DEVICE: 'device',
  COUNTRY: 'country',
};

/** Events whose dimension equals value; value null matches events without one. */
export interface StatsFilter {
  dimension: Dimension;
  value: string | null;
}

export type BreakdownSort = 'VIEWS' | 'EVENTS' | 'UNIQUE_USERS';

export interface BreakdownRow {
  /** null: none (direct traffic, no campaign, unknown browser or country, no path) */
  value: string | null;
  views: number;
  events: number;
  uniqueUsers: number;
}

export const MAX_BREAKDOWN_LIMIT = 1000;

/**
 * What a storage read covers, once the stats domain has turned days of a time zone into instants:
 * one site, the events with start <= timestamp < end (null: open), and every filter (AND).
 */
export interface StatsRange {
  siteId: string;
  start: number | null;
  end: number | null;
  filters: readonly StatsFilter[];
}
