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
  SiteTotals,
  StatsRange,
} from '../../core/stats.js';
import type { Storage } from '../port.js';
import { createReads } from '../reads.js';
import { openPostgres, type PgDb, queryRows, READ_DIALECT } from './db.js';
import * as maintenance from './maintenance.js';
import * as stats from './stats.js';
import { createEventWriter, type EventWriter } from './write.js';

export class PostgresStorage implements Storage {
  readonly backend = 'postgres';
  private readonly write: EventWriter;
  private readonly reads;

  private constructor(readonly db: PgDb) {
    this.write = createEventWriter(db);
    this.reads = createReads(READ_DIALECT, (sql, args) => queryRows(db, sql, ...args));
  }

  static async open(url: string): Promise<PostgresStorage> {
    return new PostgresStorage(await openPostgres(url));
  }

  writeBatch(events: readonly EventRecord[]): Promise<void> {
    return this.write(events);
  }

  totals(range: StatsRange): Promise<SiteTotals> {
    return this.reads.totals(range);
  }

  bounds(range: StatsRange): Promise<[number, number] | null> {
    return this.reads.bounds(range);
  }

  seriesCounts(range: StatsRange, edges: readonly number[]): Promise<BucketCounts[]> {
    return this.reads.seriesCounts(range, edges);
  }

  eventTypes(range: StatsRange): Promise<EventTypeCount[]> {
    return this.reads.eventTypes(range);
  }

  breakdown(
    range: StatsRange,
    by: Dimension,
    limit: number,
    sortBy: BreakdownSort,
    withUsers: boolean,
  ): Promise<BreakdownRow[]> {
    return this.reads.breakdown(range, by, limit, sortBy, withUsers);
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
