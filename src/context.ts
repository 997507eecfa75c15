// What resolvers and routes get: the services of one running Pulse, and who is asking.
import type { Config } from './config.js';
import type { Ingest } from './ingestion/ingest.js';
import type { HitContext } from './ingestion/pipeline.js';
import type { LiveStats } from './live/live-stats.js';
import type { BreakdownQuery, BreakdownRow } from './stats/breakdown.js';
import type { EventTypeCount } from './stats/event-types.js';
import type { SiteStats, StatsScope } from './stats/scope.js';
import type { Interval, SeriesBucket } from './stats/series.js';
import type { SiteSummary } from './stats/sites.js';

export interface Services {
  config: Config;
  ingest: Ingest;
  stats: (scope: StatsScope) => Promise<SiteStats>;
  series: (scope: StatsScope, interval: Interval) => Promise<SeriesBucket[]>;
  eventTypes: (scope: StatsScope) => Promise<EventTypeCount[]>;
  breakdown: (scope: StatsScope, query: BreakdownQuery) => Promise<BreakdownRow[]>;
  /** every site with stored events, by siteId */
  sites: () => Promise<SiteSummary[]>;
  live: LiveStats;
}

export interface PulseContext {
  pulse: Services;
  /** false when PULSE_API_KEYS is set and the request carries none of the keys */
  authorized: boolean;
  /** the request behind an ingestion call (address, User-Agent, page), built when first asked */
  hit?: () => HitContext;
}

/** Checks an `Authorization: Bearer <key>` value against the configured keys (none set: open). */
export function isAuthorized(keys: readonly string[], authorization: string | null | undefined): boolean {
  if (keys.length === 0) return true;
  if (!authorization) return false;
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  return match !== null && keys.includes(match[1] as string);
}
