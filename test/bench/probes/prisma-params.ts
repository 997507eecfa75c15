// Probe: what a raw query costs through PrismaClient ($queryRawUnsafe, which passes the SQL and
// its parameters through Prisma's query compiler), through Prisma's driver adapter (queryRows in
// src/db.ts) and through plain better-sqlite3: a trivial query, and one carrying a 5000-event
// batch as one JSON parameter (what a flush sends). `tsx test/bench/probes/prisma-params.ts`
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, queryRows } from '../../../src/storage/sqlite/db.js';
import { migrateSqlite as migrateDatabase } from '../../../src/storage/sqlite/migrate.js';

const dir = mkdtempSync(join(tmpdir(), 'pulse-probe-'));
const path = join(dir, 'p.db');
await migrateDatabase(`file:${path}`);
const db = await openDatabase(`file:${path}`);
const plain = new Database(path);
const rows = Array.from({ length: 5000 }, (_, i) => [
  i + 1,
  'demo-1',
  'page_view',
  `/blog/page-${i % 500}`,
  `visitor-${i * 7}`,
  1795838515901 + i,
  null,
]);
const batch = JSON.stringify(rows);

async function median(runs: number, fn: () => unknown): Promise<string> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return `${(ms[Math.floor(runs / 2)] as number).toFixed(3)} ms`;
}

const TRIVIAL = 'SELECT ? AS x';
const BATCH = 'SELECT count(*) AS n FROM json_each(?)';
const trivial = plain.prepare(TRIVIAL);
const counted = plain.prepare(BATCH);
console.log(`one JSON parameter of ${batch.length.toLocaleString('en')} bytes (5000 events); medians:`);
for (let round = 0; round < 2; round++) {
  console.log(`round ${round + 1}`);
  console.log(`  SELECT ?             PrismaClient ${await median(400, () => db.$queryRawUnsafe(TRIVIAL, 1))}`);
  console.log(`                       driver adapter ${await median(400, () => queryRows(db, TRIVIAL, 1))}`);
  console.log(`                       better-sqlite3 ${await median(400, () => trivial.get(1))}`);
  console.log(`  json_each(batch)     PrismaClient ${await median(40, () => db.$queryRawUnsafe(BATCH, batch))}`);
  console.log(`                       driver adapter ${await median(40, () => queryRows(db, BATCH, batch))}`);
  console.log(`                       better-sqlite3 ${await median(40, () => counted.get(batch))}`);
}
await db.$disconnect();
plain.close();
rmSync(dir, { recursive: true, force: true });
