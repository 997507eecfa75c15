// Probe: what each statement of a PostgreSQL flush costs, with plain pg on the local service:
// 100,000 bench events in batches of 5000, each batch one transaction running exactly the flush's
// SQL (storage/postgres/rollups.ts), in a database of its own (dropped after).
// `tsx test/bench/probes/pg-flush-statements.ts [events]`
import pg from 'pg';
import { migratePostgres } from '../../../src/storage/postgres/migrate.js';
import { FLUSH_TABLES_SQL, ROLLUP_NEW_EVENTS_SQL } from '../../../src/storage/postgres/rollups.js';
import { insertEventsQuery } from '../../../src/storage/postgres/write.js';
import { createPostgresDatabase } from '../../helpers/services.js';
import { benchEvents } from '../flush.js';

const N = Number(process.argv[2] ?? 100_000);
const BATCH = 5000;
const db = await createPostgresDatabase();
try {
  await migratePostgres(db.url);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const events = benchEvents(N).map((e, i) => ({ ...e, id: i + 1 }));
  const totals = new Map<string, number>();
  const started = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const insert = insertEventsQuery(events.slice(i, i + BATCH));
    let t = performance.now();
    const lap = (step: string) => {
      const now = performance.now();
      totals.set(step, (totals.get(step) ?? 0) + now - t);
      t = now;
    };
    await client.query('BEGIN');
    await client.query(FLUSH_TABLES_SQL);
    lap('BEGIN, scratch tables');
    await client.query(insert.sql, insert.args);
    lap('INSERT events … RETURNING into flush_events');
    for (const sql of ROLLUP_NEW_EVENTS_SQL) {
      await client.query(sql);
      lap(sql.replace(/\s+/g, ' ').trim().slice(0, 60));
    }
    await client.query('COMMIT');
    lap('COMMIT');
  }
  const ms = performance.now() - started;
  for (const [step, t] of totals) console.log(`${String(Math.round(t)).padStart(6)} ms  ${step}`);
  console.log(`${Math.round(ms)} ms for ${N} events in batches of ${BATCH}: ${Math.round((N / ms) * 1000)} rows/s`);
  await client.end();
} finally {
  await db.drop();
}
