// Fresh, migrated SQLite files for tests (copies of the template that global-setup migrated).
import { copyFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tmpDir } from './global-setup.js';

export function freshDatabase(): { url: string; path: string; dir: string } {
  const dir = mkdtempSync(join(tmpDir(), 'db-'));
  const path = join(dir, 'pulse.db');
  copyFileSync(join(tmpDir(), 'template.db'), path);
  return { url: `file:${path}`, path, dir };
}

/** Rows in the events table, read with plain better-sqlite3 (not through the server). */
export function countStoredEvents(path: string, where = '1=1', ...params: unknown[]): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM events WHERE ${where}`).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}
