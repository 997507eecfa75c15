// The rest of the port on PostgreSQL: visitor salts, retention, rollups:rebuild, instance numbers.

import type { EventRecord } from '../../core/event.js';
import { dayOf } from '../../core/time.js';
import { rowsOf, sqlQuery } from '../driver.js';
import type { RebuildResult } from '../port.js';
import { rebuildSketches, SKETCH_EVENT_COLUMNS } from '../sketches.js';
import { execute, inTransaction, type PgDb, pgError, queryRows } from './db.js';
import { rebuildSql } from './rollups.js';
import { pgSketchStore } from './sketches.js';

/** Race-free across instances: the first insert of a day wins, everyone reads the winner. */
export async function ensureSalts(
  db: PgDb,
  days: readonly string[],
  newSalt: () => string,
): Promise<Map<string, string>> {
  for (const day of days) {
    await execute(db, 'INSERT INTO visitor_salts (day, salt) VALUES ($1, $2) ON CONFLICT DO NOTHING', day, newSalt());
  }
  const rows = await queryRows<{ day: string; salt: string }>(
    db,
    `SELECT day, salt FROM visitor_salts WHERE day IN (${days.map((_, i) => `$${i + 1}`).join(',')})`,
    ...days,
  );
  return new Map(rows.map((r) => [r.day, r.salt]));
}

export async function deleteSaltsBefore(db: PgDb, oldestKept: string): Promise<void> {
  await execute(db, 'DELETE FROM visitor_salts WHERE day < $1', oldestKept);
}

/** Deletes events with timestamp < cutoff site by site (each delete then uses the (site_id, timestamp) index). */
export async function deleteEventsBefore(db: PgDb, cutoffMs: number): Promise<number> {
  const sites = await queryRows<{ site_id: string }>(db, 'SELECT DISTINCT site_id FROM rollup_days');
  let deleted = 0;
  for (const { site_id } of sites) {
    deleted += await execute(db, 'DELETE FROM events WHERE site_id = $1 AND timestamp < $2', site_id, cutoffMs);
  }
  return deleted;
}

const ROLLUP_COUNTS = `SELECT (SELECT count(*) FROM rollup_hourly) AS hourly, (SELECT count(*) FROM rollup_daily) AS daily,
  (SELECT count(*) FROM rollup_hourly_users) AS hourly_users, (SELECT count(*) FROM rollup_daily_users) AS daily_users,
  (SELECT count(*) FROM rollup_daily_uniques) AS daily_uniques, (SELECT count(*) FROM rollup_days) AS days,
  (SELECT count(*) FROM rollup_paths) AS paths, (SELECT count(*) FROM rollup_hours) AS hours,
  (SELECT count(*) FROM rollup_dims_hourly) AS dims_hourly, (SELECT count(*) FROM rollup_dims_daily) AS dims_daily,
  (SELECT count(*) FROM rollup_dims_total) AS dims_total,
  (SELECT count(*) FROM rollup_users_daily) AS users_daily`;

export async function rebuildRollups(db: PgDb): Promise<RebuildResult | null> {
  const [oldest] = await queryRows<{ ts: string | number | null }>(db, 'SELECT min(timestamp) AS ts FROM events');
  if (oldest?.ts === null || oldest?.ts === undefined) return null;
  const fromDay = dayOf(Number(oldest.ts));
  await inTransaction(db, async (tx) => {
    for (const sql of rebuildSql(fromDay)) await tx.executeRaw(sqlQuery(sql));
    // the unique-user sketches (storage/sketches.ts): hashed in JS, a day at a time
    await tx.executeRaw(sqlQuery(`DELETE FROM rollup_users_daily WHERE day >= ${fromDay}`));
    const [newest] = await rowsOf<{ ts: string | number }>(tx, pgError, 'SELECT max(timestamp) AS ts FROM events');
    const eventsOf = (lo: number, hi: number) =>
      rowsOf<EventRecord>(
        tx,
        pgError,
        `SELECT ${SKETCH_EVENT_COLUMNS} FROM events WHERE user_id IS NOT NULL AND timestamp >= $1 AND timestamp < $2`,
        lo,
        hi,
      );
    await rebuildSketches(pgSketchStore(tx), eventsOf, fromDay, dayOf(Number(newest?.ts)));
  });
  const [counts] = await queryRows<Record<string, string | number>>(db, ROLLUP_COUNTS);
  return { fromDay, rows: Object.fromEntries(Object.entries(counts ?? {}).map(([k, v]) => [k, Number(v)])) };
}

/** The next value of pulse_instances' sequence: never handed out twice. */
export async function claimInstance(db: PgDb): Promise<number> {
  const [row] = await queryRows<{ id: string | number }>(
    db,
    'INSERT INTO pulse_instances (started_at) VALUES ($1) RETURNING id',
    Date.now(),
  );
  return Number(row?.id);
}
