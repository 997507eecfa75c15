// Turns a Prisma SQLite URL (`file:./data/pulse.db`) into a filesystem path, relative to the
// working directory, for both the CLI (prisma.config.ts) and the server.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const DEFAULT_DATABASE_URL = 'file:./data/pulse.db';

export function sqlitePathFromUrl(url: string): string {
  if (!url.startsWith('file:')) {
    throw new Error(`DATABASE_URL must be a SQLite "file:" URL, got "${url}"`);
  }
  const path = url.slice('file:'.length).split('?')[0] ?? '';
  if (path === '') throw new Error('DATABASE_URL has an empty file path');
  return path === ':memory:' ? path : resolve(path);
}

/** Creates the database file's directory so SQLite can create the file on first start. */
export function ensureDatabaseDir(path: string): void {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
}
