// rollups:rebuild recomputes exactly the rollups the flushes maintained, and keeps the rollups of
// days whose raw events retention has pruned.
import { describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../../src/db.js';
import { demoEvents } from '../../../src/demo/generate.js';
import { validateEvents } from '../../../src/ingestion/request.js';
import { createEventWriter } from '../../../src/storage/insert-events.js';
import { deleteEventsBefore } from '../../../src/storage/retention.js';
import { rebuildSql } from '../../../src/storage/rollups.js';
import { freshDatabase } from '../../helpers/db.js';

const TABLES: Record<string, string> = {
  rollup_hourly: '1, 2, 3, 4',
  rollup_daily: '1, 2, 3, 4',
  rollup_hourly_users: '1, 2, 3',
  rollup_daily_users: '1, 2, 3',
  rollup_daily_uniques: '1, 2, 3',
  rollup_days: '1, 2',
  rollup_paths: '1, 2',
};
const END = Date.UTC(2025, 10, 20);
const DAY = 86_400_000;

async function snapshot(db: Db) {
  const out: Record<string, unknown[]> = {};
  for (const [t, order] of Object.entries(TABLES))
    out[t] = await db.$queryRawUnsafe(`SELECT * FROM ${t} ORDER BY ${order}`);
  return out;
}

async function loaded() {
  const db = await openDatabase(freshDatabase().url);
  const write = createEventWriter(db);
  for (const chunk of demoEvents(6000, { sites: 3, days: 5, end: END, paths: 40, visitors: 300 }, 1000)) {
    const v = validateEvents(chunk);
    if (!v.ok) throw new Error('invalid demo event');
    await write(v.value);
  }
  return db;
}

const rebuild = (db: Db, fromDay: number) =>
  db.$transaction(rebuildSql(fromDay).map((sql) => db.$executeRawUnsafe(sql)));

describe('rollups rebuild', () => {
  it('recomputes the same rollups from the raw events', async () => {
    const db = await loaded();
    const before = await snapshot(db);
    expect((before.rollup_hourly as unknown[]).length).toBeGreaterThan(100);
    await db.$executeRawUnsafe('DELETE FROM rollup_daily WHERE day % 2 = 0');
    await db.$executeRawUnsafe('UPDATE rollup_hourly SET events = events + 1');
    await rebuild(db, Math.floor((END - 5 * DAY) / DAY));
    expect(await snapshot(db)).toEqual(before);
    await db.$disconnect();
  });

  it('keeps the rollups of days before the oldest raw event', async () => {
    const db = await loaded();
    const before = await snapshot(db);
    const cutoff = END - 2 * DAY;
    await deleteEventsBefore(db, cutoff);
    await rebuild(db, Math.floor(cutoff / DAY));
    expect(await snapshot(db)).toEqual(before);
    await db.$disconnect();
  });
});
