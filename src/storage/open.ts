// Chooses the storage backend from DATABASE_URL, once, at start: "file:..." is SQLite (the
// default), "postgresql://..." or "postgres://..." is PostgreSQL. Nothing above the port knows which.
import { backendOfUrl, redactUrl } from '../db-url.js';
import type { Storage } from './port.js';
import { PostgresStorage } from './postgres/index.js';
import { migratePostgres } from './postgres/migrate.js';
import { SqliteStorage } from './sqlite/index.js';
import { migrateSqlite } from './sqlite/migrate.js';

function backendOf(url: string) {
  const backend = backendOfUrl(url);
  if (!backend) throw new Error(`DATABASE_URL "${redactUrl(url)}" names no supported database`);
  return backend;
}

export interface StorageOptions {
  /** SQLite's busy timeout (PULSE_DB_BUSY_TIMEOUT_MS) */
  busyTimeoutMs?: number;
}

export async function openStorage(url: string, options: StorageOptions = {}): Promise<Storage> {
  return backendOf(url) === 'sqlite' ? SqliteStorage.open(url, options.busyTimeoutMs) : PostgresStorage.open(url);
}

/** Brings the database's schema up to date (pending migrations applied); safe beside running instances. */
export async function migrateStorage(url: string): Promise<void> {
  if (backendOf(url) === 'sqlite') await migrateSqlite(url);
  else await migratePostgres(url);
}
