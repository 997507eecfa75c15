// siteStats: the counts for one site over one UTC day or all time, straight from the events table.
import type { PrismaClient } from '../generated/prisma/client.js';
import { PAGE_VIEW } from '../ingestion/event.js';
import { DAY_MS, utcDate } from '../time.js';

export interface PathViews {
  path: string;
  views: number;
}

export interface SiteStats {
  siteId: string;
  /** YYYY-MM-DD, or null for all time */
  date: string | null;
  totalViews: number;
  uniqueUsers: number;
  totalEvents: number;
  topPaths: PathViews[];
}

export interface StatsScope {
  siteId: string;
  /** epoch ms of the UTC midnight of the day, or null for all time */
  dayStart: number | null;
}

export const TOP_PATHS = 10;

type Totals = { total_events: bigint | number; total_views: bigint | number | null; unique_users: bigint | number };
type PathRow = { path: string; views: bigint | number };

export async function siteStats(db: PrismaClient, scope: StatsScope): Promise<SiteStats> {
  const { siteId, dayStart } = scope;
  // All time is the range [MIN, MAX] so one statement (and one index range) serves both scopes.
  const from = dayStart ?? Number.MIN_SAFE_INTEGER;
  const to = dayStart === null ? Number.MAX_SAFE_INTEGER : dayStart + DAY_MS;
  const [totals] = await db.$queryRawUnsafe<Totals[]>(
    `SELECT COUNT(*) AS total_events,
            SUM(event_type = ?) AS total_views,
            COUNT(DISTINCT user_id) AS unique_users
       FROM events
      WHERE site_id = ? AND timestamp >= ? AND timestamp < ?`,
    PAGE_VIEW,
    siteId,
    from,
    to,
  );
  const paths = await db.$queryRawUnsafe<PathRow[]>(
    `SELECT path, COUNT(*) AS views
       FROM events
      WHERE site_id = ? AND timestamp >= ? AND timestamp < ? AND event_type = ? AND path IS NOT NULL
      GROUP BY path
      ORDER BY views DESC, path ASC
      LIMIT ${TOP_PATHS}`,
    siteId,
    from,
    to,
    PAGE_VIEW,
  );
  return {
    siteId,
    date: dayStart === null ? null : utcDate(dayStart),
    totalViews: Number(totals?.total_views ?? 0),
    uniqueUsers: Number(totals?.unique_users ?? 0),
    totalEvents: Number(totals?.total_events ?? 0),
    topPaths: paths.map((r) => ({ path: r.path, views: Number(r.views) })),
  };
}
