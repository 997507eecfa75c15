// series: views, events and unique users per hour or day over a scope, empty buckets included.
// An open scope runs from the site's first to its last day with events.
import type { Interval, StatsScope } from '../core/stats.js';
import { DAY_MS } from '../core/time.js';
import type { Storage } from '../storage/port.js';

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

async function dayBounds(storage: Storage, scope: StatsScope): Promise<[number, number] | null> {
  if (scope.fromDay !== null && scope.toDay !== null) return [scope.fromDay, scope.toDay];
  const bounds = await storage.dayBounds(scope);
  if (!bounds) return null;
  return [scope.fromDay ?? bounds[0], scope.toDay ?? bounds[1]];
}

export async function series(storage: Storage, scope: StatsScope, interval: Interval): Promise<SeriesBucket[]> {
  const bounds = await dayBounds(storage, scope);
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
  const bucketMs = DAY_MS / perDay;
  const out: SeriesBucket[] = Array.from({ length: count }, (_, i) => ({
    start: (first + i) * bucketMs,
    views: 0,
    events: 0,
    uniqueUsers: 0,
  }));
  for (const c of await storage.seriesCountsUtc(scope.siteId, interval, first, last)) {
    const b = out[c.bucket - first];
    if (b) {
      b.events = c.events;
      b.views = c.views;
      b.uniqueUsers = c.uniqueUsers;
    }
  }
  return out;
}
