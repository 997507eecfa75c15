// The stats reads on SQLite, all from the rollups (storage/sqlite/rollups.ts explains the unique
// users sum): siteTotals in one statement, series counts, event types.
import { PAGE_VIEW } from '../../core/event.js';
import {
  type BucketCounts,
  type EventTypeCount,
  type Interval,
  type SiteSummary,
  type SiteTotals,
  type StatsScope,
  TOP_PATHS,
} from '../../core/stats.js';
import { MAX_DAY, MIN_DAY } from '../../core/time.js';
import { type CountRow, mergeBuckets, type UserRow } from '../rows.js';
import { type Db, queryRows } from './db.js';

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

export async function siteTotals(db: Db, scope: StatsScope): Promise<SiteTotals> {
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
    totalViews: Number(row?.views ?? 0),
    uniqueUsers: Number(row?.users ?? 0),
    totalEvents: Number(row?.events ?? 0),
    topPaths: paths.map(([path, views]) => ({ path, views })),
  };
}

export async function dayBounds(db: Db, scope: StatsScope): Promise<[number, number] | null> {
  const [row] = await queryRows<{ lo: Count; hi: Count }>(
    db,
    'SELECT min(day) AS lo, max(day) AS hi FROM rollup_days WHERE site_id = ? AND day BETWEEN ? AND ?',
    scope.siteId,
    scope.fromDay ?? MIN_DAY,
    scope.toDay ?? MAX_DAY,
  );
  if (row?.lo === null || row?.lo === undefined || row.hi === null) return null;
  return [Number(row.lo), Number(row.hi)];
}

// Days: totals from rollup_days, and a day's users are its rollup_daily_uniques rows summed.
// Hours: rollup_hourly, and the hour's user set counted.
const SERIES_SQL: Record<Interval, [string, string]> = {
  DAY: [
    'SELECT day AS bucket, events, views FROM rollup_days WHERE site_id = ? AND day BETWEEN ? AND ?',
    `SELECT day AS bucket, sum(users) AS users
       FROM rollup_daily_uniques WHERE site_id = ? AND day BETWEEN ? AND ? GROUP BY day`,
  ],
  HOUR: [
    `SELECT hour AS bucket, sum(events) AS events, sum(CASE WHEN event_type = '${PAGE_VIEW}' THEN events END) AS views
       FROM rollup_hourly WHERE site_id = ? AND hour BETWEEN ? AND ? GROUP BY hour`,
    `SELECT hour AS bucket, count(*) AS users
       FROM rollup_hourly_users WHERE site_id = ? AND hour BETWEEN ? AND ? GROUP BY hour`,
  ],
};

export async function seriesCounts(
  db: Db,
  siteId: string,
  interval: Interval,
  first: number,
  last: number,
): Promise<BucketCounts[]> {
  const [countsSql, usersSql] = SERIES_SQL[interval];
  const counts = await queryRows<CountRow>(db, countsSql, siteId, first, last);
  const users = await queryRows<UserRow>(db, usersSql, siteId, first, last);
  return mergeBuckets(counts, users);
}

export async function eventTypes(db: Db, scope: StatsScope): Promise<EventTypeCount[]> {
  const rows = await queryRows<{ event_type: string; events: string | number }>(
    db,
    `SELECT event_type, sum(events) AS events FROM rollup_daily
      WHERE site_id = ? AND day BETWEEN ? AND ?
      GROUP BY event_type ORDER BY events DESC, event_type ASC`,
    scope.siteId,
    scope.fromDay ?? MIN_DAY,
    scope.toDay ?? MAX_DAY,
  );
  return rows.map((r) => ({ eventType: r.event_type, events: Number(r.events) }));
}

// Totals from rollup_days (one row per site and day, grouped in key order); the newest event is
// one seek per site on the events' (site_id, timestamp) index.
const SITES_SQL = `SELECT s.site_id, s.events,
    (SELECT max(e.timestamp) FROM events e WHERE e.site_id = s.site_id) AS last_ts
  FROM (SELECT site_id, sum(events) AS events FROM rollup_days GROUP BY site_id) s
  ORDER BY s.site_id`;

export async function sites(db: Db): Promise<SiteSummary[]> {
  const rows = await queryRows<{ site_id: string; events: Count; last_ts: Count }>(db, SITES_SQL);
  return rows.map((r) => ({
    siteId: r.site_id,
    totalEvents: Number(r.events),
    lastEventAt: r.last_ts === null ? null : Number(r.last_ts),
  }));
}
