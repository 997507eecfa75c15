// The flusher's write: one transaction, one statement per batch, through Prisma.
//
// Measured here (npm run bench, "flush"): Prisma `createMany` ~10k rows/s; a raw multi-row
// INSERT with 5 bound variables a row ~120k rows/s; the whole batch as ONE JSON parameter
// expanded by SQLite's json_each ~240k rows/s (plain better-sqlite3: ~400k). Prisma's cost is
// per bound variable, so the batch is sent as one JSON array of row arrays.
import type { PrismaClient } from '../generated/prisma/client.js';
import type { EventRecord } from '../ingestion/event.js';

const INSERT_JSON_ROWS = `INSERT INTO events (site_id, event_type, path, user_id, timestamp)
  SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?)`;

/** [[siteId, eventType, path, userId, timestamp], ...] as JSON */
function rowsJson(events: readonly EventRecord[]): string {
  const rows = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as EventRecord;
    rows[i] = [e.siteId, e.eventType, e.path, e.userId, e.timestamp];
  }
  return JSON.stringify(rows);
}

/** Writes the batch in one transaction (a single statement is atomic in SQLite). */
export async function insertEvents(db: PrismaClient, events: readonly EventRecord[]): Promise<void> {
  if (events.length === 0) return;
  await db.$executeRawUnsafe(INSERT_JSON_ROWS, rowsJson(events));
}

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER is 32766; 500 rows use 2500 variables. */
const ROWS_PER_STATEMENT = 500;

/** The classic alternative, a multi-row INSERT per 500 rows in one transaction; kept for the flush benchmark. */
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

/** The same write through `createMany`; kept for the flush benchmark. */
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
