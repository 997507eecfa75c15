// series: views, events and unique users per hour or day of the scope's time zone, empty buckets
// included. An open scope runs from the zone's day of the first event to the day of the last.
// Hour buckets are whole hours from each day's start (core/zone.ts: a day of 23 or 25 hours has
// 23 or 25 of them; in Asia/Kathmandu they start at :15 UTC).
import type { Interval, StatsScope } from '../core/stats.js';
import { bucketEdges, zoneDayOf } from '../core/zone.js';
import type { Storage } from '../storage/port.js';
import { rangeOf, zoneOf } from './scope.js';

export type { Interval } from '../core/stats.js';

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

const tooMany = (interval: Interval, count: number) =>
  new TooManyBucketsError(`series(${interval}) would have ${count} buckets; at most ${MAX_BUCKETS} — narrow the range`);

export async function series(storage: Storage, scope: StatsScope, interval: Interval): Promise<SeriesBucket[]> {
  const range = rangeOf(scope);
  const zone = zoneOf(scope);
  let { fromDay, toDay } = scope;
  if (fromDay === null || toDay === null) {
    const bounds = await storage.bounds(range);
    if (!bounds) return [];
    fromDay ??= zoneDayOf(bounds[0], zone);
    toDay ??= zoneDayOf(bounds[1], zone);
  }
  const days = toDay - fromDay + 1;
  // Checked before the edges are made: every day has at least one day bucket, and hours over more
  // days than this are far too many.
  if (days > MAX_BUCKETS) throw tooMany(interval, interval === 'DAY' ? days : days * 24);
  const edges = bucketEdges(fromDay, toDay, interval, zone);
  const count = edges.length - 1;
  if (count > MAX_BUCKETS) throw tooMany(interval, count);
  const out: SeriesBucket[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = { start: edges[i] as number, views: 0, events: 0, uniqueUsers: 0 };
  for (const c of await storage.seriesCounts(range, edges)) {
    const b = out[c.bucket];
    if (b) {
      b.events = c.events;
      b.views = c.views;
      b.uniqueUsers = c.uniqueUsers;
    }
  }
  return out;
}
