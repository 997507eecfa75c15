// What the dashboard shows (a site, a period, filters, a time zone) and its URL (docs/dashboard.md):
// ?site=…&period=today|7d|30d|all or ?site=…&from=YYYY-MM-DD&to=YYYY-MM-DD, then f=country:DE
// (repeated, one per dimension), none=source (the dimension's "none" value), tz=Area/City and
// visitors=1 (the panels' Visitors column).
// Days are days of the time zone, as in siteStats(timeZone). The Dimension enum is the server's
// own list (core/stats.ts: constants only, the bundle takes nothing else from core).
import { DIMENSIONS, type Dimension } from '../core/stats.js';

export { DIMENSIONS, type Dimension };

export const PERIODS = ['today', '7d', '30d', 'all', 'custom'] as const;
export type Period = (typeof PERIODS)[number];

/** One StatsFilter: value null is the dimension's "none" (direct traffic, no campaign, unknown). */
export interface Filter {
  dimension: Dimension;
  value: string | null;
}

export interface View {
  site: string | null;
  period: Period;
  /** the custom range, inclusive */
  from: string | null;
  to: string | null;
  /** at most one per dimension, in DIMENSIONS order */
  filters: Filter[];
  /** the time zone asked for in the URL (tz=); null: the browser's */
  tz: string | null;
  /** the panels show unique users per row too */
  visitors: boolean;
}

/** The siteStats arguments and series interval of a view, and whether it follows liveStats. */
export interface Scope {
  date: string | null;
  from: string | null;
  to: string | null;
  interval: 'HOUR' | 'DAY';
  /** the period includes the zone's current day */
  live: boolean;
  /** exactly the zone's current day: unfiltered liveStats pushes are its numbers */
  today: boolean;
  title: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (s: string | null): s is string =>
  s !== null &&
  DATE.test(s) &&
  !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
  new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/**
 * The name when it is a time zone the browser knows, else null. Kept as written: ICU's canonical
 * ids are sometimes the old names (Asia/Calcutta for Asia/Kolkata), which nobody types.
 */
export function timeZoneName(name: string | null): string | null {
  if (!name || name.length > 64) return null;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return name;
  } catch {
    return null;
  }
}

/** The browser's own time zone (UTC when it names none the page can use). */
export const browserZone = (): string =>
  timeZoneName(Intl.DateTimeFormat().resolvedOptions().timeZone ?? null) ?? 'UTC';

/** The zone the page shows: the URL's tz when valid, otherwise the browser's. */
export const zoneOf = (view: View): string => timeZoneName(view.tz) ?? browserZone();

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone: string, now = Date.now()): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const dimensionKey = (d: Dimension) => d.toLowerCase();
const dimensionOf = (key: string): Dimension | undefined => DIMENSIONS.find((d) => dimensionKey(d) === key);

/** Adds a filter, replacing one on the same dimension; the list stays in DIMENSIONS order. */
export function withFilter(filters: readonly Filter[], next: Filter): Filter[] {
  const out = filters.filter((f) => f.dimension !== next.dimension);
  out.push(next);
  return out.sort((a, b) => DIMENSIONS.indexOf(a.dimension) - DIMENSIONS.indexOf(b.dimension));
}

export const withoutFilter = (filters: readonly Filter[], dimension: Dimension): Filter[] =>
  filters.filter((f) => f.dimension !== dimension);

function readFilters(q: URLSearchParams): Filter[] {
  let filters: Filter[] = [];
  for (const f of q.getAll('f')) {
    const colon = f.indexOf(':');
    const dimension = dimensionOf(f.slice(0, colon));
    const value = f.slice(colon + 1);
    // f=dim: with no value is not a filter (a value is 1 or more characters; none is none=dim)
    if (colon > 0 && dimension && value !== '') filters = withFilter(filters, { dimension, value });
  }
  for (const key of q.getAll('none')) {
    const dimension = dimensionOf(key);
    if (dimension) filters = withFilter(filters, { dimension, value: null });
  }
  return filters;
}

export function readUrl(search: string): View {
  const q = new URLSearchParams(search);
  const site = q.get('site') || null;
  const from = q.get('from');
  const to = q.get('to');
  const filters = readFilters(q);
  const tz = q.get('tz') || null;
  const visitors = q.get('visitors') === '1';
  if (isDate(from) && isDate(to)) {
    const [a, b] = from <= to ? [from, to] : [to, from];
    return { site, period: 'custom', from: a, to: b, filters, tz, visitors };
  }
  const period = q.get('period');
  const known = PERIODS.find((p) => p === period && p !== 'custom');
  return { site, period: known ?? 'today', from: null, to: null, filters, tz, visitors };
}

export function toUrl(view: View): string {
  const q = new URLSearchParams();
  if (view.site) q.set('site', view.site);
  if (view.period === 'custom' && view.from && view.to) {
    q.set('from', view.from);
    q.set('to', view.to);
  } else {
    q.set('period', view.period === 'custom' ? 'today' : view.period);
  }
  for (const f of view.filters) {
    if (f.value === null) q.append('none', dimensionKey(f.dimension));
    else q.append('f', `${dimensionKey(f.dimension)}:${f.value}`);
  }
  if (view.tz) q.set('tz', view.tz);
  if (view.visitors) q.set('visitors', '1');
  return `?${q}`;
}

export function scopeOf(view: View, timeZone: string, today = todayIn(timeZone)): Scope {
  const none = { date: null, from: null, to: null };
  const zone = `(${timeZone})`;
  switch (view.period) {
    case 'today':
      return { ...none, date: today, interval: 'HOUR', live: true, today: true, title: `Today, ${today} ${zone}` };
    case '7d':
    case '30d': {
      const from = addDays(today, view.period === '7d' ? -6 : -29);
      const title = `Last ${view.period === '7d' ? 7 : 30} days, ${from} to ${today} ${zone}`;
      return { ...none, from, to: today, interval: 'DAY', live: true, today: false, title };
    }
    case 'all':
      return { ...none, interval: 'DAY', live: true, today: false, title: `All time ${zone}` };
    case 'custom': {
      const from = view.from ?? today;
      const to = view.to ?? today;
      const live = from <= today && today <= to;
      if (from === to) {
        return { ...none, date: from, interval: 'HOUR', live, today: live, title: `${from} ${zone}` };
      }
      return { ...none, from, to, interval: 'DAY', live, today: false, title: `${from} to ${to} ${zone}` };
    }
  }
}
