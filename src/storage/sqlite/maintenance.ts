// The rest of the port on SQLite: visitor salts, retention, rollups:rebuild, instance numbers.

import type { EventRecord } from '../../core/event.js';
import { dayOf } from '../../core/time.js';
import { rowsOf, sqlQuery } from '../driver.js';
import type { RebuildResult } from '../port.js';
import { rebuildSketches, SKETCH_EVENT_COLUMNS } from '../sketches.js';
import { type Db, inTransaction, queryRows, sqliteError } from './db.js';
import { rebuildSql } from './rollups.js';
import { sqliteSketchStore } from './sketches.js';

/** Makes sure each day has a salt (the first writer wins) and returns the salts by day. */
export async function ensureSalts(
  db: Db,
  days: readonly string[],
  newSalt: () => string,
): Promise<Map<string, string>> {
  for (const day of days) {
    await db.$executeRawUnsafe('INSERT OR IGNORE INTO visitor_salts (day, salt) VALUES (?, ?)', day, newSalt());
  }
  const rows = await queryRows<{ day: string; salt: string }>(
    db,
    `SELECT day, salt FROM visitor_salts WHERE day IN (${days.map(() => '?').join(',')})`,
    ...days,
  );
  return new Map(rows.map((r) => [r.day, r.salt]));
}

export async function deleteSaltsBefore(db: Db, oldestKept: string): Promise<void> {
  await db.$executeRawUnsafe('DELETE FROM visitor_salts WHERE day < ?', oldestKept);
}

/** Deletes events with timestamp < cutoff site by site (each delete then uses the (site_id, timestamp) index). */
export async function deleteEventsBefore(db: Db, cutoffMs: number): Promise<number> {
  const sites = await queryRows<{ site_id: string }>(db, 'SELECT DISTINCT site_id FROM rollup_daily');
  let deleted = 0;
  for (const { site_id } of sites) {
    deleted += await db.$executeRawUnsafe('DELETE FROM events WHERE site_id = ? AND timestamp < ?', site_id, cutoffMs);
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

/** One transaction: SQLite's single writer lock keeps concurrent flushes (of any process) out meanwhile. */
export async function rebuildRollups(db: Db): Promise<RebuildResult | null> {
  const [oldest] = await queryRows<{ ts: string | number | null }>(db, 'SELECT min(timestamp) AS ts FROM events');
  if (oldest?.ts === null || oldest?.ts === undefined) return null;
  const fromDay = dayOf(Number(oldest.ts));
  await inTransaction(db, async (tx) => {
    for (const sql of rebuildSql(fromDay)) await tx.executeRaw(sqlQuery(sql));
    // the unique-user sketches (storage/sketches.ts): hashed in JS, a day at a time
    await tx.executeRaw(sqlQuery(`DELETE FROM rollup_users_daily WHERE day >= ${fromDay}`));
    const [newest] = await rowsOf<{ ts: string | number }>(tx, sqliteError, 'SELECT max(timestamp) AS ts FROM events');
    const eventsOf = (lo: number, hi: number) =>
      rowsOf<EventRecord>(
        tx,
        sqliteError,
        `SELECT ${SKETCH_EVENT_COLUMNS} FROM events WHERE user_id IS NOT NULL AND timestamp >= ? AND timestamp < ?`,
        lo,
        hi,
      );
    await rebuildSketches(sqliteSketchStore(tx), eventsOf, fromDay, dayOf(Number(newest?.ts)));
  });
  const [counts] = await queryRows<Record<string, string | number>>(db, ROLLUP_COUNTS);
  return { fromDay, rows: Object.fromEntries(Object.entries(counts ?? {}).map(([k, v]) => [k, Number(v)])) };
}

/** A new row of pulse_instances (AUTOINCREMENT: a number never handed out before). */
export async function claimInstance(db: Db): Promise<number> {
  const [row] = await queryRows<{ id: string | number }>(
    db,
    'INSERT INTO pulse_instances (started_at) VALUES (?) RETURNING id',
    Date.now(),
  );
  return Number(row?.id);
}
