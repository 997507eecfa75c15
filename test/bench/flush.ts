// Flush throughput in process: N rows written in flush-sized batches with Pulse's own
// insertEvents (what the flusher calls), with every other `insertEvents*` variant that
// src/storage/insert-events.ts exports (createMany, …), and with plain better-sqlite3 (one prepared
// single-row INSERT, one transaction per batch), each on a fresh migrated database.
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type Db, openDatabase } from '../../src/db.js';
import type { EventRecord } from '../../src/ingestion/event.js';
import { migrateDatabase } from '../../src/migrate.js';
import * as storage from '../../src/storage/insert-events.js';
import { cpuSnapshot, cpuUsage } from './cpu.js';
import { fmtInt } from './report.js';

type PrismaWrite = (db: Db, events: readonly EventRecord[]) => Promise<void>;

export const PLAIN = 'betterSqlite3';

export interface FlushMethod {
  id: string;
  label: string;
  /** undefined: plain better-sqlite3 */
  write?: PrismaWrite;
}

/**
 * insertEvents and insertEventsCreateMany, then any other insertEvents* variant the storage module
 * exports (found by name, so the comparison follows src/ without edits here), then the floor.
 */
export function flushMethods(): FlushMethod[] {
  const variants = Object.entries(storage as Record<string, unknown>)
    .filter(([name, fn]) => name.startsWith('insertEvents') && typeof fn === 'function')
    .map(([name, fn]) => ({ id: name, write: fn as PrismaWrite }))
    .sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
  return [
    ...variants.map((v) => ({
      ...v,
      label: v.id === 'insertEvents' ? "insertEvents (the flusher's write, via Prisma)" : `${v.id} (via Prisma)`,
    })),
    { id: PLAIN, label: 'plain better-sqlite3 (prepared INSERT, 1 tx per batch)' },
  ];
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

async function writeWithPrisma(path: string, work: readonly EventRecord[][], insert: PrismaWrite): Promise<number> {
  const db = await openDatabase(`file:${path}`);
  try {
    const t0 = performance.now();
    for (const batch of work) await insert(db, batch);
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
      const seconds = m.write ? await writeWithPrisma(path, work, m.write) : writeWithBetterSqlite3(path, work);
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
