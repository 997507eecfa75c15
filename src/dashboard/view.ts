// What the dashboard shows (a site and a period) and its URL: ?site=…&period=today|7d|30d|all or
// ?site=…&from=YYYY-MM-DD&to=YYYY-MM-DD (docs/dashboard.md). Days are UTC, as in siteStats.

export const PERIODS = ['today', '7d', '30d', 'all', 'custom'] as const;
export type Period = (typeof PERIODS)[number];

export interface View {
  site: string | null;
  period: Period;
  /** the custom range, inclusive */
  from: string | null;
  to: string | null;
}

/** The siteStats arguments and series interval of a view, and whether it follows liveStats. */
export interface Scope {
  date: string | null;
  from: string | null;
  to: string | null;
  interval: 'HOUR' | 'DAY';
  /** the period includes the current UTC day */
  live: boolean;
  /** exactly the current UTC day: liveStats pushes are its numbers */
  today: boolean;
  title: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (s: string | null): s is string =>
  s !== null &&
  DATE.test(s) &&
  !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
  new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

export const todayUtc = (now = Date.now()): string => new Date(now).toISOString().slice(0, 10);

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function readUrl(search: string): View {
  const q = new URLSearchParams(search);
  const site = q.get('site') || null;
  const from = q.get('from');
  const to = q.get('to');
  if (isDate(from) && isDate(to)) {
    return from <= to ? { site, period: 'custom', from, to } : { site, period: 'custom', from: to, to: from };
  }
  const period = q.get('period');
  const known = PERIODS.find((p) => p === period && p !== 'custom');
  return { site, period: known ?? 'today', from: null, to: null };
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
  return `?${q}`;
}

export function scopeOf(view: View, today = todayUtc()): Scope {
  const none = { date: null, from: null, to: null };
  switch (view.period) {
    case 'today':
      return { ...none, date: today, interval: 'HOUR', live: true, today: true, title: `Today, ${today} (UTC)` };
    case '7d':
    case '30d': {
      const from = addDays(today, view.period === '7d' ? -6 : -29);
      const title = `Last ${view.period === '7d' ? 7 : 30} days, ${from} to ${today} (UTC)`;
      return { ...none, from, to: today, interval: 'DAY', live: true, today: false, title };
    }
    case 'all':
      return { ...none, interval: 'DAY', live: true, today: false, title: 'All time' };
    case 'custom': {
      const from = view.from ?? today;
      const to = view.to ?? today;
      const live = from <= today && today <= to;
      if (from === to) {
        return { ...none, date: from, interval: 'HOUR', live, today: live, title: `${from} (UTC)` };
      }
      return { ...none, from, to, interval: 'DAY', live, today: false, title: `${from} to ${to} (UTC)` };
    }
  }
}
