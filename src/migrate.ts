// Applies pending migrations with `prisma migrate deploy` (offline: the JS schema engine), so a
// fresh start creates and migrates the SQLite file.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sqlitePathFromUrl } from './db-url.js';

const run = promisify(execFile);

export async function migrateDatabase(databaseUrl: string): Promise<void> {
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
