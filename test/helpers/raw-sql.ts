// Raw SQL on either storage backend, for tests and benchmarks (no vitest here: benchmarks run it
// with tsx). Written with ? placeholders, numbered for PostgreSQL.
import type { Storage } from '../../src/storage/port.js';
import { PostgresStorage } from '../../src/storage/postgres/index.js';
import { SqliteStorage } from '../../src/storage/sqlite/index.js';

/** Raw SQL on a storage (tests only): `?` placeholders, numbered for PostgreSQL. */
export function rawQuery<T = Record<string, unknown>>(storage: Storage, sql: string, ...args: unknown[]): Promise<T[]> {
  if (storage instanceof SqliteStorage) return storage.query<T>(sql, ...args);
  if (storage instanceof PostgresStorage) {
    let n = 0;
    return storage.query<T>(
      sql.replace(/\?/g, () => `$${++n}`),
      ...args,
    );
  }
  throw new Error(`rawQuery: unknown storage ${storage.backend}`);
}

/** A raw statement on a storage (tests only), e.g. to break a table on purpose. */
export async function rawExecute(storage: Storage, sql: string): Promise<void> {
  if (storage instanceof SqliteStorage) await storage.db.$executeRawUnsafe(sql);
  else if (storage instanceof PostgresStorage) await storage.query(sql);
  else throw new Error(`rawExecute: unknown storage ${storage.backend}`);
}
