// Probe: what each statement of a flush costs, with plain better-sqlite3 (no Prisma): live-shaped
// demo traffic (one day, 10 sites) in batches, each batch one transaction running exactly the
// flush's SQL (the events insert, then ROLLUP_NEW_EVENTS_SQL).
// `tsx test/bench/probes/flush-statements.ts [events] [batch]`
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventRecord } from '../../../src/core/event.js';
import { demoEvents } from '../../../src/demo/generate.js';
import { eventsJson } from '../../../src/storage/batch.js';
import { migrateSqlite as migrateDatabase } from '../../../src/storage/sqlite/migrate.js';
import { FLUSH_TABLES_SQL } from '../../../src/storage/sqlite/rollups.js';
import { flushStatements } from '../../../src/storage/sqlite/write.js';
import { demoRecords } from '../../helpers/demo-records.js';

const N = Number(process.argv[2] ?? 300_000);
const BATCH = Number(process.argv[3] ?? 5000);
const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'pulse-probe-'));
const path = join(dir, 'p.db');
await migrateDatabase(`file:${path}`);
const end = Math.floor(Date.now() / DAY) * DAY;
const events: EventRecord[] = [];
for (const chunk of demoEvents(N, { sites: 10, days: 1, end, visitors: 200_000, seed: 7 }, 1000)) {
  events.push(...demoRecords(chunk));
}
events.forEach((e, i) => {
  e.id = i + 1;
});
const db = new Database(path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
for (const sql of FLUSH_TABLES_SQL) db.exec(sql);
const steps: [string, Database.Statement, boolean][] = flushStatements().map(({ sql, takesBatch }) => [
  sql.replace(/\s+/g, ' ').trim().slice(0, 60),
  db.prepare(sql),
  takesBatch,
]);
const totals = new Map<string, number>();
const started = performance.now();
for (let i = 0; i < N; i += BATCH) {
  let t = performance.now();
  const lap = (step: string) => {
    const now = performance.now();
    totals.set(step, (totals.get(step) ?? 0) + now - t);
    t = now;
  };
  const json = eventsJson(events.slice(i, i + BATCH));
  lap('serialise the batch (JSON)');
  db.exec('BEGIN');
  for (const [name, statement, takesBatch] of steps) {
    if (takesBatch) statement.run(json);
    else statement.run();
    lap(name);
  }
  db.exec('COMMIT');
  lap('COMMIT');
}
const ms = performance.now() - started;
for (const [step, t] of totals) console.log(`${String(Math.round(t)).padStart(6)} ms  ${step}`);
console.log(`${Math.round(ms)} ms for ${N} events in batches of ${BATCH}: ${Math.round((N / ms) * 1000)} rows/s`);
db.close();
rmSync(dir, { recursive: true, force: true });
