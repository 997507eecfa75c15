// The flush's write on PostgreSQL: in one transaction on a pooled connection, the batch as one
// JSON parameter into events (what was inserted lands in a scratch table), then the rollups of
// exactly those rows (storage/postgres/rollups.ts). On the main thread: the pool does the waiting.
import type { EventRecord } from '../../core/event.js';
import { eventsJson, withoutRepeatedClientIds } from '../batch.js';
import { sqlQuery } from '../driver.js';
import { inTransaction, type PgDb } from './db.js';
import { FLUSH_TABLES_SQL, INSERT_EVENTS_SQL, ROLLUP_NEW_EVENTS_SQL } from './rollups.js';

export interface EventWriterOptions {
  /** maintain the rollup tables (default true; off only to measure their cost) */
  rollups?: boolean;
}

export type EventWriter = (events: readonly EventRecord[]) => Promise<void>;

export function createEventWriter(db: PgDb, { rollups = true }: EventWriterOptions = {}): EventWriter {
  return async (events) => {
    const batch = withoutRepeatedClientIds(events);
    if (batch.length === 0) return;
    if (batch.some((e) => e.id === undefined)) throw new Error('every event needs its id (given at accept time)');
    const rows = eventsJson(batch);
    await inTransaction(db, async (tx) => {
      // Each pooled connection creates its scratch tables once (IF NOT EXISTS: a no-op after).
      await tx.executeRaw(sqlQuery(FLUSH_TABLES_SQL));
      await tx.executeRaw(sqlQuery(INSERT_EVENTS_SQL, rows));
      if (rollups) for (const sql of ROLLUP_NEW_EVENTS_SQL) await tx.executeRaw(sqlQuery(sql));
    });
  };
}
