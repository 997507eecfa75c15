// series: views, events and unique users per hour or day over a scope, empty buckets included.
// An open scope runs from the site's first to its last day with events.
import { queryRows } from '../db.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { PAGE_VIEW } from '../ingestion/event.js';
import { DAY_MS } from '../time.js';
import { MAX_DAY, MIN_DAY, type StatsScope } from './scope.js';

export type Interval = 'HOUR' | 'DAY';

export interface SeriesBucket {
  /** epoch ms of the bucket's start */
  start: number;
  views: number;
  events: number;
  uniqueUsers: number;
}

/** More buckets than this is a mistake (e.g. hours over years): the caller gets an error. */
export const MAX_BUCKETS = 10_000;

export class TooManyBucketsError extends Error {}

type Row = { bucket: string | number; events: string | number; views: string | number | null };
type UserRow = { bucket: string | number; users: string | number };

async function dayBounds(db: PrismaClient, scope: StatsScope): Promise<[number, number] | null> {
  if (scope.fromDay !== null && scope.toDay !== null) return [scope.fromDay, scope.toDay];
  const [row] = await queryRows<{ lo: string | number | null; hi: string | number | null }>(
    db,
    'SELECT min(day) AS lo, max(day) AS hi FROM rollup_days WHERE site_id = ? AND day BETWEEN ? AND ?',
    scope.siteId,
    scope.fromDay ?? MIN_DAY,
    scope.toDay ?? MAX_DAY,
  );
  if (row?.lo === null || row?.lo === undefined || row.hi === null) return null;
  return [scope.fromDay ?? Number(row.lo), scope.toDay ?? Number(row.hi)];
}

export async function series(db: PrismaClient, scope: StatsScope, interval: Interval): Promise<SeriesBucket[]> {
  const bounds = await dayBounds(db, scope);
  if (!bounds) return [];
  const perDay = interval === 'DAY' ? 1 : 24;
  const first = bounds[0] * perDay;
  const last = (bounds[1] + 1) * perDay - 1;
  const count = last - first + 1;
  if (count > MAX_BUCKETS) {
    throw new TooManyBucketsError(
      `series(${interval}) would have ${count} buckets; at most ${MAX_BUCKETS} — narrow the range`,
    );
  }
  // Days: totals from rollup_days, and a day's users are its rollup_daily_uniques rows summed.
  // Hours: rollup_hourly, and the hour's user set counted.
  const [countsSql, usersSql] =
    interval === 'DAY'
      ? [
          'SELECT day AS bucket, events, views FROM rollup_days WHERE site_id = ? AND day BETWEEN ? AND ?',
          `SELECT day AS bucket, sum(users) AS users
             FROM rollup_daily_uniques WHERE site_id = ? AND day BETWEEN ? AND ? GROUP BY day`,
        ]
      : [
          `SELECT hour AS bucket, sum(events) AS events, sum(CASE WHEN event_type = '${PAGE_VIEW}' THEN events END) AS views
             FROM rollup_hourly WHERE site_id = ? AND hour BETWEEN ? AND ? GROUP BY hour`,
          `SELECT hour AS bucket, count(*) AS users
             FROM rollup_hourly_users WHERE site_id = ? AND hour BETWEEN ? AND ? GROUP BY hour`,
        ];
  const counts = await queryRows<Row>(db, countsSql, scope.siteId, first, last);
  const users = await queryRows<UserRow>(db, usersSql, scope.siteId, first, last);
  const bucketMs = DAY_MS / perDay;
  const out: SeriesBucket[] = Array.from({ length: count }, (_, i) => ({
    start: (first + i) * bucketMs,
    views: 0,
    events: 0,
    uniqueUsers: 0,
  }));
  for (const r of counts) {
    const b = out[Number(r.bucket) - first];
    if (b) {
      b.events = Number(r.events);
      b.views = Number(r.views ?? 0);
    }
  }
  for (const r of users) {
    const b = out[Number(r.bucket) - first];
    if (b) b.uniqueUsers = Number(r.users);
  }
  return out;
}
