// What a stats query covers: one site, and an inclusive range of UTC days (days since the epoch),
// open at either end. One day is fromDay === toDay; all time is both null.
import { DAY_MS, utcDate } from '../time.js';

export interface StatsScope {
  siteId: string;
  fromDay: number | null;
  toDay: number | null;
}

export interface PathViews {
  path: string;
  views: number;
}

export interface SiteStats {
  /** what the numbers cover (series and eventTypes are resolved against it) */
  scope: StatsScope;
  siteId: string;
  /** YYYY-MM-DD when the stats cover exactly one day, else null */
  date: string | null;
  /** first and last day of the range, null where it is open */
  from: string | null;
  to: string | null;
  totalViews: number;
  uniqueUsers: number;
  totalEvents: number;
  topPaths: PathViews[];
}

export const TOP_PATHS = 10;
/** Bounds that stand for "open" in SQL range conditions. */
export const MIN_DAY = -1e8;
export const MAX_DAY = 1e8;
/** rollup_daily_uniques.prev_day of a first visit: below every day, open ranges included. */
export const NO_PREVIOUS_DAY = MIN_DAY - 1;

export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
export const dayString = (day: number) => utcDate(day * DAY_MS);

export function oneDay(siteId: string, day: number): StatsScope {
  return { siteId, fromDay: day, toDay: day };
}

/** The scope's fields of a SiteStats answer. */
export function scopeFields(scope: StatsScope): Pick<SiteStats, 'scope' | 'siteId' | 'date' | 'from' | 'to'> {
  const { siteId, fromDay, toDay } = scope;
  return {
    scope,
    siteId,
    date: fromDay !== null && fromDay === toDay ? dayString(fromDay) : null,
    from: fromDay === null ? null : dayString(fromDay),
    to: toDay === null ? null : dayString(toDay),
  };
}
