// `npm run bench -- --db postgres`: PostgreSQL against its baselines, measured in the same run
// on the local service (each measurement in a fresh database of its own, dropped after):
//  1. flush rows/s: Pulse's PostgreSQL writer with rollups, and without, ÷ plain `pg` COPY of the
//     same events (events only) — the floor for getting rows into PostgreSQL at all;
//  2. events/s stored end to end by one in-process instance (Ingest → buffer → flusher →
//     storage, as seed:demo drives it) on PostgreSQL ÷ the same on SQLite;
//  3. siteStats p50 (one day, 30 days, all time) on PostgreSQL after loading demo traffic.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { configWith } from '../../src/config.js';
import type { EventRecord } from '../../src/core/event.js';
import { dayOf } from '../../src/core/time.js';
import { demoEvents } from '../../src/demo/generate.js';
import { validateEvents } from '../../src/ingestion/request.js';
import { createLogger } from '../../src/logger.js';
import { siteStats } from '../../src/stats/site-stats.js';
import { PostgresStorage } from '../../src/storage/postgres/index.js';
import { migratePostgres } from '../../src/storage/postgres/migrate.js';
import { createEventWriter } from '../../src/storage/postgres/write.js';
import { migrateSqlite } from '../../src/storage/sqlite/migrate.js';
import { createPostgresDatabase } from '../helpers/services.js';
import { benchEvents } from './flush.js';
import { fmtInt, median } from './report.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    'flush-rows': { type: 'string', default: '100000' },
    'e2e-events': { type: 'string', default: '100000' },
    'stats-events': { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
  },
  strict: false,
});
const FLUSH_ROWS = Number(values['flush-rows']);
const E2E_EVENTS = Number(values['e2e-events']);
const STATS_EVENTS = Number(values['stats-events']);
const ROUNDS = Number(values.rounds);
const BATCH = 5000;

const withIds = (events: EventRecord[]) => events.map((e, i) => ({ ...e, id: i + 1 }));

/** COPY … FROM STDIN with plain pg (a minimal submittable, what pg-copy-streams does). */
function copyIn(client: pg.Client, sql: string, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let error: unknown = null;
    const submittable = {
      submit: (connection: { query: (text: string) => void }) => connection.query(sql),
      handleCopyInResponse: (connection: { sendCopyFromChunk: (b: Buffer) => void; endCopyFrom: () => void }) => {
        connection.sendCopyFromChunk(Buffer.from(data));
        connection.endCopyFrom();
      },
      handleCommandComplete: () => undefined,
      handleError: (e: unknown) => {
        error = e;
      },
      handleReadyForQuery: () => (error ? reject(error) : resolve()),
    };
    void client.query(submittable as unknown as pg.QueryConfig);
  });
}

const tsv = (v: string | number | null | undefined) =>
  v === null || v === undefined
    ? '\\N'
    : String(v).replace(/[\\\t\n\r]/g, (c) => `\\${c === '\t' ? 't' : c === '\n' ? 'n' : c === '\r' ? 'r' : '\\'}`);

async function inFreshDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const db = await createPostgresDatabase();
  try {
    await migratePostgres(db.url);
    return await work(db.url);
  } finally {
    await db.drop();
  }
}

async function flushRun(method: 'rollups' | 'events' | 'copy', events: EventRecord[]): Promise<number> {
  return inFreshDatabase(async (url) => {
    const work: EventRecord[][] = [];
    for (let i = 0; i < events.length; i += BATCH) work.push(events.slice(i, i + BATCH));
    if (method === 'copy') {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const t0 = performance.now();
        for (const batch of work) {
          const data = batch
            .map((e) =>
              [e.id, e.siteId, e.eventType, e.path, e.userId, e.timestamp, e.clientEventId].map(tsv).join('\t'),
            )
            .join('\n');
          await client.query('BEGIN');
          await copyIn(
            client,
            'COPY events (id, site_id, event_type, path, user_id, timestamp, client_event_id) FROM STDIN',
            `${data}\n`,
          );
          await client.query('COMMIT');
        }
        return events.length / ((performance.now() - t0) / 1000);
      } finally {
        await client.end();
      }
    }
    const storage = await PostgresStorage.open(url);
    try {
      const write = createEventWriter(storage.db, { rollups: method === 'rollups' });
      const t0 = performance.now();
      for (const batch of work) await write(batch);
      return events.length / ((performance.now() - t0) / 1000);
    } finally {
      await storage.close();
    }
  });
}

function demo(n: number, days: number): EventRecord[] {
  const out: EventRecord[] = [];
  for (const chunk of demoEvents(n, { sites: 5, days, seed: 42 }, 1000)) {
    const v = validateEvents(chunk);
    if (!v.ok) throw new Error('invalid demo event');
    out.push(...v.value);
  }
  return out;
}

/** Events/s from the first submit until the buffer is drained into the database (seed:demo's loop). */
async function endToEnd(url: string, events: EventRecord[]): Promise<number> {
  const app = await buildApp(configWith({ DATABASE_URL: url }), createLogger('warn'));
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += 1000) {
    const chunk = events.slice(i, i + 1000).map((e) => ({ ...e }));
    while (app.buffer.free < chunk.length) await app.flusher.flush();
    app.services.ingest.submit(chunk);
  }
  await app.stop();
  return events.length / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  console.log(`PostgreSQL benchmark: flush ${FLUSH_ROWS} rows × ${ROUNDS} rounds, end to end ${E2E_EVENTS} events`);
  const flushEvents = withIds(benchEvents(FLUSH_ROWS));
  const flush: Record<string, number[]> = { rollups: [], events: [], copy: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const method of ['copy', 'rollups', 'events'] as const)
      flush[method]?.push(await flushRun(method, flushEvents));
  }
  const [withRollups, eventsOnly, copy] = [
    median(flush.rollups ?? []),
    median(flush.events ?? []),
    median(flush.copy ?? []),
  ];
  console.log('\nflush rows/s (median):');
  console.log(`  plain pg COPY, events only        ${fmtInt(copy)}`);
  console.log(`  Pulse writer, events only         ${fmtInt(eventsOnly)}  (${(eventsOnly / copy).toFixed(2)} of COPY)`);
  console.log(
    `  Pulse writer, with rollups        ${fmtInt(withRollups)}  (${(withRollups / copy).toFixed(2)} of COPY; goal >= 0.35)`,
  );

  const e2eEvents = demo(E2E_EVENTS, 30);
  const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-pg-'));
  const e2e: Record<'sqlite' | 'postgres', number[]> = { sqlite: [], postgres: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const file = `file:${join(dir, `e2e-${round}.db`)}`;
      await migrateSqlite(file);
      e2e.sqlite.push(await endToEnd(file, e2eEvents));
      e2e.postgres.push(await inFreshDatabase((url) => endToEnd(url, e2eEvents)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const [sqliteE2e, pgE2e] = [median(e2e.sqlite), median(e2e.postgres)];
  console.log('\nevents/s stored end to end, one instance (median):');
  console.log(`  SQLite       ${fmtInt(sqliteE2e)}`);
  console.log(`  PostgreSQL   ${fmtInt(pgE2e)}  (${(pgE2e / sqliteE2e).toFixed(2)} of SQLite; goal >= 0.6)`);

  if (STATS_EVENTS > 0) {
    await inFreshDatabase(async (url) => {
      const storage = await PostgresStorage.open(url);
      try {
        const write = createEventWriter(storage.db);
        const t0 = performance.now();
        let id = 1;
        let batch: EventRecord[] = [];
        for (const chunk of demoEvents(STATS_EVENTS, { sites: 5, days: 90, seed: 7 }, 1000)) {
          const v = validateEvents(chunk);
          if (!v.ok) throw new Error('invalid demo event');
          for (const e of v.value) batch.push({ ...e, id: id++ });
          if (batch.length >= BATCH) {
            await write(batch);
            batch = [];
          }
        }
        await write(batch);
        // as autovacuum would after a bulk load: the planner's statistics of the new rows
        await storage.query('ANALYZE');
        console.log(
          `\nsiteStats on PostgreSQL, ${fmtInt(STATS_EVENTS)} events over 90 days loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s; p50 of 50 runs (ms):`,
        );
        const today = dayOf(Date.now());
        const scopes = {
          'one day': { siteId: 'site-1.example', fromDay: today - 1, toDay: today - 1 },
          '30 days': { siteId: 'site-1.example', fromDay: today - 30, toDay: today - 1 },
          'all time': { siteId: 'site-1.example', fromDay: null, toDay: null },
        };
        const [site] = await storage.query<{ site_id: string }>(
          'SELECT site_id FROM rollup_days GROUP BY 1 ORDER BY sum(events) DESC LIMIT 1',
        );
        for (const [name, scope] of Object.entries(scopes)) {
          const s = { ...scope, siteId: site?.site_id ?? scope.siteId };
          const times: number[] = [];
          for (let i = 0; i < 55; i++) {
            const t = performance.now();
            await siteStats(storage, s);
            if (i >= 5) times.push(performance.now() - t);
          }
          console.log(`  ${name.padEnd(9)} ${median(times).toFixed(2)}  (goal <= 20)`);
        }
      } finally {
        await storage.close();
      }
    });
  }
}

await main();
