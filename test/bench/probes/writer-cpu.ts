// Probe: the SQLite writer thread's CPU per event, back to back for one or more source trees
// (this checkout's src/ by default; pass another checkout's root, e.g. main's, to compare in the
// same run). Each tree migrates a fresh file with its own migrations, opens it with its own
// openDatabase and writes live-shaped demo traffic (10 sites, one day) in flush-sized batches as
// its writer thread does: the batch's JSON parsed, then createEventWriter(db)(events, json).
// Prints CPU µs per event (process CPU: better-sqlite3 runs on this thread), wall rows/s, and a
// checksum of every rollup table so the trees can be seen to store the same counts. ROLLUPS=0:
// the events only (createEventWriter(db, { rollups: false })).
// `tsx test/bench/probes/writer-cpu.ts [events] [batch] [rounds] [root…]`
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { EventRecord } from '../../../src/core/event.js';
import { demoEvents } from '../../../src/demo/generate.js';
import { eventsJson } from '../../../src/storage/batch.js';
import { demoRecords } from '../../helpers/demo-records.js';

const N = Number(process.argv[2] ?? 200_000);
const BATCH = Number(process.argv[3] ?? 5000);
const ROUNDS = Number(process.argv[4] ?? 1);
const here = resolve(import.meta.dirname, '../../..');
const roots = process.argv.length > 5 ? process.argv.slice(5).map((r) => resolve(r)) : [here];
const DAY = 86_400_000;
const end = Math.floor(Date.now() / DAY) * DAY;
const events: EventRecord[] = [];
for (const chunk of demoEvents(N, { sites: 10, days: 1, end, visitors: 200_000, seed: 7 }, 1000)) {
  events.push(...demoRecords(chunk));
}
events.forEach((e, i) => {
  e.id = i + 1;
});
const jsons: string[] = [];
for (let i = 0; i < N; i += BATCH) jsons.push(eventsJson(events.slice(i, i + BATCH)));

const CHECKED = [
  'rollup_hourly',
  'rollup_daily',
  'rollup_days',
  'rollup_paths',
  'rollup_hours',
  'rollup_dims_hourly',
  'rollup_dims_daily',
  'rollup_dims_total',
  'rollup_hourly_users',
  'rollup_daily_users',
  'rollup_daily_uniques',
];

for (let round = 1; round <= ROUNDS; round++) {
  for (const root of roots) {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-writer-cpu-'));
    const path = join(dir, 'w.db');
    const at = (p: string) => pathToFileURL(join(root, p)).href;
    const { migrateSqlite } = await import(at('src/storage/sqlite/migrate.ts'));
    const { openDatabase } = await import(at('src/storage/sqlite/db.ts'));
    const { createEventWriter } = await import(at('src/storage/sqlite/write.ts'));
    const { eventsFromJson } = await import(at('src/storage/batch.ts'));
    await migrateSqlite(`file:${path}`);
    const db = await openDatabase(`file:${path}`);
    const write = createEventWriter(db, { rollups: process.env.ROLLUPS !== '0' });
    // STATEMENTS=1: CPU per statement of the flush transaction (the driver adapter's calls timed)
    const spent = new Map<string, number>();
    const bytes = new Map<string, number>();
    if (process.env.STATEMENTS) {
      const { driverOf } = await import(at('src/storage/sqlite/db.ts'));
      const driver = await driverOf(db);
      const start = driver.startTransaction.bind(driver);
      driver.startTransaction = async () => {
        const tx = await start();
        for (const method of ['executeRaw', 'queryRaw'] as const) {
          const run = tx[method].bind(tx);
          tx[method] = async (q: { sql: string; args: unknown[] }) => {
            const c = process.cpuUsage();
            const name0 = q.sql.replace(/\s+/g, ' ').trim().slice(0, 70);
            for (const arg of q.args)
              if (typeof arg === 'string') bytes.set(name0, (bytes.get(name0) ?? 0) + arg.length);
            try {
              return await run(q);
            } finally {
              const d = process.cpuUsage(c);
              const name = q.sql.replace(/\s+/g, ' ').trim().slice(0, 70);
              spent.set(name, (spent.get(name) ?? 0) + d.user + d.system);
            }
          };
        }
        return tx;
      };
    }
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const json of jsons) await write(eventsFromJson(json), json);
    const cpu = process.cpuUsage(c0);
    const ms = performance.now() - t0;
    await db.$disconnect();
    const check = new Database(path, { readonly: true });
    const sums = CHECKED.map((t) => {
      const cols = (check.prepare(`SELECT name FROM pragma_table_info('${t}')`).all() as { name: string }[])
        .map((c) => `coalesce(sum(length(${c.name})), 0) + coalesce(total(${c.name}), 0)`)
        .join(' + ');
      const row = check.prepare(`SELECT count(*) AS n, ${cols} AS s FROM ${t}`).get() as { n: number; s: number };
      return `${row.n}/${row.s}`;
    });
    const stored = (check.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    check.close();
    rmSync(dir, { recursive: true, force: true });
    const us = (cpu.user + cpu.system) / N;
    console.log(
      `[${round}] ${root === here ? 'this tree' : root}: ${us.toFixed(1)} µs CPU/event, ${Math.round((N / ms) * 1000)} rows/s wall, ${stored} stored`,
    );
    console.log(`    rollups (rows/checksum): ${sums.join(' ')}`);
    for (const [name, us] of spent)
      console.log(
        `${(us / N).toFixed(2).padStart(8)} µs/event ${String(Math.round((bytes.get(name) ?? 0) / N)).padStart(5)} B/event  ${name}`,
      );
  }
}
