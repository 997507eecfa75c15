// Days and hours of an IANA time zone, from the runtime's own time zone database (Intl, full ICU in
// Node 20): what `timeZone` on siteStats and liveStats means (docs/api.md, "Time zones").
//
// A day number is the local calendar date counted in days since 1970-01-01, as UTC day numbers
// are (core/time.ts). Day d of a zone covers the instants [dayStart(d), dayStart(d + 1)): from its
// local midnight, or, where a clock change skips midnight, from the first instant after it.
import { DAY_MS, HOUR_MS } from './time.js';

export const UTC = 'UTC';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // throws RangeError for a name the time zone database does not know
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** true when `name` is a time zone the runtime knows (IANA names and their aliases, "UTC"). */
export function isTimeZone(name: string): boolean {
  if (name.length === 0 || name.length > 64) return false;
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at instant `ms`, in ms (local time minus UTC; whole seconds). */
export function zoneOffset(ms: number, timeZone: string): number {
  if (timeZone === UTC) return 0;
  const seconds = Math.floor(ms / 1000) * 1000;
  const parts = formatter(timeZone).formatToParts(seconds);
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  let bc = false;
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        y = Number(p.value);
        break;
      case 'month':
        mo = Number(p.value);
        break;
      case 'day':
        d = Number(p.value);
        break;
      case 'hour':
        h = Number(p.value);
        break;
      case 'minute':
        mi = Number(p.value);
        break;
      case 'second':
        s = Number(p.value);
        break;
      case 'era':
        bc = p.value.startsWith('B');
        break;
    }
  }
  const local = new Date(0);
  local.setUTCFullYear(bc ? 1 - y : y, mo - 1, d);
  local.setUTCHours(h, mi, s, 0);
  return local.getTime() - seconds;
}

/** The zone's day (days since 1970-01-01 of its local calendar) containing instant `ms`. */
export function zoneDayOf(ms: number, timeZone: string): number {
  return Math.floor((ms + zoneOffset(ms, timeZone)) / DAY_MS);
}

const starts = new Map<string, number>();
const MAX_CACHED = 50_000;

/** The first instant of day `day` in the zone (epoch ms). */
export function zoneDayStart(day: number, timeZone: string): number {
  const midnight = day * DAY_MS;
  if (timeZone === UTC) return midnight;
  const key = `${timeZone} ${day}`;
  const cached = starts.get(key);
  if (cached !== undefined) return cached;
  // Local midnight minus the offset there, twice (the offset may differ on either side of it).
  let t = midnight - zoneOffset(midnight, timeZone);
  t = midnight - zoneOffset(t, timeZone);
  if (!(zoneDayOf(t, timeZone) === day && zoneDayOf(t - 1, timeZone) < day)) {
    // Midnight was skipped or repeated by a clock change: the first instant the local date is
    // `day` or later, by bisection over the ±36 h around it (offsets are within ±26 h).
    let lo = midnight - 36 * HOUR_MS; // local date before `day`
    let hi = midnight + 36 * HOUR_MS; // local date `day` or after
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (zoneDayOf(mid, timeZone) >= day) hi = mid;
      else lo = mid;
    }
    t = hi;
  }
  if (starts.size >= MAX_CACHED) starts.clear();
  starts.set(key, t);
  return t;
}

/** The zone's "today" at instant `now`. */
export function zoneToday(timeZone: string, now = Date.now()): number {
  return zoneDayOf(now, timeZone);
}

/**
 * Series bucket edges over the days [fromDay, toDay] of the zone: DAY gives each day's start and
 * the end of the last; HOUR gives every whole hour after each day's start (a day of 23 or 25
 * hours has 23 or 25 buckets) and the end. Bucket i is [edges[i], edges[i + 1]).
 */
export function bucketEdges(fromDay: number, toDay: number, interval: 'HOUR' | 'DAY', timeZone: string): number[] {
  const edges: number[] = [];
  for (let d = fromDay; d <= toDay; d++) {
    const start = zoneDayStart(d, timeZone);
    if (interval === 'DAY') {
      edges.push(start);
      continue;
    }
    const end = zoneDayStart(d + 1, timeZone);
    for (let t = start; t < end; t += HOUR_MS) edges.push(t);
  }
  edges.push(zoneDayStart(toDay + 1, timeZone));
  return edges;
}
