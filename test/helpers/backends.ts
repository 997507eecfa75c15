// Both storage backends for the suites that run on each: describeBackends() gives a describe per
// backend (PostgreSQL through describeWith: skipped visibly without the service, failing under
// CI), freshStorageUrl() a fresh, migrated database of the backend (SQLite: a copy of the
// template file; PostgreSQL: a database of its own, dropped after the test), and raw SQL on a
// storage for assertions (written with ? placeholders, numbered for PostgreSQL).
import { afterAll, afterEach, describe } from 'vitest';
import type { EventRecord } from '../../src/core/event.js';
import type { Backend, Storage } from '../../src/storage/port.js';
import { migratePostgres } from '../../src/storage/postgres/migrate.js';
import { freshDatabase } from './db.js';
import { rawQuery } from './raw-sql.js';
import { createPostgresDatabase, describeWith } from './services.js';

export type { Backend } from '../../src/storage/port.js';
export { rawExecute, rawQuery } from './raw-sql.js';
export const BACKENDS: readonly Backend[] = ['sqlite', 'postgres'];

/** `body` once per backend, in a describe named after it. */
export function describeBackends(name: string, body: (backend: Backend) => void): void {
  describe(`${name} [sqlite]`, () => body('sqlite'));
  describeWith(['PostgreSQL'], `${name} [postgres]`, () => body('postgres'));
}

const drops: (() => Promise<void>)[] = [];
const fileDrops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(drops.splice(0).map((drop) => drop().catch(() => undefined)));
});
afterAll(async () => {
  await Promise.all(fileDrops.splice(0).map((drop) => drop().catch(() => undefined)));
});

export interface FreshDatabase {
  url: string;
  /** the SQLite file ('' on PostgreSQL) */
  path: string;
}

/**
 * A fresh, migrated database of the backend. A PostgreSQL one is dropped after the current test
 * (`keep: 'file'`: after the file's last test, for a database made in beforeAll).
 */
export async function freshStorageUrl(backend: Backend, keep: 'test' | 'file' = 'test'): Promise<FreshDatabase> {
  if (backend === 'sqlite') {
    const { url, path } = freshDatabase();
    return { url, path };
  }
  const db = await createPostgresDatabase();
  (keep === 'test' ? drops : fileDrops).push(db.drop);
  await migratePostgres(db.url);
  return { url: db.url, path: '' };
}

/** Rows in the events table (optionally `where`, with ? placeholders). */
export async function countStored(storage: Storage, where = '1=1', ...args: unknown[]): Promise<number> {
  const [row] = await rawQuery<{ n: string | number }>(
    storage,
    `SELECT count(*) AS n FROM events WHERE ${where}`,
    ...args,
  );
  return Number(row?.n ?? 0);
}

/** Gives events without an id one (as Ingest does at accept time), from `first` on. */
export function withIds(events: readonly EventRecord[], first: number): EventRecord[] {
  return events.map((e, i) => ({ ...e, id: e.id ?? first + i }));
}
