// The SQLite writer's shortcuts (storage/sqlite/write.ts): the counts of a batch whose every event
// is new grouped in JS, the others by SQLite; and the sketches it keeps cached between flushes,
// dropped when another connection commits, when a flush fails, and when anything else runs on
// the writer thread's connection.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../src/core/event.js';
import { DAY_MS } from '../../../src/core/time.js';
import { Hll, pairOf } from '../../../src/storage/sketch.js';
import { openDatabase } from '../../../src/storage/sqlite/db.js';
import { SqliteStorage } from '../../../src/storage/sqlite/index.js';
import { rebuildRollups } from '../../../src/storage/sqlite/maintenance.js';
import { createEventWriter } from '../../../src/storage/sqlite/write.js';
import { freshDatabase } from '../../helpers/db.js';

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
const DAY = Date.UTC(2025, 10, 20);

function snapshot(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const [t, order] of Object.entries(TABLES)) out[t] = db.prepare(`SELECT * FROM ${t} ORDER BY ${order}`).all();
    return out;
  } finally {
    db.close();
  }
}

/** Varied events: sites, hours on both sides of midnight and before 1970, types, attributes. */
function events(n: number, from: number): EventRecord[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      id: i + 1,
      siteId: `site-${i % 3}`,
      eventType: i % 4 === 0 ? 'signup' : 'page_view',
      path: i % 7 === 0 ? null : `/p/${i % 5}`,
      userId: i % 6 === 0 ? null : `u${i % 11}`,
      timestamp: (i % 9 === 0 ? -DAY_MS : DAY) + (i % 30) * 3_000_000 - 7_200_000,
      source: i % 2 ? 'news.example' : null,
      utmSource: i % 5 === 0 ? 'mail' : null,
      utmMedium: null,
      utmCampaign: i % 3 === 0 ? 'spring' : null,
      browser: ['Chrome', 'Firefox', null][i % 3] ?? null,
      os: i % 4 === 1 ? 'Linux' : 'iOS',
      device: i % 2 ? 'mobile' : 'desktop',
      country: i % 8 === 0 ? null : 'FR',
    };
  });
}

/** The stored sketch of one key, as its estimate (sparse below ~1000 users: exact here). */
function usersOf(path: string, site: string, dim: string, value: string): number | null {
  const db = new Database(path, { readonly: true });
  try {
    const row = db
      .prepare('SELECT users FROM rollup_users_daily WHERE site_id = ? AND dim = ? AND day = ? AND value = ?')
      .get(site, dim, Math.floor(DAY / DAY_MS), value) as { users: string } | undefined;
    return row ? Hll.decode(row.users).estimate() : null;
  } finally {
    db.close();
  }
}

const visit = (id: number, userId: string, path = '/x'): EventRecord => ({
  id,
  siteId: 's',
  eventType: 'page_view',
  path,
  userId,
  timestamp: DAY + id,
});

describe('the SQLite flush', () => {
  it('counts a batch with stored events (grouped by SQLite) as one of new events only (grouped in JS)', async () => {
    const all = events(600, 0);
    // a: 0-399, then 200-599 again (200 of them stored already: SQLite groups what is left)
    const a = freshDatabase();
    const dbA = await openDatabase(a.url);
    const writeA = createEventWriter(dbA);
    await writeA(all.slice(0, 400));
    await writeA(all.slice(200, 600));
    await writeA(all.slice(100, 300)); // all stored: nothing counted
    // b: the same events in two batches of new events only (grouped in JS)
    const b = freshDatabase();
    const dbB = await openDatabase(b.url);
    const writeB = createEventWriter(dbB);
    await writeB(all.slice(0, 400));
    await writeB(all.slice(400, 600));
    const flushedA = snapshot(a.path);
    expect(flushedA.rollup_hourly?.length).toBeGreaterThan(10);
    expect(flushedA).toEqual(snapshot(b.path));
    // and both are what rollups:rebuild makes of the raw events
    await rebuildRollups(dbB);
    expect(snapshot(b.path)).toEqual(flushedA);
    await dbA.$disconnect();
    await dbB.$disconnect();
  });

  it("merges into the stored sketches as another connection left them, not as the writer's cache has them", async () => {
    const { url, path } = freshDatabase();
    const db = await openDatabase(url);
    const write = createEventWriter(db);
    await write([visit(1, 'a'), visit(2, 'b')]);
    expect(usersOf(path, 's', 'EVENT_TYPE', 'page_view')).toBe(2);
    const other = new Database(path);
    other.prepare("DELETE FROM rollup_users_daily WHERE dim = 'EVENT_TYPE'").run();
    other.close();
    await write([visit(3, 'c')]);
    expect(usersOf(path, 's', 'EVENT_TYPE', 'page_view')).toBe(1);
    expect(usersOf(path, 's', 'PATH', '/x')).toBe(3);
    await db.$disconnect();
  });

  it('keeps nothing of a failed flush in its cached sketches', async () => {
    const { url, path } = freshDatabase();
    const db = await openDatabase(url);
    const write = createEventWriter(db);
    await write([visit(1, 'a')]);
    // on the writer's own connection (data_version does not change for it): the sketch upsert fails
    await db.$executeRawUnsafe(
      `CREATE TEMP TRIGGER boom BEFORE INSERT ON main.rollup_users_daily WHEN NEW.value = '/boom'
       BEGIN SELECT RAISE(ABORT, 'boom'); END`,
    );
    await expect(write([visit(2, 'b', '/boom')])).rejects.toThrow('boom');
    await db.$executeRawUnsafe('DROP TRIGGER temp.boom');
    await write([visit(3, 'c')]);
    expect(usersOf(path, 's', 'EVENT_TYPE', 'page_view')).toBe(2);
    expect(usersOf(path, 's', 'PATH', '/boom')).toBeNull();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT id FROM events ORDER BY id').all()).toEqual([{ id: 1 }, { id: 3 }]);
    check.close();
    await db.$disconnect();
  });

  it("drops the writer thread's cached sketches when a statement runs on its connection", async () => {
    const { url, path } = freshDatabase();
    const storage = await SqliteStorage.open(url);
    try {
      await storage.writeBatch([visit(1, 'a'), visit(2, 'b')]);
      await storage.writer.query("DELETE FROM rollup_users_daily WHERE dim = 'EVENT_TYPE'");
      await storage.writeBatch([visit(3, 'c')]);
      expect(usersOf(path, 's', 'EVENT_TYPE', 'page_view')).toBe(1);
    } finally {
      await storage.close();
    }
  });
});

describe("the SQLite writer's checkpoints", () => {
  it("leave the WAL past SQLite's default 1000 pages, so a rewritten page is copied once, not every 1000", async () => {
    const { url, path } = freshDatabase();
    const db = await openDatabase(url);
    const write = createEventWriter(db);
    for (let i = 0; i < 40; i++) await write(events(500, i * 500));
    const other = new Database(path);
    // [busy, frames in the WAL, frames checkpointed]: run here, it copies them all
    const [status] = other.prepare('PRAGMA wal_checkpoint(PASSIVE)').raw().all() as number[][];
    other.close();
    await db.$disconnect();
    expect(status?.[1]).toBeGreaterThan(1500);
    expect(status?.[2]).toBe(status?.[1]);
  });
});

describe('Hll.addPairsChanged', () => {
  const pairs = (users: readonly string[]) => users.map(pairOf);
  it('tells whether adding the users changed the sketch, sparse and dense, as adding them one by one does', () => {
    const sparse = Hll.of(['a', 'b']);
    expect(sparse.addPairsChanged(pairs(['a']))).toBe(false);
    expect(sparse.addPairsChanged(pairs(['b', 'c', 'c']))).toBe(true);
    expect(sparse.encode()).toBe(Hll.of(['a', 'b', 'c']).encode());
    const users = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);
    // sparse until past the break-even, then dense: the same sketch as adding one by one
    const grown = new Hll();
    for (let i = 0; i < users.length; i += 700)
      expect(grown.addPairsChanged(pairs(users.slice(i, i + 700)))).toBe(true);
    expect(grown.isSparse).toBe(false);
    expect(grown.encode()).toBe(Hll.of(users).encode());
    expect(grown.addPairsChanged(pairs(users.slice(0, 500)))).toBe(false);
    const before = grown.encode();
    expect(grown.addPairsChanged(pairs(Array.from({ length: 20_000 }, (_, i) => `other-${i}`)))).toBe(true);
    expect(grown.encode()).not.toBe(before);
  });
});
