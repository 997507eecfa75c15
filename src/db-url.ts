// DATABASE_URL: which backend it names (SQLite "file:", PostgreSQL "postgresql:"/"postgres:"),
// the SQLite file path it names (relative to the working directory, for both the CLI in
// prisma.config.ts and the server), and the URL as it may be shown (no password).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const DEFAULT_DATABASE_URL = 'file:./data/pulse.db';

export type DatabaseBackend = 'sqlite' | 'postgres';

/** The backend a URL names, or null for any other scheme. */
export function backendOfUrl(url: string): DatabaseBackend | null {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgres';
  return null;
}

/** The URL without its password (and never the raw text when it does not parse): for logs and errors. */
export function redactUrl(url: string): string {
  if (url.startsWith('file:')) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return `${url.split(':')[0]}://***`;
  }
}

export function sqlitePathFromUrl(url: string): string {
  if (!url.startsWith('file:')) {
    throw new Error(`DATABASE_URL must be a SQLite "file:" URL here, got "${redactUrl(url)}"`);
  }
  const path = url.slice('file:'.length).split('?')[0] ?? '';
  if (path === '') throw new Error('DATABASE_URL has an empty file path');
  return path === ':memory:' ? path : resolve(path);
}

/** Creates the database file's directory so SQLite can create the file on first start. */
export function ensureDatabaseDir(path: string): void {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
}
