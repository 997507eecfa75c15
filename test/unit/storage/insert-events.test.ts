import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { inTransaction, openDatabase, queryRows, sqlQuery } from '../../../src/db.js';
import type { EventRecord } from '../../../src/ingestion/event.js';
import { insertEvents, insertEventsCreateMany, insertEventsMultiRow } from '../../../src/storage/insert-events.js';
import { ROLLUP_NEW_EVENTS_SQL } from '../../../src/storage/rollups.js';
import { freshDatabase } from '../../helpers/db.js';

const tricky: EventRecord[] = [
  { siteId: 's.1', eventType: 'page_view', path: '/a"b\\c\n\u0000ü😀', userId: "o'brien", timestamp: 1763231401123 },
  { siteId: 's:2', eventType: 'click', path: null, userId: null, timestamp: -1 },
  {
    siteId: 's-3',
    eventType: 'x'.repeat(64),
    path: `/${'p'.repeat(2047)}`,
    userId: 'u'.repeat(256),
    timestamp: 253402300799999,
  },
];

function storedRows(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare(
        'SELECT site_id AS siteId, event_type AS eventType, path, user_id AS userId, timestamp, typeof(timestamp) AS t FROM events ORDER BY id',
      )
      .all();
  } finally {
    db.close();
  }
}

describe.each([
  ['insertEvents (json_each)', insertEvents],
  ['insertEventsMultiRow', insertEventsMultiRow],
  ['insertEventsCreateMany', insertEventsCreateMany],
])('%s', (_name, insert) => {
  it('stores every field exactly, in order, timestamps as integers', async () => {
    const { url, path } = freshDatabase();
    const db = await openDatabase(url);
    await insert(db, tricky);
    await db.$disconnect();
    expect(storedRows(path)).toEqual(tricky.map((e) => ({ ...e, t: 'integer' })));
  });

  it('writes a large batch whole', async () => {
    const { url, path } = freshDatabase();
    const db = await openDatabase(url);
    const many = Array.from({ length: 1234 }, (_, i) => ({ ...(tricky[i % 3] as EventRecord), timestamp: i }));
    await insert(db, many);
    await db.$disconnect();
    const rows = storedRows(path) as { timestamp: number }[];
    expect(rows).toHaveLength(1234);
    expect(rows.map((r) => r.timestamp)).toEqual(many.map((e) => e.timestamp));
  });
});

describe('the flush rollup statements', () => {
  it('read the batch by rowid range, never by walking the events table or its index', async () => {
    const { path } = freshDatabase();
    const db = new Database(path);
    try {
      for (const [sql] of ROLLUP_NEW_EVENTS_SQL) if (sql.startsWith('CREATE TEMP')) db.exec(sql);
      const readers = ROLLUP_NEW_EVENTS_SQL.filter(([sql]) => /\bFROM events\b/.test(sql));
      expect(readers.length).toBeGreaterThanOrEqual(5);
      for (const [sql] of readers) {
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(0) as { detail: string }[];
        const eventsSteps = plan.map((p) => p.detail).filter((d) => /\bevents\b/.test(d));
        expect(eventsSteps, sql).toEqual(['SEARCH events USING INTEGER PRIMARY KEY (rowid>?)']);
      }
    } finally {
      db.close();
    }
  });
});

describe('inTransaction (the flush transaction on Prisma driver adapter)', () => {
  it('commits, or rolls back with the error that caused it, and always releases the lock', async () => {
    const db = await openDatabase(freshDatabase().url);
    const insert = (day: string) => sqlQuery('INSERT INTO visitor_salts (day, salt) VALUES (?, ?)', day, 's');
    await inTransaction(db, async (tx) => {
      await tx.executeRaw(insert('2025-01-01'));
    });
    await expect(
      inTransaction(db, async (tx) => {
        await tx.executeRaw(insert('2025-01-02'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    // the work ended the transaction itself: the failing ROLLBACK must not hide its error
    await expect(
      inTransaction(db, async (tx) => {
        await tx.executeRaw(sqlQuery('ROLLBACK'));
        throw new Error('after its own rollback');
      }),
    ).rejects.toThrow('after its own rollback');
    // SQLite's message, not the driver error's kind
    await expect(
      inTransaction(db, async (tx) => {
        await tx.executeRaw(insert('2025-01-01'));
      }),
    ).rejects.toThrow(/UNIQUE constraint failed/);
    await inTransaction(db, async (tx) => {
      await tx.executeRaw(insert('2025-01-03'));
    });
    const days = await queryRows<{ day: string }>(db, 'SELECT day FROM visitor_salts ORDER BY day');
    expect(days.map((d) => d.day)).toEqual(['2025-01-01', '2025-01-03']);
    await db.$disconnect();
  });
});
