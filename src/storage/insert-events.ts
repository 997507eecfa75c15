// The flusher's write: one transaction per batch of multi-row INSERTs through Prisma.
// A raw multi-row INSERT beat `createMany` by about 10x here (see README, Performance), so the
// batch is cut into statements of ROWS_PER_STATEMENT rows, far below SQLite's variable limit.
import type { PrismaClient } from '../generated/prisma/client.js';
import type { EventRecord } from '../ingestion/event.js';

const COLUMNS = 5;
/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER is 32766; 500 rows use 2500 of them. */
export const ROWS_PER_STATEMENT = 500;

const sqlCache = new Map<number, string>();
function insertSql(rows: number): string {
  let sql = sqlCache.get(rows);
  if (sql === undefined) {
    sql = `INSERT INTO events (site_id, event_type, path, user_id, timestamp) VALUES ${'(?,?,?,?,?),'
      .repeat(rows)
      .slice(0, -1)}`;
    sqlCache.set(rows, sql);
  }
  return sql;
}

export async function insertEvents(db: PrismaClient, events: readonly EventRecord[]): Promise<void> {
  if (events.length === 0) return;
  const statements = [];
  for (let start = 0; start < events.length; start += ROWS_PER_STATEMENT) {
    const end = Math.min(start + ROWS_PER_STATEMENT, events.length);
    const params: unknown[] = new Array((end - start) * COLUMNS);
    let p = 0;
    for (let i = start; i < end; i++) {
      const e = events[i] as EventRecord;
      params[p++] = e.siteId;
      params[p++] = e.eventType;
      params[p++] = e.path;
      params[p++] = e.userId;
      params[p++] = e.timestamp;
    }
    statements.push(db.$executeRawUnsafe(insertSql(end - start), ...params));
  }
  await db.$transaction(statements);
}

/** The same write through `createMany`, kept for the comparison in the flush benchmark. */
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
