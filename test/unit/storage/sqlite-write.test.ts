import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../src/core/event.js';
import { sqlQuery } from '../../../src/storage/driver.js';
import { inTransaction, openDatabase, queryRows } from '../../../src/storage/sqlite/db.js';
import { FLUSH_TABLES_SQL } from '../../../src/storage/sqlite/rollups.js';
import { flushStatements } from '../../../src/storage/sqlite/write.js';
import { insertEvents, insertEventsCreateMany, insertEventsMultiRow } from '../../bench/insert-variants.js';
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

describe('the SQLite flush statements', () => {
  it('only search the stored tables by key: what they scan is the batch and its scratch tables', async () => {
    const { path } = freshDatabase();
    const db = new Database(path);
    try {
      for (const sql of FLUSH_TABLES_SQL) db.exec(sql);
      // (the first statement only takes the write lock: WHERE 0 reads nothing)
      const [, ...statements] = flushStatements();
      for (const { sql, takesBatch } of statements) {
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(takesBatch ? ['[]'] : [])) as { detail: string }[];
        const scans = plan.map((p) => p.detail).filter((d) => d.startsWith('SCAN '));
        // temp.* tables, their aliases in the statements (f, t, s), subqueries over them, and the
        // constant rows of the attribute dimensions (d: storage/columns.ts, DIMS_TABLE_SQL)
        for (const scan of scans)
          expect(scan, sql).toMatch(/^SCAN (temp\.flush_\w+|[ftsd]|json_each\b|\(subquery-\d+\)|CONSTANT ROW$)/);
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
