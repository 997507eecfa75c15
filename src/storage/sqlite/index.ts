// The SQLite backend of the storage port (DATABASE_URL "file:..."): reads and maintenance on the
// request thread's connection, flushes on a writer thread of their own (writer-thread.ts).
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
import { type Db, openDatabase, queryRows, READ_DIALECT, readOn } from './db.js';
import * as maintenance from './maintenance.js';
import * as stats from './stats.js';
import { WriterThread } from './writer-thread.js';

export class SqliteStorage implements Storage {
  readonly backend = 'sqlite';
  private readonly reads;

  private constructor(
    /** the request thread's connection (reads, salts, retention) */
    readonly db: Db,
    /** the thread flushes write through, on its own connection */
    readonly writer: WriterThread,
  ) {
    this.reads = createReads(READ_DIALECT, readOn(db));
  }

  static async open(url: string, busyTimeoutMs?: number): Promise<SqliteStorage> {
    const db = await openDatabase(url, busyTimeoutMs);
    const writer = await WriterThread.start(url, busyTimeoutMs);
    return new SqliteStorage(db, writer);
  }

  writeBatch(events: readonly EventRecord[]): Promise<void> {
    return this.writer.write(events);
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

  /** A raw read on the request thread's connection (tests and benchmarks). */
  query<T>(sql: string, ...args: unknown[]): Promise<T[]> {
    return queryRows<T>(this.db, sql, ...args);
  }

  async close(): Promise<void> {
    await this.writer.close();
    await this.db.$disconnect();
  }
}
