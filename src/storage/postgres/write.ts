// The flush's write on PostgreSQL: in one transaction on a pooled connection, the batch as one
// array parameter per column into events (what was inserted lands in a scratch table), then the
// rollups of exactly those rows (storage/postgres/rollups.ts). On the main thread: the pool does
// the waiting.

import type { SqlQuery } from '@prisma/driver-adapter-utils';
import type { EventRecord } from '../../core/event.js';
import { withoutRepeatedClientIds } from '../batch.js';
import { sqlQuery } from '../driver.js';
import { inTransaction, type PgDb } from './db.js';
import { FLUSH_TABLES_SQL, INSERT_EVENTS_SQL, ROLLUP_NEW_EVENTS_SQL } from './rollups.js';
import { writePgSketches } from './sketches.js';

export interface EventWriterOptions {
  /** maintain the rollup tables (default true; off only to measure their cost) */
  rollups?: boolean;
}

export type EventWriter = (events: readonly EventRecord[]) => Promise<void>;

const column = { scalarType: 'string', arity: 'list' } as const;

/** INSERT_EVENTS_SQL with its fifteen column arrays (pg writes each as an array literal). */
export function insertEventsQuery(batch: readonly EventRecord[]): SqlQuery {
  const n = batch.length;
  const cols: unknown[][] = Array.from({ length: 15 }, () => new Array(n));
  for (let i = 0; i < n; i++) {
    const e = batch[i] as EventRecord;
    (cols[0] as unknown[])[i] = e.id;
    (cols[1] as unknown[])[i] = e.siteId;
    (cols[2] as unknown[])[i] = e.eventType;
    (cols[3] as unknown[])[i] = e.path;
    (cols[4] as unknown[])[i] = e.userId;
    (cols[5] as unknown[])[i] = e.timestamp;
    (cols[6] as unknown[])[i] = e.clientEventId ?? null;
    (cols[7] as unknown[])[i] = e.source ?? null;
    (cols[8] as unknown[])[i] = e.utmSource ?? null;
    (cols[9] as unknown[])[i] = e.utmMedium ?? null;
    (cols[10] as unknown[])[i] = e.utmCampaign ?? null;
    (cols[11] as unknown[])[i] = e.browser ?? null;
    (cols[12] as unknown[])[i] = e.os ?? null;
    (cols[13] as unknown[])[i] = e.device ?? null;
    (cols[14] as unknown[])[i] = e.country ?? null;
  }
  return { sql: INSERT_EVENTS_SQL, args: cols, argTypes: cols.map(() => column) };
}

export function createEventWriter(db: PgDb, { rollups = true }: EventWriterOptions = {}): EventWriter {
  return async (events) => {
    const batch = withoutRepeatedClientIds(events);
    if (batch.length === 0) return;
    if (batch.some((e) => e.id === undefined)) throw new Error('every event needs its id (given at accept time)');
    const insert = insertEventsQuery(batch);
    await inTransaction(db, async (tx) => {
      // Each pooled connection creates its scratch tables once (IF NOT EXISTS: a no-op after).
      await tx.executeRaw(sqlQuery(FLUSH_TABLES_SQL));
      await tx.executeRaw(insert);
      if (rollups) for (const sql of ROLLUP_NEW_EVENTS_SQL) await tx.executeRaw(sqlQuery(sql));
      // the unique-user sketches (storage/postgres/sketches.ts), last, under the advisory lock
      if (rollups) await writePgSketches(tx, batch);
    });
  };
}
