// Migrates one template database per test run; tests copy it instead of migrating each time.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { migrateDatabase } from '../../src/migrate.js';

export const TMP_DIR = join(import.meta.dirname, '..', '.tmp');

export default async function setup(): Promise<() => void> {
  rmSync(TMP_DIR, { recursive: true, force: true });
  mkdirSync(TMP_DIR, { recursive: true });
  await migrateDatabase(`file:${join(TMP_DIR, 'template.db')}`);
  return () => rmSync(TMP_DIR, { recursive: true, force: true });
}
