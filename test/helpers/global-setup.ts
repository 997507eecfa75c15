// Migrates one template database per test run, in a folder of its own (several runs may go on
// at once); tests copy the template instead of migrating each time. Builds dist/ for the e2e tests.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { migrateSqlite } from '../../src/storage/sqlite/migrate.js';
import { buildServer } from './build.js';

const TMP_ROOT = join(import.meta.dirname, '..', '.tmp');

/** The current run's folder (set by setup() before the test workers start). */
export function tmpDir(): string {
  const dir = process.env.PULSE_TEST_TMP;
  if (!dir) throw new Error('PULSE_TEST_TMP is not set: run the tests with vitest (see vitest.config.ts)');
  return dir;
}

export default async function setup(): Promise<() => void> {
  mkdirSync(TMP_ROOT, { recursive: true });
  const dir = mkdtempSync(join(TMP_ROOT, 'run-'));
  process.env.PULSE_TEST_TMP = dir;
  await migrateSqlite(`file:${join(dir, 'template.db')}`);
  buildServer();
  return () => rmSync(dir, { recursive: true, force: true });
}
