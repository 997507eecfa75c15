// Upgrading a database that has events and rollups from before issue #11: the breakdowns
// migrations backfill rollup_hours and rollup_dims_* from the rollups already stored (every
// attribute of an old event is none), and what they write equals what rollups:rebuild computes
// from the raw events.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { openStorage } from '../../../src/storage/open.js';
import type { Storage } from '../../../src/storage/port.js';
import { committedMigrations, migratePostgres } from '../../../src/storage/postgres/migrate.js';
import { type Backend, describeBackends, rawExecute, rawQuery } from '../../helpers/backends.js';
import { freshDatabase } from '../../helpers/db.js';
import { createPostgresDatabase } from '../../helpers/services.js';

const FIRST_NEW = '20261202000000_breakdowns';
const NEW_TABLES: Record<string, string> = {
  rollup_hours: '1, 2',
  rollup_dims_hourly: '1, 2, 3, 4',
  rollup_dims_daily: '1, 2, 3, 4',
  rollup_dims_total: '1, 2, 3',
};
const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 1, 22, 30);
// events as the version before stored them (no attribute columns), after 1970: division is floor
const OLD_EVENTS = Array.from({ length: 40 }, (_, i) => [
  i + 1,
  i % 3 === 0 ? 'a' : 'b',
  i % 4 === 0 ? 'click' : 'page_view',
  i % 5 === 0 ? null : `/p${i % 3}`,
  i % 2 === 0 ? `u${i % 7}` : null,
  T0 + i * 0.7 * H,
]);

const drops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(drops.splice(0).map((drop) => drop().catch(() => undefined)));
});

async function snapshot(db: Storage) {
  const out: Record<string, unknown[]> = {};
  for (const [t, order] of Object.entries(NEW_TABLES)) {
    const rows = await rawQuery<Record<string, unknown>>(db, `SELECT * FROM ${t} ORDER BY ${order}`);
    out[t] = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])));
  }
  return out;
}

const INSERT_OLD = 'INSERT INTO events (id, site_id, event_type, path, user_id, timestamp) VALUES (?, ?, ?, ?, ?, ?)';
/** The rollups the version before kept, from its events (its rebuild, in SQL both backends run). */
const OLD_ROLLUPS = [
  `INSERT INTO rollup_hourly (site_id, hour, event_type, path, events)
     SELECT site_id, timestamp / 3600000, event_type, coalesce(path, ''), count(*) FROM events GROUP BY 1, 2, 3, 4`,
  `INSERT INTO rollup_daily (site_id, day, event_type, path, events)
     SELECT site_id, hour / 24, event_type, path, sum(events) FROM rollup_hourly GROUP BY 1, 2, 3, 4`,
  `INSERT INTO rollup_days (site_id, day, events, views)
     SELECT site_id, day, sum(events), sum(CASE WHEN event_type = 'page_view' THEN events ELSE 0 END) FROM rollup_daily GROUP BY 1, 2`,
];

/** A database at the migration before FIRST_NEW, with old events and rollups; returns its URL and how to finish migrating. */
async function oldDatabase(backend: Backend): Promise<{ url: string; migrate: () => Promise<void> }> {
  if (backend === 'sqlite') {
    const { url, path } = freshDatabase();
    // an empty file, then the committed migrations before FIRST_NEW as SQL
    const dir = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));
    const names = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    const db = new Database(path);
    for (const table of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[])
      if (!table.name.startsWith('sqlite_')) db.exec(`DROP TABLE "${table.name}"`);
    for (const name of names.filter((n) => n < FIRST_NEW))
      db.exec(readFileSync(join(dir, name, 'migration.sql'), 'utf8'));
    const insert = db.prepare(INSERT_OLD);
    for (const e of OLD_EVENTS) insert.run(...e);
    for (const sql of OLD_ROLLUPS) db.exec(sql);
    db.close();
    return {
      url,
      migrate: async () => {
        const up = new Database(path);
        for (const name of names.filter((n) => n >= FIRST_NEW))
          up.exec(readFileSync(join(dir, name, 'migration.sql'), 'utf8'));
        up.close();
      },
    };
  }
  const pg = await createPostgresDatabase();
  drops.push(pg.drop);
  const all = committedMigrations();
  await migratePostgres(
    pg.url,
    all.filter((m) => m.name < FIRST_NEW),
  );
  const db = await openStorage(pg.url);
  for (const e of OLD_EVENTS) await rawQuery(db, INSERT_OLD, ...e);
  for (const sql of OLD_ROLLUPS) await rawExecute(db, sql);
  await db.close();
  return { url: pg.url, migrate: async () => void (await migratePostgres(pg.url, all)) };
}

describeBackends('breakdowns migration', (backend) => {
  it('backfills the new rollups of old events as rollups:rebuild computes them', async () => {
    const { url, migrate } = await oldDatabase(backend);
    await migrate();
    const db = await openStorage(url);
    try {
      const backfilled = await snapshot(db);
      expect((backfilled.rollup_dims_total as unknown[]).length).toBeGreaterThan(10);
      await db.rebuildRollups();
      expect(await snapshot(db)).toEqual(backfilled);
      // every attribute of an old event is none
      const values = await rawQuery<{ value: string }>(
        db,
        "SELECT DISTINCT value FROM rollup_dims_daily WHERE dim NOT IN ('PATH', 'EVENT_TYPE')",
      );
      expect(values).toEqual([{ value: '' }]);
      const [row] = await db.breakdown(
        { siteId: 'b', start: null, end: null, filters: [] },
        'COUNTRY',
        10,
        'EVENTS',
        false,
      );
      expect(row).toMatchObject({ value: null, events: OLD_EVENTS.filter((e) => e[1] === 'b').length });
    } finally {
      await db.close();
    }
  });
});
