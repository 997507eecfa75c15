// The flush write's variants the flush benchmark compares (test/bench/flush.ts finds them by
// name): Pulse's own SQLite writer, and the classic alternatives kept only to be measured
// against it (a multi-row INSERT per 500 rows, Prisma's createMany), events only.
import type { EventRecord } from '../../src/core/event.js';
import type { Db } from '../../src/storage/sqlite/db.js';
import { createEventWriter } from '../../src/storage/sqlite/write.js';

export { createEventWriter } from '../../src/storage/sqlite/write.js';

/** Writes a batch with its rollups (a new writer each call). */
export async function insertEvents(db: Db, events: readonly EventRecord[]): Promise<void> {
  await createEventWriter(db)(events);
}

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER is 32766; 500 rows use 2500 variables. */
const ROWS_PER_STATEMENT = 500;

/** A multi-row INSERT per 500 rows in one transaction (events only). */
export async function insertEventsMultiRow(db: Db, events: readonly EventRecord[]): Promise<void> {
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

/** The same write through `createMany` (events only). */
export async function insertEventsCreateMany(db: Db, events: readonly EventRecord[]): Promise<void> {
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
