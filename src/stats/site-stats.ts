// siteStats from the rollups, in one statement: totals from rollup_days, unique users from
// rollup_daily_uniques (storage/rollups.ts explains the sum), top paths from rollup_daily (a
// range) or rollup_paths (all time). Same numbers as site-stats-raw.ts, which a property test checks.
import { queryRows } from '../db.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { PAGE_VIEW } from '../ingestion/event.js';
import { MAX_DAY, MIN_DAY, type SiteStats, type StatsScope, scopeFields, TOP_PATHS } from './scope.js';

type Count = string | number | null;
type Row = { events: Count; views: Count; users: Count; paths: string };

const TOTALS = (column: 'events' | 'views') =>
  `(SELECT sum(${column}) FROM rollup_days WHERE site_id = ? AND day BETWEEN ? AND ?) AS ${column}`;
const USERS =
  '(SELECT sum(users) FROM rollup_daily_uniques WHERE site_id = ? AND day BETWEEN ? AND ? AND prev_day < ?) AS users';
const RANGE_PATHS = `SELECT path, sum(events) AS views FROM rollup_daily
  WHERE site_id = ? AND day BETWEEN ? AND ? AND event_type = '${PAGE_VIEW}' AND path != ''
  GROUP BY path ORDER BY views DESC, path ASC LIMIT ${TOP_PATHS}`;
// One day holds one rollup_daily row per (type, path): read them in key order, nothing to group.
const ONE_DAY_PATHS = `SELECT path, events AS views FROM rollup_daily
  WHERE site_id = ? AND day = ? AND event_type = '${PAGE_VIEW}' AND path != ''
  ORDER BY views DESC, path ASC LIMIT ${TOP_PATHS}`;
const ALL_TIME_PATHS = `SELECT path, views FROM rollup_paths WHERE site_id = ?
  ORDER BY views DESC, path ASC LIMIT ${TOP_PATHS}`;
const statsSql = (paths: string) =>
  `SELECT ${TOTALS('events')}, ${TOTALS('views')}, ${USERS},
     (SELECT json_group_array(json_array(path, views) ORDER BY views DESC, path ASC) FROM (${paths})) AS paths`;
const RANGE_SQL = statsSql(RANGE_PATHS);
const ONE_DAY_SQL = statsSql(ONE_DAY_PATHS);
const ALL_TIME_SQL = statsSql(ALL_TIME_PATHS);

export async function siteStats(db: PrismaClient, scope: StatsScope): Promise<SiteStats> {
  const { siteId } = scope;
  const from = scope.fromDay ?? MIN_DAY;
  const to = scope.toDay ?? MAX_DAY;
  const range = [siteId, from, to];
  let sql = RANGE_SQL;
  let pathArgs: unknown[] = range;
  if (scope.fromDay === null && scope.toDay === null) [sql, pathArgs] = [ALL_TIME_SQL, [siteId]];
  else if (scope.fromDay === scope.toDay) [sql, pathArgs] = [ONE_DAY_SQL, [siteId, from]];
  const [row] = await queryRows<Row>(db, sql, ...range, ...range, ...range, from, ...pathArgs);
  const paths = JSON.parse(row?.paths ?? '[]') as [string, number][];
  return {
    ...scopeFields(scope),
    totalViews: Number(row?.views ?? 0),
    uniqueUsers: Number(row?.users ?? 0),
    totalEvents: Number(row?.events ?? 0),
    topPaths: paths.map(([path, views]) => ({ path, views })),
  };
}
