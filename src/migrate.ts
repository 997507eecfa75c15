// Applies pending migrations with `prisma migrate deploy` (offline: the JS schema engine), so a
// fresh start creates and migrates the SQLite file. When _prisma_migrations already lists every
// committed migration, nothing runs: Prisma's schema engine cannot open a WAL file that another
// process (a second instance, a `sqlite3` shell) has open, and fails with "SocketTimeout".
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { sqlitePathFromUrl } from './db-url.js';

const run = promisify(execFile);
const MIGRATIONS = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

/** true when the file records every committed migration as applied (read only, no write lock). */
function isUpToDate(path: string): boolean {
  if (path === ':memory:' || !existsSync(path)) return false;
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    if (!table) return false;
    const rows = db
      .prepare('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL')
      .all() as { migration_name: string }[];
    const applied = new Set(rows.map((r) => r.migration_name));
    return readdirSync(MIGRATIONS, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(MIGRATIONS, d.name, 'migration.sql')))
      .every((d) => applied.has(d.name));
  } finally {
    db.close();
  }
}

export async function migrateDatabase(databaseUrl: string): Promise<void> {
  if (isUpToDate(sqlitePathFromUrl(databaseUrl))) return;
  const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  try {
    await run(process.execPath, [prismaCli, 'migrate', 'deploy'], {
      // prisma.config.ts sits at the project root; the URL is made absolute so it names the same file.
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, DATABASE_URL: `file:${sqlitePathFromUrl(databaseUrl)}` },
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`Database migration failed:\n${stdout}${stderr}`);
  }
}
