// siteStats counted straight from the raw events table, on either backend: the reference the
// rollups are tested and benchmarked against (and the definition of every number in docs/api.md).
import { PAGE_VIEW } from '../../src/core/event.js';
import { TOP_PATHS } from '../../src/core/stats.js';
import { DAY_MS, MAX_DAY, MIN_DAY } from '../../src/core/time.js';
import { type SiteStats, type StatsScope, scopeFields } from '../../src/stats/scope.js';
import type { Storage } from '../../src/storage/port.js';
import { rawQuery } from './raw-sql.js';

type Totals = { total_events: string | number; total_views: string | number | null; unique_users: string | number };
type PathRow = { path: string; views: string | number };

export async function siteStatsRaw(storage: Storage, scope: StatsScope): Promise<SiteStats> {
  const from = (scope.fromDay ?? MIN_DAY) * DAY_MS;
  const to = ((scope.toDay ?? MAX_DAY) + 1) * DAY_MS;
  // Ties by path in byte order on both backends (SQLite compares text that way).
  const byPath = storage.backend === 'postgres' ? 'path COLLATE "C"' : 'path';
  const [totals] = await rawQuery<Totals>(
    storage,
    `SELECT COUNT(*) AS total_events,
            SUM(CASE WHEN event_type = ? THEN 1 ELSE 0 END) AS total_views,
            COUNT(DISTINCT user_id) AS unique_users
       FROM events
      WHERE site_id = ? AND timestamp >= ? AND timestamp < ?`,
    PAGE_VIEW,
    scope.siteId,
    from,
    to,
  );
  const paths = await rawQuery<PathRow>(
    storage,
    `SELECT path, COUNT(*) AS views
       FROM events
      WHERE site_id = ? AND timestamp >= ? AND timestamp < ? AND event_type = ? AND path IS NOT NULL
      GROUP BY path
      ORDER BY views DESC, ${byPath} ASC
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
