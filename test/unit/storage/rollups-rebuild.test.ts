// rollups:rebuild recomputes exactly the rollups the flushes maintained, and keeps the rollups of
// days whose raw events retention has pruned.
import { expect, it } from 'vitest';
import { demoEvents } from '../../../src/demo/generate.js';
import { openStorage } from '../../../src/storage/open.js';
import type { Storage } from '../../../src/storage/port.js';
import {
  type Backend,
  describeBackends,
  freshStorageUrl,
  rawExecute,
  rawQuery,
  withIds,
} from '../../helpers/backends.js';
import { demoRecords } from '../../helpers/demo-records.js';

const TABLES: Record<string, string> = {
  rollup_hourly: '1, 2, 3, 4',
  rollup_daily: '1, 2, 3, 4',
  rollup_hourly_users: '1, 2, 3',
  rollup_daily_users: '1, 2, 3',
  rollup_daily_uniques: '1, 2, 3',
  rollup_days: '1, 2',
  rollup_paths: '1, 2',
  rollup_hours: '1, 2',
  rollup_dims_hourly: '1, 2, 3, 4',
  rollup_dims_daily: '1, 2, 3, 4',
  rollup_dims_total: '1, 2, 3',
  rollup_users_daily: '1, 2, 3, 4',
};
const END = Date.UTC(2025, 10, 20);
const DAY = 86_400_000;

async function snapshot(db: Storage) {
  const out: Record<string, unknown[]> = {};
  for (const [t, order] of Object.entries(TABLES)) out[t] = await rawQuery(db, `SELECT * FROM ${t} ORDER BY ${order}`);
  return out;
}

async function loaded(backend: Backend) {
  const db = await openStorage((await freshStorageUrl(backend)).url);
  let id = 1;
  for (const chunk of demoEvents(6000, { sites: 3, days: 5, end: END, paths: 40, visitors: 300 }, 1000)) {
    const records = demoRecords(chunk);
    await db.writeBatch(withIds(records, id));
    id += records.length;
  }
  return db;
}

describeBackends('rollups rebuild', (backend) => {
  it('recomputes the same rollups from the raw events', async () => {
    const db = await loaded(backend);
    const before = await snapshot(db);
    expect((before.rollup_hourly as unknown[]).length).toBeGreaterThan(100);
    await rawExecute(db, 'DELETE FROM rollup_daily WHERE day % 2 = 0');
    await rawExecute(db, 'UPDATE rollup_hourly SET events = events + 1');
    // sketches: some lost, some replaced by another row's
    expect((before.rollup_users_daily as unknown[]).length).toBeGreaterThan(100);
    await rawExecute(db, 'DELETE FROM rollup_users_daily WHERE day % 3 = 0');
    await rawExecute(
      db,
      "UPDATE rollup_users_daily SET users = (SELECT min(users) FROM rollup_users_daily) WHERE dim = 'PATH'",
    );
    expect((await db.rebuildRollups())?.fromDay).toBe(Math.floor((END - 5 * DAY) / DAY));
    expect(await snapshot(db)).toEqual(before);
    await db.close();
  });

  it('keeps the rollups of days before the oldest raw event', async () => {
    const db = await loaded(backend);
    const before = await snapshot(db);
    const cutoff = END - 2 * DAY;
    expect(await db.deleteEventsBefore(cutoff)).toBeGreaterThan(0);
    expect((await db.rebuildRollups())?.fromDay).toBe(Math.floor(cutoff / DAY));
    expect(await snapshot(db)).toEqual(before);
    await db.close();
  });
});
