// Probe: what the unique-user sketches add to a PostgreSQL flush: the demo traffic of
// test/bench/probes/sketch-flush.ts through Pulse's PostgreSQL writer pieces, each batch one
// transaction (the events insert and ROLLUP_NEW_EVENTS_SQL, then writePgSketches, each timed),
// in a database of its own (dropped after).
// `tsx test/bench/probes/pg-sketch-flush.ts [events] [batch]`

import type { EventRecord } from '../../../src/core/event.js';
import { demoEvents } from '../../../src/demo/generate.js';
import { sqlQuery } from '../../../src/storage/driver.js';
import { inTransaction, openPostgres } from '../../../src/storage/postgres/db.js';
import { migratePostgres } from '../../../src/storage/postgres/migrate.js';
import { FLUSH_TABLES_SQL, ROLLUP_NEW_EVENTS_SQL } from '../../../src/storage/postgres/rollups.js';
import { writePgSketches } from '../../../src/storage/postgres/sketches.js';
import { insertEventsQuery } from '../../../src/storage/postgres/write.js';
import { demoRecords } from '../../helpers/demo-records.js';
import { createPostgresDatabase } from '../../helpers/services.js';

const N = Number(process.argv[2] ?? 100_000);
const BATCH = Number(process.argv[3] ?? 5000);
const DAY = 86_400_000;
const created = await createPostgresDatabase();
try {
  await migratePostgres(created.url);
  const db = await openPostgres(created.url);
  const end = Math.floor(Date.now() / DAY) * DAY;
  const events: EventRecord[] = [];
  for (const chunk of demoEvents(N, { sites: 10, days: 1, end, visitors: 200_000, seed: 7 }, 1000)) {
    events.push(...demoRecords(chunk));
  }
  events.forEach((e, i) => {
    e.id = i + 1;
  });
  let flush = 0;
  let sketches = 0;
  for (let i = 0; i < N; i += BATCH) {
    const batch = events.slice(i, i + BATCH);
    await inTransaction(db, async (tx) => {
      let t = performance.now();
      await tx.executeRaw(sqlQuery(FLUSH_TABLES_SQL));
      await tx.executeRaw(insertEventsQuery(batch));
      for (const sql of ROLLUP_NEW_EVENTS_SQL) await tx.executeRaw(sqlQuery(sql));
      flush += performance.now() - t;
      t = performance.now();
      await writePgSketches(tx, batch);
      sketches += performance.now() - t;
    });
  }
  const rate = (ms: number) => Math.round((N / ms) * 1000);
  console.log(`${Math.round(flush)} ms  the flush's statements (events and rollups): ${rate(flush)} rows/s`);
  console.log(`${Math.round(sketches)} ms  the sketches`);
  console.log(`with sketches ${rate(flush + sketches)} rows/s (cost ${((flush + sketches) / flush).toFixed(2)}x)`);
  await db.client.$disconnect();
} finally {
  await created.drop();
}
