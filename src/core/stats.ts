// What a stats read covers and what the storage answers: shared by the stats domain (src/stats),
// the storage backends and the GraphQL schema.

/** One site, and an inclusive range of UTC days (days since the epoch), open at either end. */
export interface StatsScope {
  siteId: string;
  fromDay: number | null;
  toDay: number | null;
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
