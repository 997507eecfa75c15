// What a stats query covers (core/stats.ts: one site, an inclusive range of UTC days open at
// either end; one day is fromDay === toDay, all time both null) and the SiteStats answer.
import type { SiteTotals, StatsScope } from '../core/stats.js';
import { dayString } from '../core/time.js';

export type { PathViews, StatsScope } from '../core/stats.js';
export { TOP_PATHS } from '../core/stats.js';
export { dayOf, dayString, MAX_DAY, MIN_DAY, NO_PREVIOUS_DAY } from '../core/time.js';

export interface SiteStats extends SiteTotals {
  /** what the numbers cover (series and eventTypes are resolved against it) */
  scope: StatsScope;
  siteId: string;
  /** YYYY-MM-DD when the stats cover exactly one day, else null */
  date: string | null;
  /** first and last day of the range, null where it is open */
  from: string | null;
  to: string | null;
}

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
