// sites: every site with stored events, by siteId (byte order), with its event count and newest
// event, as the storage counts them (totals from rollup_days; the newest event one index seek
// per site). docs/dashboard.md has the timings.
import type { SiteSummary } from '../core/stats.js';
import type { Storage } from '../storage/port.js';

export type { SiteSummary } from '../core/stats.js';

export function sites(storage: Storage): Promise<SiteSummary[]> {
  return storage.sites();
}
