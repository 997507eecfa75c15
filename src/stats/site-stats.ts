// siteStats: totals, exact unique users and top paths of a scope, as the storage counts them (from
// its rollups where the range and filters allow it, else from raw events: docs/api.md, "Which
// answers are exact, and from where"). A property test checks them against the raw events.
import type { Storage } from '../storage/port.js';
import { rangeOf, type SiteStats, type StatsScope, scopeFields } from './scope.js';

export async function siteStats(storage: Storage, scope: StatsScope): Promise<SiteStats> {
  return { ...scopeFields(scope), ...(await storage.totals(rangeOf(scope))) };
}
