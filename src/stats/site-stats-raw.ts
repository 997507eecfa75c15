// siteStats counted straight from the raw events table: the reference the rollups are tested
// and benchmarked against (and the definition of every number in API.md).
import { queryRows } from '../db.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { PAGE_VIEW } from '../ingestion/event.js';
import { DAY_MS } from '../time.js';
import { MAX_DAY, MIN_DAY, type SiteStats, type StatsScope, scopeFields, TOP_PATHS } from './scope.js';

type Totals = { total_events: string | number; total_views: string | number | null; unique_users: string | number };
type PathRow = { path: string; views: string | number };

export async function siteStatsRaw(db: PrismaClient, scope: StatsScope): Promise<SiteStats> {
  const from = (scope.fromDay ?? MIN_DAY) * DAY_MS;
  const to = ((scope.toDay ?? MAX_DAY) + 1) * DAY_MS;
  const [totals] = await queryRows<Totals>(
    db,
    `SELECT COUNT(*) AS total_events,
            SUM(event_type = ?) AS total_views,
            COUNT(DISTINCT user_id) AS unique_users
       FROM events
      WHERE site_id = ? AND timestamp >= ? AND timestamp < ?`,
    PAGE_VIEW,
    scope.siteId,
    from,
    to,
  );
  const paths = await queryRows<PathRow>(
    db,
    `SELECT path, COUNT(*) AS views
       FROM events
      WHERE site_id = ? AND timestamp >= ? AND timestamp < ? AND event_type = ? AND path IS NOT NULL
      GROUP BY path
      ORDER BY views DESC, path ASC
      LIMIT ${TOP_PATHS}`,
    scope.siteId,
    from,
    to,
    PAGE_VIEW,
  );
  return {
    ...scopeFields(scope),
    totalViews: Number(totals?.total_views ?? 0),
    uniqueUsers: Number(totals?.unique_users ?? 0),
    totalEvents: Number(totals?.total_events ?? 0),
    topPaths: paths.map((r) => ({ path: r.path, views: Number(r.views) })),
  };
}
