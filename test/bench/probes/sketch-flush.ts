// Probe: what the unique-user sketches (storage/sketches.ts) add to a flush, with plain
// better-sqlite3 as test/bench/probes/flush-statements.ts runs the flush's SQL: the same
// live-shaped batches, each one transaction of the flush's statements and then the sketches
// (grouping in JS, the read of the stored sketches, merging, the upsert), each part timed.
// `tsx test/bench/probes/sketch-flush.ts [events] [batch]`; CACHE=1: through the SQLite writer's
// SketchCache (one connection here, so it stays valid), as createEventWriter runs the step.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventRecord } from '../../../src/core/event.js';
import { demoEvents } from '../../../src/demo/generate.js';
import { eventsJson } from '../../../src/storage/batch.js';
import { SketchCache, type SketchStore, type StoredSketch, writeSketches } from '../../../src/storage/sketches.js';
import { migrateSqlite as migrateDatabase } from '../../../src/storage/sqlite/migrate.js';
import { FLUSH_TABLES_SQL } from '../../../src/storage/sqlite/rollups.js';
import { readSql, writeSql } from '../../../src/storage/sqlite/sketches.js';
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
const steps = flushStatements().map(({ sql, takesBatch }) => [db.prepare(sql), takesBatch] as const);
const reads = { day: db.prepare(readSql('day')) };
const writes = { day: db.prepare(writeSql('day')) };
const spent = { flush: 0, read: 0, write: 0, sketches: 0 };
const store: SketchStore = {
  async read(unit, keys) {
    const t = performance.now();
    const rows = reads[unit].all(JSON.stringify(keys)) as StoredSketch[];
    spent.read += performance.now() - t;
    return rows;
  },
  async write(unit, rows) {
    const t = performance.now();
    writes[unit].run(JSON.stringify(rows));
    spent.write += performance.now() - t;
  },
};
const cache = process.env.CACHE ? new SketchCache() : undefined;
const started = performance.now();
for (let i = 0; i < N; i += BATCH) {
  const batch = events.slice(i, i + BATCH);
  let t = performance.now();
  db.exec('BEGIN');
  const json = eventsJson(batch);
  for (const [statement, takesBatch] of steps) takesBatch ? statement.run(json) : statement.run();
  spent.flush += performance.now() - t;
  t = performance.now();
  await writeSketches(store, batch, cache);
  spent.sketches += performance.now() - t;
  db.exec('COMMIT');
}
const ms = performance.now() - started;
const [rows] = db
  .prepare(
    'SELECT (SELECT count(*) FROM rollup_users_daily) AS daily, (SELECT sum(length(users)) FROM rollup_users_daily) AS chars',
  )
  .all() as { daily: number; chars: number }[];
const r = (x: number) => String(Math.round(x)).padStart(6);
console.log(`${r(spent.flush)} ms  the flush's statements (events and rollups)`);
console.log(`${r(spent.sketches)} ms  sketches, of which:`);
console.log(`${r(spent.read)} ms    read the stored sketches of the batch's keys`);
console.log(`${r(spent.write)} ms    upsert`);
console.log(`${r(spent.sketches - spent.read - spent.write)} ms    group, hash, merge, encode (JS)`);
console.log(
  `${Math.round(ms)} ms for ${N} events in batches of ${BATCH}: ${Math.round((N / ms) * 1000)} rows/s; ` +
    `without sketches ${Math.round((N / spent.flush) * 1000)} rows/s (cost ${(ms / spent.flush).toFixed(2)}x)`,
);
console.log(`sketch rows: ${rows?.daily} daily, ${rows?.chars} base64 characters`);
db.close();
rmSync(dir, { recursive: true, force: true });
