// The flush's write on SQLite: a batch of events and its rollups in one transaction, through
// Prisma's SQLite driver adapter.
//
// Measured here (npm run bench, "flush"): Prisma `createMany` ~10k rows/s; a raw multi-row
// INSERT with 5 bound variables a row ~120k rows/s; the whole batch as ONE JSON parameter
// expanded by SQLite's json_each ~180-240k rows/s through PrismaClient (plain better-sqlite3:
// ~400k). What is left of Prisma's cost is the size of the request: PrismaClient hands every raw
// query, parameters included, to its query compiler (WebAssembly) and reads the plan back, and a
// 5000-event batch (400 KB of JSON) cost 11 ms that way against 0.2 ms to bind it in
// better-sqlite3 (profile: 50% in the compiler's wasm, 34% in the client's JS). Raw SQL needs no
// query plan, so the flush sends its statements to the driver adapter PrismaClient itself runs
// on (storage/driver.ts).
import type { EventRecord } from '../../core/event.js';
import { eventsJson, withoutRepeatedClientIds } from '../batch.js';
import { sqlQuery } from '../driver.js';
import { SketchCache } from '../sketches.js';
import { batchGroups } from './aggregate.js';
import { type Db, inTransaction } from './db.js';
import {
  EVENT_COLUMNS,
  FILL_DIMS_SQL,
  FILL_PATHS_SQL,
  FLUSH_EVENTS,
  FLUSH_TABLES_SQL,
  LOAD_DIMS_SQL,
  LOAD_PATHS_SQL,
  ROLLUP_NEW_EVENTS_SQL,
  ROLLUPS_OF_GROUPS_SQL,
} from './rollups.js';
import { writeSqliteSketches } from './sketches.js';

/**
 * Takes SQLite's write lock first: the adapter's BEGIN is deferred, and a no-op write makes the
 * transaction a writer at once (waiting out the busy timeout behind another process's writer), so
 * everything it reads next is the latest commit of every process on the file.
 */
const TAKE_WRITE_LOCK = 'DELETE FROM pulse_instances WHERE 0';

/**
 * The batch into the scratch table, its rows as storage/batch.ts (eventsJson) writes them.
 * jsonb_each parses the batch's JSON once into SQLite's binary JSON and hands each row over as
 * JSONB, so `value ->> i` reads a field without parsing the row's text again: 2.8 against 6.0 µs
 * CPU a row with json_each and json_extract(value, '$[i]'), which parses the row once per field
 * (plain better-sqlite3, 100k live-shaped rows of 15 fields in batches of 5000; docs/performance.md).
 * `s`: the batch's rows (the alias the flush statements' plan test expects of a scan of the batch).
 */
const LOAD_BATCH = `INSERT INTO ${FLUSH_EVENTS} (${EVENT_COLUMNS})
  SELECT ${EVENT_COLUMNS.split(', ')
    .map((_, i) => `s.value ->> ${i}`)
    .join(', ')} FROM jsonb_each(?) AS s`;

/**
 * Takes out of the scratch table what is stored already: the same id (a retried batch, written
 * by this or a crashed attempt) or the same client eventId for the site (any process's). What is
 * left is exactly what the insert adds, and what the rollups count.
 */
const DROP_STORED = `DELETE FROM ${FLUSH_EVENTS} AS f
  WHERE EXISTS (SELECT 1 FROM events e WHERE e.id = f.id)
     OR (f.client_event_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM events e WHERE e.site_id = f.site_id AND e.client_event_id = f.client_event_id))`;

export const INSERT_EVENTS = `INSERT INTO events (${EVENT_COLUMNS}) SELECT ${EVENT_COLUMNS} FROM ${FLUSH_EVENTS}`;

/** A statement that takes no parameter. */
const plain = (sql: string) => ({ sql, takesBatch: false });

/**
 * The flush transaction's statements in order; the one that takes the batch's JSON is marked.
 * Without rollups: the events only. (The writer runs them so, except that a batch whose every
 * event is new gets its counts grouped in JS: createEventWriter.)
 */
export function flushStatements(rollups = true): { sql: string; takesBatch: boolean }[] {
  return [
    ...eventStatements(),
    ...(rollups ? ROLLUP_NEW_EVENTS_SQL.map(plain) : []),
    plain(`DELETE FROM ${FLUSH_EVENTS}`),
  ];
}

/** The events part: the lock, the batch into the scratch table, what is new into events. */
function eventStatements(): { sql: string; takesBatch: boolean }[] {
  return [
    plain(TAKE_WRITE_LOCK),
    plain(`DELETE FROM ${FLUSH_EVENTS}`),
    { sql: LOAD_BATCH, takesBatch: true },
    plain(DROP_STORED),
    plain(INSERT_EVENTS),
  ];
}

const COUNT_NEW = `SELECT count(*) FROM ${FLUSH_EVENTS}`;

export interface EventWriterOptions {
  /** maintain the rollup tables (default true; off only to measure their cost) */
  rollups?: boolean;
}

/** Writes a batch; `json` may carry eventsJson(events) when the caller has it already. */
export type EventWriter = ((events: readonly EventRecord[], json?: string) => Promise<void>) & {
  /** Drops what the writer keeps between flushes: call after running anything else on its connection. */
  forget(): void;
};

/**
 * The WAL size (pages) past which the writer's commit copies the WAL into the database file
 * (SQLite's default: 1000). A flush rewrites the same rollup and sketch pages batch after batch; a
 * checkpoint copies each page once however often the WAL holds it, so checkpointing 10x less often
 * copies those pages 10x less: COMMIT 5.3/4.9 -> 3.6/3.3 µs CPU an event, the whole flush 34.5/32.0
 * -> 30.0/28.8 (tsx test/bench/probes/writer-cpu.ts 300000, docs/performance.md, "The write path").
 * The WAL file grows to ~40 MB (it is reused, not shrunk, after a checkpoint).
 */
const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/** Changes when another connection commits to the file; never for this connection's own commits. */
const DATA_VERSION = 'PRAGMA data_version';

/**
 * The flush's write: in one transaction, the batch's events not stored yet, then their rollups
 * (storage/sqlite/rollups.ts), upserted by SQLite from its own GROUP BY, in key order: upserting
 * rows aggregated in JS in their order cost more (docs/performance.md, "The write path"). Only the
 * per-hour path and attribute counts of a batch of new events are grouped in JS. The sketches
 * merge into the writer's cache of them (storage/sketches.ts, SketchCache), which is dropped
 * whenever another connection has committed since this writer's last flush.
 */
export function createEventWriter(db: Db, { rollups = true }: EventWriterOptions = {}): EventWriter {
  let prepared = false;
  const events = eventStatements();
  const cache = new SketchCache();
  const write = async (batchIn: readonly EventRecord[], json?: string) => {
    const batch = withoutRepeatedClientIds(batchIn);
    if (batch.length === 0) return;
    if (!prepared) {
      await db.$queryRawUnsafe(`PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      for (const sql of FLUSH_TABLES_SQL) await db.$executeRawUnsafe(sql);
      prepared = true;
    }
    const rows = batch === batchIn && json !== undefined ? json : eventsJson(batch);
    try {
      await inTransaction(db, async (tx) => {
        const run = (sql: string, ...args: unknown[]) => tx.executeRaw(sqlQuery(sql, ...args));
        for (const { sql, takesBatch } of events) await (takesBatch ? run(sql, rows) : run(sql));
        if (rollups) {
          // Every event new (no retry, no repeated client eventId): the batch's counts are grouped
          // in JS (storage/sqlite/aggregate.ts); otherwise by SQLite from what is left.
          const fresh = Number((await tx.queryRaw(sqlQuery(COUNT_NEW))).rows[0]?.[0]) === batch.length;
          if (fresh) {
            const groups = batchGroups(batch);
            await run(LOAD_PATHS_SQL, groups.paths);
            await run(LOAD_DIMS_SQL, groups.dims);
          } else {
            await run(FILL_PATHS_SQL);
            await run(FILL_DIMS_SQL);
          }
          for (const sql of ROLLUPS_OF_GROUPS_SQL) await run(sql);
        }
        await run(`DELETE FROM ${FLUSH_EVENTS}`);
        if (!rollups) return;
        // under the write lock (the first statement): no other connection commits until COMMIT
        const version = (await tx.queryRaw(sqlQuery(DATA_VERSION))).rows[0]?.[0];
        if (version !== cache.version) cache.clear();
        cache.version = version;
        // the unique-user sketches (storage/sqlite/sketches.ts), last in the transaction
        await writeSqliteSketches(tx, batch, cache);
      });
    } catch (error) {
      // the cached sketches may hold what was just rolled back
      cache.clear();
      throw error;
    }
  };
  return Object.assign(write, { forget: () => cache.clear() });
}
