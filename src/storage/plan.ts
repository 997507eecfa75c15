// Where each part of a stats read comes from, the same on both backends (docs/api.md, "Which
// answers are exact, and from where"). A range [lo, hi) of epoch ms splits into
//   * whole UTC days      → the daily rollups (rollup_days, rollup_daily, rollup_dims_daily),
//   * whole UTC hours     → the hourly rollups (rollup_hours, rollup_hourly, rollup_dims_hourly),
//   * what is left at either end when it is not on a whole hour (Asia/Kolkata's and
//     Asia/Kathmandu's days start at :30 and :45 UTC) → the raw events,
// and every count is the sum over the parts: exact. Filters name attributes the rollups do not
// cross with each other, so a filtered read counts raw events only.
//
// Unique users are not a sum. A range of whole UTC days only is answered by rollup_daily_uniques
// (storage/sqlite/rollups.ts explains the sum); any other range counts the distinct users of the
// union of its whole hours' user sets (rollup_hourly_users) and its raw edges' user ids: exact, at
// the cost of reading every (hour, user) of the range (docs/performance.md has the numbers).
import { DAY_MS, HOUR_MS, MAX_DAY, MIN_DAY } from '../core/time.js';

/** The instants that stand for an open start or end of a range (days MIN_DAY and MAX_DAY). */
export const OPEN_START = MIN_DAY * DAY_MS;
export const OPEN_END = MAX_DAY * DAY_MS;

/** One part of bucket `b`: [lo, hi) in the unit of the list it is in (days, hours or epoch ms). */
export type Part = [b: number, lo: number, hi: number];

export interface Plan {
  /** UTC days */
  days: Part[];
  /** UTC hours */
  hours: Part[];
  /** epoch ms: counted from the raw events */
  raw: Part[];
  /** unique users of buckets that are whole UTC days only (rollup_daily_uniques) */
  userDays: Part[];
  /** unique users of every other bucket's whole hours (rollup_hourly_users), beside its raw parts */
  userHours: Part[];
}

const ceilTo = (ms: number, unit: number) => Math.ceil(ms / unit) * unit;
const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;

/**
 * The parts of each bucket [lo, hi) (epoch ms; bucket b is buckets[b]). `fromRollups` false
 * (filters): every bucket from the raw events.
 */
export function plan(buckets: readonly (readonly [number, number])[], fromRollups: boolean): Plan {
  const out: Plan = { days: [], hours: [], raw: [], userDays: [], userHours: [] };
  buckets.forEach(([lo, hi], b) => {
    if (hi <= lo) return;
    const hs = ceilTo(lo, HOUR_MS);
    const he = floorTo(hi, HOUR_MS);
    if (!fromRollups || hs >= he) {
      out.raw.push([b, lo, hi]);
      return;
    }
    if (lo < hs) out.raw.push([b, lo, hs]);
    if (he < hi) out.raw.push([b, he, hi]);
    const ds = ceilTo(hs, DAY_MS);
    const de = floorTo(he, DAY_MS);
    if (ds < de) {
      out.days.push([b, ds / DAY_MS, de / DAY_MS]);
      if (hs < ds) out.hours.push([b, hs / HOUR_MS, ds / HOUR_MS]);
      if (de < he) out.hours.push([b, de / HOUR_MS, he / HOUR_MS]);
    } else {
      out.hours.push([b, hs / HOUR_MS, he / HOUR_MS]);
    }
    if (lo === ds && hi === de) out.userDays.push([b, ds / DAY_MS, de / DAY_MS]);
    else out.userHours.push([b, hs / HOUR_MS, he / HOUR_MS]);
  });
  return out;
}

/** A range's start and end with the open ends as instants. */
export function closed(start: number | null, end: number | null): [number, number] {
  return [start ?? OPEN_START, end ?? OPEN_END];
}
