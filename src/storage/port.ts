// The storage port: everything Pulse asks of its database, implemented once per backend
// (storage/sqlite, storage/postgres) and chosen at start from DATABASE_URL (storage/open.ts).
// Ingestion, stats, live updates, the schema and the routes call this and nothing below it.
import type { EventRecord } from '../core/event.js';
import type {
  BreakdownRow,
  BreakdownSort,
  BucketCounts,
  Dimension,
  EventTypeCount,
  SiteSummary,
  SiteTotals,
  StatsRange,
} from '../core/stats.js';

export type Backend = 'sqlite' | 'postgres';

/** What rollups:rebuild did: the first day rebuilt and the rows of each rollup table after. */
export interface RebuildResult {
  fromDay: number;
  rows: Record<string, number>;
}

export interface Storage {
  readonly backend: Backend;

  /**
   * Writes one batch of events (ids given at accept time) and their rollups in one transaction.
   * An event whose id, or whose client eventId for its site, is stored already is skipped and
   * not counted again, whichever instance stored it: a retried batch is harmless.
   */
  writeBatch(events: readonly EventRecord[]): Promise<void>;

  // Reads. A range is [start, end) in epoch ms (null: open) plus filters (core/stats.ts); the
  // stats domain (src/stats) turns days of a time zone into it. Every count is exact. Answers come
  // from the rollups where the range and filters allow it, else from the raw events
  // (docs/api.md, "Which answers are exact, and from where").

  /** Totals, unique users and top paths of a range. */
  totals(range: StatsRange): Promise<SiteTotals>;
  /**
   * Epoch ms of the first and the last event in the range; null when there are none. Unfiltered,
   * an hour whose raw events retention pruned still counts (from the rollups): its first or last
   * instant stands for them.
   */
  bounds(range: StatsRange): Promise<[number, number] | null>;
  /**
   * Counts per bucket: bucket i is [edges[i], edges[i + 1]) (edges ascending, within the range),
   * and BucketCounts.bucket is i. Empty buckets may be left out.
   */
  seriesCounts(range: StatsRange, edges: readonly number[]): Promise<BucketCounts[]>;
  /** Events per type, most frequent first, ties by name (byte order). */
  eventTypes(range: StatsRange): Promise<EventTypeCount[]>;
  /**
   * The rows of one dimension: sorted by sortBy descending, ties by value ascending (byte order),
   * null last; at most `limit`. uniqueUsers is counted only when `withUsers` (else 0), unless
   * sortBy is UNIQUE_USERS.
   */
  breakdown(
    range: StatsRange,
    by: Dimension,
    limit: number,
    sortBy: BreakdownSort,
    withUsers: boolean,
  ): Promise<BreakdownRow[]>;
  /** Every site with stored events, by siteId (byte order), with its event count and newest event. */
  sites(): Promise<SiteSummary[]>;

  /** Makes sure each day (YYYY-MM-DD) has a salt, the first writer winning, and returns them. */
  ensureSalts(days: readonly string[], newSalt: () => string): Promise<Map<string, string>>;
  /** Deletes salts of days before `oldestKept` (YYYY-MM-DD). */
  deleteSaltsBefore(oldestKept: string): Promise<void>;
  /** Deletes raw events with timestamp < cutoffMs (rollups are kept); returns how many. */
  deleteEventsBefore(cutoffMs: number): Promise<number>;
  /** Recomputes the rollups from the raw events still stored; null when there are none. */
  rebuildRollups(): Promise<RebuildResult | null>;

  /** A number no other instance on this database ever got (for event ids, ingestion/event-ids.ts). */
  claimInstance(): Promise<number>;
  /** true when the database answers a trivial query */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The database cannot be reached (down, restarting, refusing connections): the caller answers a
 * clear "try again" instead of an internal error. The message never carries the URL.
 */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
}
