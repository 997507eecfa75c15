// Applies pending SQLite migrations with `prisma migrate deploy` (offline: the JS schema engine),
// so a fresh start creates and migrates the file. When _prisma_migrations already lists every
// committed migration as applied, nothing is run: a second process on the same file (a CLI beside
// a running server) does not meet the server's write lock in Prisma's schema engine, whose error
// under a lock is a raw WASM stack ("unknown variant SocketTimeout").
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { sqlitePathFromUrl } from '../../db-url.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MIGRATIONS = join(ROOT, 'prisma', 'migrations');

/** The committed migrations (folder names, in order). */
function committedMigrations(): string[] {
  return readdirSync(MIGRATIONS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(MIGRATIONS, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();
}

/** true when the file exists and records every committed migration as applied (read only, no lock). */
export function isUpToDate(path: string): boolean {
  if (path === ':memory:' || !existsSync(path)) return false;
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    if (!table) return false;
    const applied = new Set(
      (
        db
          .prepare(
            'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
          )
          .all() as { migration_name: string }[]
      ).map((r) => r.migration_name),
    );
    return committedMigrations().every((name) => applied.has(name));
  } finally {
    db.close();
  }
}

const LOCKED = /SocketTimeout|database is locked|SQLITE_BUSY/i;
const ATTEMPTS = 5;

export async function migrateSqlite(databaseUrl: string): Promise<void> {
  const path = sqlitePathFromUrl(databaseUrl);
  if (isUpToDate(path)) return;
  const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  for (let attempt = 1; ; attempt++) {
    try {
      await run(process.execPath, [prismaCli, 'migrate', 'deploy'], {
        // prisma.config.ts sits at the project root; the URL is made absolute so it names the same file.
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: `file:${path}` },
      });
      return;
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      const output = `${stdout}${stderr}`;
      // Another process held the write lock (e.g. applying the same migrations): it may be done now.
      if (isUpToDate(path)) return;
      if (LOCKED.test(output)) {
        if (attempt < ATTEMPTS) {
          await new Promise((r) => setTimeout(r, 500 * attempt));
          continue;
        }
        throw new Error(
          `Database migration failed: ${path} stayed locked by another process (${ATTEMPTS} attempts). ` +
            'Stop the other writer (e.g. a Pulse server on an older version) or start this one after it.',
        );
      }
      throw new Error(`Database migration failed:\n${output}`);
    }
  }
}
