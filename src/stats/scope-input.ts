// The parts of a stats scope that GraphQL (schema/stats.ts) and GET /stats (http/rest.ts) check
// the same way: date against from/to, the time zone, the filters. Each adapter names the fields
// its callers wrote (timeZone or time_zone, filters or the filter's parameter).
import { DIMENSIONS, type Dimension, type StatsFilter, type StatsScope } from '../core/stats.js';
import { isTimeZone, UTC } from '../core/zone.js';

/** A filter value longer than the attribute can be when recorded (docs/api.md, "Filters") matches nothing: refused. */
export const FILTER_VALUE_MAX: Record<Dimension, number> = {
  PATH: 2048,
  EVENT_TYPE: 64,
  // the host of a referrer (itself at most 2048 characters)
  SOURCE: 2048,
  UTM_SOURCE: 256,
  UTM_MEDIUM: 256,
  UTM_CAMPAIGN: 256,
  BROWSER: 64,
  OS: 64,
  DEVICE: 64,
  COUNTRY: 2,
};

export interface ScopeProblem {
  field: string;
  message: string;
}

export interface ScopeInput {
  siteId: string;
  /** days (core/time.ts day numbers of the calendar), already parsed by the adapter */
  date: number | null;
  from: number | null;
  to: number | null;
  timeZone: string | null | undefined;
  filters: readonly StatsFilter[] | null | undefined;
}

export interface ScopeFieldNames {
  date: string;
  from: string;
  timeZone: string;
  /** the name of the filter at index i (filters.0 in GraphQL, the parameter in REST) */
  filter: (filter: StatsFilter, index: number) => string;
  /** where a second filter on one dimension is reported */
  filters: (filter: StatsFilter, index: number) => string;
}

export const GRAPHQL_NAMES: ScopeFieldNames = {
  date: 'date',
  from: 'from',
  timeZone: 'timeZone',
  filter: (_f, i) => `filters.${i}.value`,
  filters: () => 'filters',
};

export type ScopeResult = { ok: true; scope: StatsScope } | { ok: false; problems: ScopeProblem[] };

/** Checks the value of one filter; null when it is acceptable. */
export function filterValueProblem(dimension: Dimension, value: string | null): string | null {
  if (value === null) return null;
  const max = FILTER_VALUE_MAX[dimension];
  if (value.length < 1 || value.length > max) {
    return `must be 1-${max} characters (a ${dimension} filter; null matches none)`;
  }
  return null;
}

export function scopeFromInput(input: ScopeInput, names: ScopeFieldNames = GRAPHQL_NAMES): ScopeResult {
  const problems: ScopeProblem[] = [];
  const { date, from, to } = input;
  if (date !== null && (from !== null || to !== null)) {
    problems.push({ field: names.date, message: 'give either date or from/to, not both' });
  } else if (from !== null && to !== null && from > to) {
    problems.push({ field: names.from, message: 'must not be after to' });
  }
  const timeZone = input.timeZone ?? UTC;
  if (!isTimeZone(timeZone)) {
    problems.push({
      field: names.timeZone,
      message: `must be an IANA time zone name such as "UTC" or "America/New_York"; "${clip(timeZone)}" is not one`,
    });
  }
  const filters = input.filters ?? [];
  const seen = new Set<Dimension>();
  filters.forEach((filter, i) => {
    if (!(DIMENSIONS as readonly string[]).includes(filter.dimension)) {
      problems.push({
        field: names.filter(filter, i),
        message: `names no dimension (one of ${DIMENSIONS.join(', ')})`,
      });
      return;
    }
    if (seen.has(filter.dimension)) {
      problems.push({
        field: names.filters(filter, i),
        message: `at most one filter per dimension (${filter.dimension} twice)`,
      });
    }
    seen.add(filter.dimension);
    const problem = filterValueProblem(filter.dimension, filter.value);
    if (problem) problems.push({ field: names.filter(filter, i), message: problem });
  });
  if (problems.length > 0) return { ok: false, problems };
  const fromDay = date ?? from;
  const toDay = date ?? to;
  const scope: StatsScope = { siteId: input.siteId, fromDay, toDay, timeZone: canonicalZone(timeZone) };
  if (filters.length > 0) scope.filters = filters.map((f) => ({ dimension: f.dimension, value: f.value }));
  return { ok: true, scope };
}

/**
 * The zone's name as the time zone database spells it where that is only a matter of case
 * ("america/new_york" → "America/New_York"), and "UTC" for every name of UTC ("Etc/UTC", "utc"),
 * so the callers of one zone share its caches and live stats group, and UTC takes its fast path.
 * Other names are kept as given: ICU would turn "Asia/Kathmandu" into the older "Asia/Katmandu".
 */
function canonicalZone(name: string): string {
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  return resolved === UTC || resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
}

/** A caller's value quoted back in a message, cut short. */
const clip = (value: string) => (value.length > 64 ? `${value.slice(0, 61)}...` : value);
