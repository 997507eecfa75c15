// siteStats from the rollups: event counts and top paths from rollup_daily, unique users from
// the per-day user sets (one day, or COUNT(DISTINCT) over a range) or the per-site set (all time).
// Same numbers as site-stats-raw.ts, which a property test checks.
import type { PrismaClient } from '../generated/prisma/client.js';
import { PAGE_VIEW } from '../ingestion/event.js';
import { MAX_DAY, MIN_DAY, type SiteStats, type StatsScope, scopeFields, TOP_PATHS } from './scope.js';

type Count = bigint | number | null;

async function uniqueUsers(db: PrismaClient, { siteId, fromDay, toDay }: StatsScope): Promise<number> {
  let rows: { n: Count }[];
  if (fromDay === null && toDay === null) {
    rows = await db.$queryRawUnsafe('SELECT count(*) AS n FROM rollup_site_users WHERE site_id = ?', siteId);
  } else if (fromDay !== null && fromDay === toDay) {
    rows = await db.$queryRawUnsafe(
      'SELECT count(*) AS n FROM rollup_daily_users WHERE site_id = ? AND day = ?',
      siteId,
      fromDay,
    );
  } else {
    rows = await db.$queryRawUnsafe(
      'SELECT count(DISTINCT user_id) AS n FROM rollup_daily_users WHERE site_id = ? AND day BETWEEN ? AND ?',
      siteId,
      fromDay ?? MIN_DAY,
      toDay ?? MAX_DAY,
    );
  }
  return Number(rows[0]?.n ?? 0);
}

export async function siteStats(db: PrismaClient, scope: StatsScope): Promise<SiteStats> {
  const range = [scope.siteId, scope.fromDay ?? MIN_DAY, scope.toDay ?? MAX_DAY] as const;
  const [totals] = await db.$queryRawUnsafe<{ events: Count; views: Count }[]>(
    `SELECT sum(events) AS events, sum(CASE WHEN event_type = '${PAGE_VIEW}' THEN events END) AS views
       FROM rollup_daily WHERE site_id = ? AND day BETWEEN ? AND ?`,
    ...range,
  );
  const paths = await db.$queryRawUnsafe<{ path: string; views: Count }[]>(
    `SELECT path, sum(events) AS views
       FROM rollup_daily
      WHERE site_id = ? AND day BETWEEN ? AND ? AND event_type = '${PAGE_VIEW}' AND path != ''
      GROUP BY path
      ORDER BY views DESC, path ASC
      LIMIT ${TOP_PATHS}`,
    ...range,
  );
  return {
    ...scopeFields(scope),
    totalViews: Number(totals?.views ?? 0),
    uniqueUsers: await uniqueUsers(db, scope),
    totalEvents: Number(totals?.events ?? 0),
    topPaths: paths.map((r) => ({ path: r.path, views: Number(r.views) })),
  };
}
