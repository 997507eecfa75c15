// The PostgreSQL backend of the storage port (DATABASE_URL "postgresql://..." or "postgres://..."):
// every statement on a pg pool through Prisma's driver adapter; flushes on the main thread (the
// pool, not a thread, keeps the request path from waiting).
import type { EventRecord } from '../../core/event.js';
import type {
  BreakdownRow,
  BreakdownSort,
  BucketCounts,
  Dimension,
  EventTypeCount,
  Interval,
  SiteTotals,
  StatsRange,
  StatsScope,
} from '../../core/stats.js';
import type { Storage } from '../port.js';
import { openPostgres, type PgDb, queryRows } from './db.js';
import * as maintenance from './maintenance.js';
import * as stats from './stats.js';
import { createEventWriter, type EventWriter } from './write.js';

export class PostgresStorage implements Storage {
  readonly backend = 'postgres';
  private readonly write: EventWriter;

  private constructor(readonly db: PgDb) {
    this.write = createEventWriter(db);
  }

  static async open(url: string): Promise<PostgresStorage> {
    return new PostgresStorage(await openPostgres(url));
  }

  writeBatch(events: readonly EventRecord[]): Promise<void> {
    return this.write(events);
  }

  siteTotals(scope: StatsScope) {
    return stats.siteTotals(this.db, scope);
  }

  dayBounds(scope: StatsScope) {
    return stats.dayBounds(this.db, scope);
  }

  seriesCountsUtc(siteId: string, interval: Interval, first: number, last: number) {
    return stats.seriesCounts(this.db, siteId, interval, first, last);
  }

  totals(_range: StatsRange): Promise<SiteTotals> {
    throw new Error('not yet: totals(range)');
  }

  bounds(_range: StatsRange): Promise<[number, number] | null> {
    throw new Error('not yet: bounds(range)');
  }

  seriesCounts(_range: StatsRange, _edges: readonly number[]): Promise<BucketCounts[]> {
    throw new Error('not yet: seriesCounts(range, edges)');
  }

  eventTypes(_range: StatsRange): Promise<EventTypeCount[]> {
    throw new Error('not yet: eventTypes(range)');
  }

  breakdown(
    _range: StatsRange,
    _by: Dimension,
    _limit: number,
    _sortBy: BreakdownSort,
    _withUsers: boolean,
  ): Promise<BreakdownRow[]> {
    throw new Error('not yet: breakdown');
  }

  eventTypesUtc(scope: StatsScope) {
    return stats.eventTypes(this.db, scope);
  }

  sites() {
    return stats.sites(this.db);
  }

  ensureSalts(days: readonly string[], newSalt: () => string) {
    return maintenance.ensureSalts(this.db, days, newSalt);
  }

  deleteSaltsBefore(oldestKept: string) {
    return maintenance.deleteSaltsBefore(this.db, oldestKept);
  }

  deleteEventsBefore(cutoffMs: number) {
    return maintenance.deleteEventsBefore(this.db, cutoffMs);
  }

  rebuildRollups() {
    return maintenance.rebuildRollups(this.db);
  }

  claimInstance() {
    return maintenance.claimInstance(this.db);
  }

  async ping(): Promise<boolean> {
    try {
      await queryRows(this.db, 'SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /** A raw read on a pooled connection (tests and benchmarks). */
  query<T>(sql: string, ...args: unknown[]): Promise<T[]> {
    return queryRows<T>(this.db, sql, ...args);
  }

  async close(): Promise<void> {
    await this.db.client.$disconnect();
  }
}
