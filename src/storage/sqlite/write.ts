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
import { type Db, inTransaction } from './db.js';
import { EVENT_COLUMNS, FLUSH_EVENTS, FLUSH_TABLES_SQL, ROLLUP_NEW_EVENTS_SQL } from './rollups.js';
import { writeSqliteSketches } from './sketches.js';

/**
 * Takes SQLite's write lock first: the adapter's BEGIN is deferred, and a no-op write makes the
 * transaction a writer at once (waiting out the busy timeout behind another process's writer), so
 * everything it reads next is the latest commit of every process on the file.
 */
const TAKE_WRITE_LOCK = 'DELETE FROM pulse_instances WHERE 0';

/**
 * The batch into the scratch table, its rows as storage/batch.ts (eventsJson) writes them.
 * json_extract(value, '$[i]') rather than value ->> i: 18 against 22 ms for 5000 rows of 15
 * fields in plain better-sqlite3 (each extraction reads the row's JSON again; 7 fields took 8 ms).
 */
const LOAD_BATCH = `INSERT INTO ${FLUSH_EVENTS} (${EVENT_COLUMNS})
  SELECT ${EVENT_COLUMNS.split(', ')
    .map((_, i) => `json_extract(value, '$[${i}]')`)
    .join(', ')} FROM json_each(?)`;

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

/**
 * The flush transaction's statements in order; the one that takes the batch's JSON is marked.
 * Without rollups: the events only.
 */
export function flushStatements(rollups = true): { sql: string; takesBatch: boolean }[] {
  const plain = (sql: string) => ({ sql, takesBatch: false });
  return [
    plain(TAKE_WRITE_LOCK),
    plain(`DELETE FROM ${FLUSH_EVENTS}`),
    { sql: LOAD_BATCH, takesBatch: true },
    plain(DROP_STORED),
    plain(INSERT_EVENTS),
    ...(rollups ? ROLLUP_NEW_EVENTS_SQL.map(plain) : []),
    plain(`DELETE FROM ${FLUSH_EVENTS}`),
  ];
}

export interface EventWriterOptions {
  /** maintain the rollup tables (default true; off only to measure their cost) */
  rollups?: boolean;
}

/** Writes a batch; `json` may carry eventsJson(events) when the caller has it already. */
export type EventWriter = (events: readonly EventRecord[], json?: string) => Promise<void>;

/**
 * The flush's write: in one transaction, the batch's events not stored yet, then their rollups
 * (storage/sqlite/rollups.ts), aggregated by SQLite. Measured against aggregating in JS and
 * upserting the result: 1.6-2.0x the cost of the events alone instead of 2.3-2.6x.
 */
export function createEventWriter(db: Db, { rollups = true }: EventWriterOptions = {}): EventWriter {
  let prepared = false;
  const statements = flushStatements(rollups);
  return async (events, json) => {
    const batch = withoutRepeatedClientIds(events);
    if (batch.length === 0) return;
    if (!prepared) {
      for (const sql of FLUSH_TABLES_SQL) await db.$executeRawUnsafe(sql);
      prepared = true;
    }
    const rows = batch === events && json !== undefined ? json : eventsJson(batch);
    await inTransaction(db, async (tx) => {
      for (const { sql, takesBatch } of statements)
        await tx.executeRaw(takesBatch ? sqlQuery(sql, rows) : sqlQuery(sql));
      // the unique-user sketches (storage/sqlite/sketches.ts), last in the transaction
      if (rollups) await writeSqliteSketches(tx, batch);
    });
  };
}
