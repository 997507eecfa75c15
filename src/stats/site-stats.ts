// siteStats: totals, exact unique users and top paths of a scope, as the storage counts them from
// its rollups (storage/sqlite/rollups.ts explains the unique-users sum). The same numbers as
// counting the raw events, which a property test checks on both backends.
import type { Storage } from '../storage/port.js';
import { type SiteStats, type StatsScope, scopeFields } from './scope.js';

export async function siteStats(storage: Storage, scope: StatsScope): Promise<SiteStats> {
  return { ...scopeFields(scope), ...(await storage.siteTotals(scope)) };
}
