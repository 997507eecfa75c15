// Applies the committed PostgreSQL migrations (prisma/postgres/migrations/*/migration.sql) on
// start, offline: Prisma 6.19's `migrate deploy` cannot (its JS schema engine fails against
// PostgreSQL 15, and the native engine cannot be downloaded). Each pending migration runs in its
// own transaction, in folder order, under the advisory lock Prisma Migrate itself takes, so two
// instances starting together (or a `prisma migrate deploy` run) apply it once. Each is recorded
// in _prisma_migrations exactly as Prisma records it (same table, same checksum: the SHA-256 hex
// of the file), so `prisma migrate status` and `deploy` agree with what Pulse applied.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pgError } from './db.js';

const MIGRATIONS = fileURLToPath(new URL('../../../prisma/postgres/migrations', import.meta.url));

/** The key of Prisma Migrate's own advisory lock on PostgreSQL. */
export const PRISMA_MIGRATE_LOCK = 72707369;

/** _prisma_migrations as Prisma's schema engine creates it on PostgreSQL. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  /** SHA-256 of migration.sql, hex: Prisma's checksum */
  checksum: string;
}

export function committedMigrations(dir = MIGRATIONS): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(dir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    });
}

/** Applies what is pending; returns the names applied now. */
export async function migratePostgres(url: string, migrations = committedMigrations()): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // An error on an idle client (the server going away) must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw pgError(error);
  }
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<{ migration_name: string; finished_at: Date | null }>(
      'SELECT migration_name, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL',
    );
    const failed = rows.find((r) => r.finished_at === null);
    if (failed) {
      throw new Error(
        `Migration ${failed.migration_name} failed earlier and is recorded as unfinished in _prisma_migrations: ` +
          'fix the database, then mark it rolled back (prisma migrate resolve --rolled-back) and start again',
      );
    }
    const done = new Set(rows.map((r) => r.migration_name));
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      const startedAt = new Date();
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO _prisma_migrations
             (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`Migration ${migration.name} failed: ${pgError(error).message}`);
      }
      applied.push(migration.name);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
  return applied;
}
