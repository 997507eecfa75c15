// breakdown: views, events and unique users per value of one dimension over a scope (filters
// included), sorted by sortBy descending, ties by value ascending, none (null) last.
import type { BreakdownRow, BreakdownSort, Dimension, StatsScope } from '../core/stats.js';
import type { Storage } from '../storage/port.js';
import { rangeOf } from './scope.js';

export type { BreakdownRow, BreakdownSort, Dimension } from '../core/stats.js';
export { MAX_BREAKDOWN_LIMIT } from '../core/stats.js';

export interface BreakdownQuery {
  by: Dimension;
  /** 1..MAX_BREAKDOWN_LIMIT (the caller checks it) */
  limit: number;
  sortBy: BreakdownSort;
  /**
   * Count uniqueUsers (the costly part). Without it the rows carry 0, unless sortBy is
   * UNIQUE_USERS, which counts them anyway.
   */
  withUsers: boolean;
}

export function breakdown(storage: Storage, scope: StatsScope, q: BreakdownQuery): Promise<BreakdownRow[]> {
  return storage.breakdown(rangeOf(scope), q.by, q.limit, q.sortBy, q.withUsers || q.sortBy === 'UNIQUE_USERS');
}
