// What a stats query covers (core/stats.ts: one site, an inclusive range of days of a time zone
// open at either end, filters; one day is fromDay === toDay, all time both null), how it turns
// into the instants a storage read covers, and the SiteStats answer.
import type { SiteTotals, StatsFilter, StatsRange, StatsScope } from '../core/stats.js';
import { dayString } from '../core/time.js';
import { UTC, zoneDayStart } from '../core/zone.js';

export type { PathViews, StatsFilter, StatsScope } from '../core/stats.js';
export { TOP_PATHS } from '../core/stats.js';
export { dayOf, dayString, MAX_DAY, MIN_DAY, NO_PREVIOUS_DAY } from '../core/time.js';

export interface SiteStats extends SiteTotals {
  /** what the numbers cover (series, eventTypes and breakdown are resolved against it) */
  scope: StatsScope;
  siteId: string;
  /** YYYY-MM-DD (a day of the scope's time zone) when the stats cover exactly one day, else null */
  date: string | null;
  /** first and last day of the range (days of the time zone), null where it is open */
  from: string | null;
  to: string | null;
}

const NO_FILTERS: readonly StatsFilter[] = [];

export function oneDay(siteId: string, day: number, timeZone: string = UTC): StatsScope {
  return { siteId, fromDay: day, toDay: day, timeZone };
}

/** The scope's time zone (UTC when absent). */
export const zoneOf = (scope: StatsScope): string => scope.timeZone ?? UTC;

/**
 * The instants the scope covers: from the start of its first day to the start of the day after its
 * last (docs/api.md, "Time zones"), null where the scope is open, with its filters.
 */
export function rangeOf(scope: StatsScope): StatsRange {
  const zone = zoneOf(scope);
  return {
    siteId: scope.siteId,
    start: scope.fromDay === null ? null : zoneDayStart(scope.fromDay, zone),
    end: scope.toDay === null ? null : zoneDayStart(scope.toDay + 1, zone),
    filters: scope.filters ?? NO_FILTERS,
  };
}

/** The scope's fields of a SiteStats answer. Day numbers count the zone's calendar days. */
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
