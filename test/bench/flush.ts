// Flush throughput in process: N rows written in flush-sized batches with Pulse's own
// insertEvents(db, batch), with every other `insertEvents*` variant test/bench/insert-variants.ts
// exports (createMany, …), with its createEventWriter(db) when there is one (one writer reused
// across batches, as the flusher does), and with plain better-sqlite3 (one prepared single-row
// INSERT, one transaction per batch, events only), each on a fresh migrated database.
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventRecord } from '../../src/core/event.js';
import { type Db, openDatabase } from '../../src/storage/sqlite/db.js';
import { migrateSqlite as migrateDatabase } from '../../src/storage/sqlite/migrate.js';
import { cpuSnapshot, cpuUsage } from './cpu.js';
import * as storage from './insert-variants.js';
import { fmtInt } from './report.js';

type BatchWrite = (events: readonly EventRecord[]) => Promise<void>;
type InsertFn = (db: Db, events: readonly EventRecord[]) => Promise<void>;
type WriterFactory = (db: Db, options?: { rollups?: boolean }) => BatchWrite;

export const PLAIN = 'betterSqlite3';

export interface FlushMethod {
  id: string;
  label: string;
  /** the per-batch write on an open database; undefined: plain better-sqlite3 */
  writer?: (db: Db) => BatchWrite;
}

/**
 * insertEvents and insertEventsCreateMany, any other insertEvents* variant, createEventWriter with
 * and without rollups, then the floor. Found by name in the storage module, so the comparison
 * follows src/ as it changes (a missing export is skipped, not a type error here).
 */
export function flushMethods(): FlushMethod[] {
  const exports = storage as Record<string, unknown>;
  const variants: FlushMethod[] = Object.entries(exports)
    .filter(([name, fn]) => name.startsWith('insertEvents') && typeof fn === 'function')
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([name, fn]) => ({
      id: name,
      label: `${name}(db, batch)`,
      writer: (db: Db) => (events: readonly EventRecord[]) => (fn as InsertFn)(db, events),
    }));
  const factory = exports.createEventWriter;
  if (typeof factory === 'function') {
    const make = factory as WriterFactory;
    variants.push(
      { id: 'eventWriter', label: 'createEventWriter(db) reused across batches', writer: (db) => make(db) },
      {
        id: 'eventWriterNoRollups',
        label: 'createEventWriter(db, { rollups: false })',
        writer: (db) => make(db, { rollups: false }),
      },
    );
  }
  return [...variants, { id: PLAIN, label: 'plain better-sqlite3, events only (prepared INSERT, 1 tx/batch)' }];
}

function rank(id: string): number {
  return id === 'insertEvents' ? 0 : id === 'insertEventsCreateMany' ? 1 : 2;
}

export interface FlushRun {
  method: string;
  round: number;
  rows: number;
  seconds: number;
  rowsPerSec: number;
  /** cores used by other processes while this method ran */
  otherCores: number;
}

export function benchEvents(n: number, start = Date.now()): EventRecord[] {
  const events = new Array<EventRecord>(n);
  for (let i = 0; i < n; i++) {
    events[i] = {
      siteId: `site-${i % 8}.example`,
      eventType: i % 10 === 0 ? 'signup' : 'page_view',
      path: i % 50 === 0 ? null : `/docs/page-${i % 200}`,
      userId: i % 3 === 0 ? null : `user-${i % 5000}`,
      timestamp: start + i,
    };
  }
  return events;
}

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function countRows(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function writeWithPrisma(
  path: string,
  work: readonly EventRecord[][],
  writer: (db: Db) => BatchWrite,
): Promise<number> {
  const db = await openDatabase(`file:${path}`);
  try {
    const write = writer(db);
    const t0 = performance.now();
    for (const batch of work) await write(batch);
    return (performance.now() - t0) / 1000;
  } finally {
    await db.$disconnect();
  }
}

function writeWithBetterSqlite3(path: string, work: readonly EventRecord[][]): number {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const insert = db.prepare(
      'INSERT INTO events (site_id, event_type, path, user_id, timestamp) VALUES (?, ?, ?, ?, ?)',
    );
    const writeBatch = db.transaction((batch: readonly EventRecord[]) => {
      for (const e of batch) insert.run(e.siteId, e.eventType, e.path, e.userId, e.timestamp);
    });
    const t0 = performance.now();
    for (const batch of work) writeBatch(batch);
    return (performance.now() - t0) / 1000;
  } finally {
    db.close();
  }
}

export interface FlushBenchOptions {
  dir: string;
  rows: number;
  batchSize: number;
  rounds: number;
  log: (line: string) => void;
}

export async function flushBench(opts: FlushBenchOptions): Promise<FlushRun[]> {
  const template = join(opts.dir, 'flush-template.db');
  await migrateDatabase(`file:${template}`);
  const work = batches(benchEvents(opts.rows), opts.batchSize);
  const methods = flushMethods();
  const runs: FlushRun[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    // Rotates the order each round so no method always runs first (cold caches) or last.
    const order = methods.map((_, i) => methods[(i + round - 1) % methods.length] as FlushMethod);
    for (const m of order) {
      const path = join(opts.dir, `flush-${m.id}-${round}.db`);
      copyFileSync(template, path);
      const self = new Map([[process.pid, 'bench']]);
      const cpuBefore = cpuSnapshot([process.pid]);
      const seconds = m.writer ? await writeWithPrisma(path, work, m.writer) : writeWithBetterSqlite3(path, work);
      const otherCores = cpuUsage(cpuBefore, cpuSnapshot([process.pid]), self).other;
      const stored = countRows(path);
      if (stored !== opts.rows) throw new Error(`${m.id} stored ${stored} rows, expected ${opts.rows}`);
      const run = { method: m.id, round, rows: opts.rows, seconds, rowsPerSec: opts.rows / seconds, otherCores };
      runs.push(run);
      opts.log(
        `  [flush ${round}/${opts.rounds}] ${m.id.padEnd(24)} ${fmtInt(run.rowsPerSec).padStart(9)} rows/s  (${opts.rows} rows in ${seconds.toFixed(2)} s; other processes ${otherCores.toFixed(2)} cores)`,
      );
      for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    }
  }
  return runs;
}
