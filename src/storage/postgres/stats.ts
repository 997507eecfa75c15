// The stats reads on PostgreSQL: the same statements as storage/sqlite/stats.ts in PostgreSQL's
// dialect. Paths and event types tie-break in byte order (COLLATE "C"), as SQLite compares text,
// so both backends give the same answers whatever the database's collation.
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
import { type Count, type CountRow, mergeBuckets, type UserRow } from '../rows.js';
import { type PgDb, queryRows } from './db.js';

type Row = { events: Count; views: Count; users: Count; paths: string };

// $1 site, $2 first day, $3 last day.
const RANGE_PATHS = `SELECT path, sum(events) AS views FROM rollup_daily
  WHERE site_id = $1 AND day BETWEEN $2 AND $3 AND event_type = '${PAGE_VIEW}' AND path <> ''
  GROUP BY path ORDER BY views DESC, path COLLATE "C" ASC LIMIT ${TOP_PATHS}`;
const ONE_DAY_PATHS = `SELECT path, events AS views FROM rollup_daily
  WHERE site_id = $1 AND day = $2 AND event_type = '${PAGE_VIEW}' AND path <> ''
  ORDER BY views DESC, path COLLATE "C" ASC LIMIT ${TOP_PATHS}`;
const ALL_TIME_PATHS = `SELECT path, views FROM rollup_paths WHERE site_id = $1
  ORDER BY views DESC, path COLLATE "C" ASC LIMIT ${TOP_PATHS}`;
const statsSql = (paths: string) =>
  `SELECT (SELECT sum(events) FROM rollup_days WHERE site_id = $1 AND day BETWEEN $2 AND $3) AS events,
          (SELECT sum(views) FROM rollup_days WHERE site_id = $1 AND day BETWEEN $2 AND $3) AS views,
          (SELECT sum(users) FROM rollup_daily_uniques
            WHERE site_id = $1 AND day BETWEEN $2 AND $3 AND prev_day < $2) AS users,
          (SELECT coalesce(json_agg(json_build_array(p.path, p.views) ORDER BY p.views DESC, p.path COLLATE "C"), '[]')::text
             FROM (${paths}) p) AS paths`;
const RANGE_SQL = statsSql(RANGE_PATHS);
const ONE_DAY_SQL = statsSql(ONE_DAY_PATHS);
const ALL_TIME_SQL = statsSql(ALL_TIME_PATHS);

export async function siteTotals(db: PgDb, scope: StatsScope): Promise<SiteTotals> {
  const from = scope.fromDay ?? MIN_DAY;
  const to = scope.toDay ?? MAX_DAY;
  let sql = RANGE_SQL;
  if (scope.fromDay === null && scope.toDay === null) sql = ALL_TIME_SQL;
  else if (scope.fromDay === scope.toDay) sql = ONE_DAY_SQL;
  const [row] = await queryRows<Row>(db, sql, scope.siteId, from, to);
  const paths = JSON.parse(row?.paths ?? '[]') as [string, number | string][];
  return {
    totalViews: Number(row?.views ?? 0),
    uniqueUsers: Number(row?.users ?? 0),
    totalEvents: Number(row?.events ?? 0),
    topPaths: paths.map(([path, views]) => ({ path, views: Number(views) })),
  };
}

export async function dayBounds(db: PgDb, scope: StatsScope): Promise<[number, number] | null> {
  const [row] = await queryRows<{ lo: Count; hi: Count }>(
    db,
    'SELECT min(day) AS lo, max(day) AS hi FROM rollup_days WHERE site_id = $1 AND day BETWEEN $2 AND $3',
    scope.siteId,
    scope.fromDay ?? MIN_DAY,
    scope.toDay ?? MAX_DAY,
  );
  if (row?.lo === null || row?.lo === undefined || row.hi === null) return null;
  return [Number(row.lo), Number(row.hi)];
}

const SERIES_SQL: Record<Interval, [string, string]> = {
  DAY: [
    'SELECT day AS bucket, events, views FROM rollup_days WHERE site_id = $1 AND day BETWEEN $2 AND $3',
    `SELECT day AS bucket, sum(users) AS users
       FROM rollup_daily_uniques WHERE site_id = $1 AND day BETWEEN $2 AND $3 GROUP BY day`,
  ],
  HOUR: [
    `SELECT hour AS bucket, sum(events) AS events, sum(events) FILTER (WHERE event_type = '${PAGE_VIEW}') AS views
       FROM rollup_hourly WHERE site_id = $1 AND hour BETWEEN $2 AND $3 GROUP BY hour`,
    `SELECT hour AS bucket, count(*) AS users
       FROM rollup_hourly_users WHERE site_id = $1 AND hour BETWEEN $2 AND $3 GROUP BY hour`,
  ],
};

export async function seriesCounts(
  db: PgDb,
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

export async function eventTypes(db: PgDb, scope: StatsScope): Promise<EventTypeCount[]> {
  const rows = await queryRows<{ event_type: string; events: string | number }>(
    db,
    `SELECT event_type, sum(events) AS events FROM rollup_daily
      WHERE site_id = $1 AND day BETWEEN $2 AND $3
      GROUP BY event_type ORDER BY events DESC, event_type COLLATE "C" ASC`,
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
  ORDER BY s.site_id COLLATE "C"`;

export async function sites(db: PgDb): Promise<SiteSummary[]> {
  const rows = await queryRows<{ site_id: string; events: Count; last_ts: Count }>(db, SITES_SQL);
  return rows.map((r) => ({
    siteId: r.site_id,
    totalEvents: Number(r.events),
    lastEventAt: r.last_ts === null ? null : Number(r.last_ts),
  }));
}
