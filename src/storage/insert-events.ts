// The flusher's write: a batch of events and its rollups in one transaction, through Prisma's
// SQLite driver adapter.
//
// Measured here (npm run bench, "flush"): Prisma `createMany` ~10k rows/s; a raw multi-row
// INSERT with 5 bound variables a row ~120k rows/s; the whole batch as ONE JSON parameter
// expanded by SQLite's json_each ~180-240k rows/s through PrismaClient (plain better-sqlite3:
// ~400k). What is left of Prisma's cost is the size of the request: PrismaClient hands every raw
// query, parameters included, to its query compiler (WebAssembly) and reads the plan back, and a
// 5000-event batch (400 KB of JSON) cost 11 ms that way against 0.2 ms to bind it in
// better-sqlite3 (profile: 50% in the compiler's wasm, 34% in the client's JS). Raw SQL needs no
// query plan, so the flush sends its statements to the driver adapter PrismaClient itself runs
// on (@prisma/adapter-better-sqlite3's SqlDriverAdapter: the same connection, the same
// transaction lock) and ends the transaction the way Prisma's transaction manager does.
import { inTransaction, queryRows, sqlQuery } from '../db.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { EventRecord } from '../ingestion/event.js';
import { ROLLUP_NEW_EVENTS_SQL } from './rollups.js';

export const INSERT_EVENTS = `INSERT OR IGNORE INTO events (id, site_id, event_type, path, user_id, timestamp, client_event_id)
  SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6 FROM json_each(?)`;

/** [[id, siteId, eventType, path, userId, timestamp, clientEventId], ...] as JSON: the statements' parameter and the writer thread's message. */
export function eventsJson(events: readonly EventRecord[]): string {
  const rows = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as EventRecord;
    rows[i] = [e.id ?? null, e.siteId, e.eventType, e.path, e.userId, e.timestamp, e.clientEventId ?? null];
  }
  return JSON.stringify(rows);
}

/** The inverse of eventsJson. */
export function eventsFromJson(json: string): EventRecord[] {
  return (
    JSON.parse(json) as [number | null, string, string, string | null, string | null, number, string | null][]
  ).map(([id, siteId, eventType, path, userId, timestamp, clientEventId]) => ({
    id: id ?? undefined,
    siteId,
    eventType,
    path,
    userId,
    timestamp,
    clientEventId,
  }));
}

const SEP = '\u0000';

/**
 * Drops events whose client eventId is already stored for the site, or repeats one earlier in
 * the batch, so neither the events table nor the rollups see a client's retry twice.
 */
async function withoutRepeatedClientIds(
  db: PrismaClient,
  events: readonly EventRecord[],
): Promise<readonly EventRecord[]> {
  if (!events.some((e) => e.clientEventId)) return events;
  const seen = new Set<string>();
  const firsts = events.filter((e) => {
    if (!e.clientEventId) return true;
    const key = `${e.siteId}${SEP}${e.clientEventId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const pairs = firsts.filter((e) => e.clientEventId).map((e) => [e.siteId, e.clientEventId]);
  const stored = await queryRows<{ site_id: string; client_event_id: string }>(
    db,
    `SELECT site_id, client_event_id FROM events
      JOIN json_each(?) j ON site_id = j.value ->> 0 AND client_event_id = j.value ->> 1`,
    JSON.stringify(pairs),
  );
  if (stored.length === 0) return firsts;
  const storedKeys = new Set(stored.map((r) => `${r.site_id}${SEP}${r.client_event_id}`));
  return firsts.filter((e) => !e.clientEventId || !storedKeys.has(`${e.siteId}${SEP}${e.clientEventId}`));
}

export interface EventWriterOptions {
  /** maintain the rollup tables (default true; off only to measure their cost) */
  rollups?: boolean;
}

/** Writes a batch; `json` may carry eventsJson(events) when the caller has it already. */
export type EventWriter = (events: readonly EventRecord[], json?: string) => Promise<void>;

/**
 * The flush's write: in one transaction, the batch's events, then the rollups of the rows it
 * actually inserted (storage/rollups.ts), aggregated by SQLite. Measured against aggregating in
 * JS and upserting the result: 1.6-2.0x the cost of the events alone instead of 2.3-2.6x.
 */
export function createEventWriter(db: PrismaClient, { rollups = true }: EventWriterOptions = {}): EventWriter {
  return async (events, json) => {
    const batch = await withoutRepeatedClientIds(db, events);
    if (batch.length === 0) return;
    const insert = sqlQuery(INSERT_EVENTS, batch === events && json !== undefined ? json : eventsJson(batch));
    await inTransaction(db, async (tx) => {
      if (!rollups) {
        await tx.executeRaw(insert);
        return;
      }
      const last = await tx.queryRaw(sqlQuery('SELECT max(id) FROM events'));
      const lastId = Number(last.rows[0]?.[0] ?? 0);
      await tx.executeRaw(insert);
      for (const [sql, takesId] of ROLLUP_NEW_EVENTS_SQL) {
        await tx.executeRaw(takesId ? sqlQuery(sql, lastId) : sqlQuery(sql));
      }
    });
  };
}

/** The highest event id stored (0 for none): ids given at accept time continue after it. */
export async function lastEventId(db: PrismaClient): Promise<number> {
  const [row] = await db.$queryRawUnsafe<{ id: bigint | number | null }[]>('SELECT max(id) AS id FROM events');
  return Number(row?.id ?? 0);
}

/** Writes a batch with its rollups. */
export async function insertEvents(db: PrismaClient, events: readonly EventRecord[]): Promise<void> {
  await createEventWriter(db)(events);
}

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER is 32766; 500 rows use 2500 variables. */
const ROWS_PER_STATEMENT = 500;

/** The classic alternative, a multi-row INSERT per 500 rows in one transaction (events only); kept for the flush benchmark. */
export async function insertEventsMultiRow(db: PrismaClient, events: readonly EventRecord[]): Promise<void> {
  const statements = [];
  for (let start = 0; start < events.length; start += ROWS_PER_STATEMENT) {
    const chunk = events.slice(start, start + ROWS_PER_STATEMENT);
    const sql = `INSERT INTO events (site_id, event_type, path, user_id, timestamp) VALUES ${chunk.map(() => '(?,?,?,?,?)').join(',')}`;
    statements.push(
      db.$executeRawUnsafe(sql, ...chunk.flatMap((e) => [e.siteId, e.eventType, e.path, e.userId, e.timestamp])),
    );
  }
  await db.$transaction(statements);
}

/** The same write through `createMany` (events only); kept for the flush benchmark. */
export async function insertEventsCreateMany(db: PrismaClient, events: readonly EventRecord[]): Promise<void> {
  await db.event.createMany({
    data: events.map((e) => ({
      siteId: e.siteId,
      eventType: e.eventType,
      path: e.path,
      userId: e.userId,
      timestamp: BigInt(e.timestamp),
    })),
  });
}
