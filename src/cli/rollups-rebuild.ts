// npm run rollups:rebuild — recomputes every rollup from the raw events, in one transaction.
// Days before the oldest raw event (pruned by retention) keep their rollups. Safe while the server
// runs: the transaction waits for, and excludes, concurrent flushes.
import '../env.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db.js';
import { migrateDatabase } from '../migrate.js';
import { dayOf, dayString } from '../stats/scope.js';
import { rebuildSql } from '../storage/rollups.js';

const config = loadConfig();
await migrateDatabase(config.DATABASE_URL);
const db = await openDatabase(config.DATABASE_URL);
const started = performance.now();
const [oldest] = await db.$queryRawUnsafe<{ ts: bigint | number | null }[]>('SELECT min(timestamp) AS ts FROM events');
if (oldest?.ts === null || oldest?.ts === undefined) {
  console.log('No raw events: rollups left as they are.');
} else {
  const fromDay = dayOf(Number(oldest.ts));
  await db.$transaction(rebuildSql(fromDay).map((sql) => db.$executeRawUnsafe(sql)));
  const counts = await db.$queryRawUnsafe<Record<string, bigint>[]>(
    `SELECT (SELECT count(*) FROM rollup_hourly) AS hourly, (SELECT count(*) FROM rollup_daily) AS daily,
            (SELECT count(*) FROM rollup_hourly_users) AS hourly_users, (SELECT count(*) FROM rollup_daily_users) AS daily_users,
            (SELECT count(*) FROM rollup_daily_uniques) AS daily_uniques, (SELECT count(*) FROM rollup_days) AS days,
            (SELECT count(*) FROM rollup_paths) AS paths`,
  );
  const from = dayString(fromDay);
  console.log(`Rebuilt rollups from ${from} in ${Math.round(performance.now() - started)} ms:`);
  for (const [table, n] of Object.entries(counts[0] ?? {})) console.log(`  ${table.padEnd(13)} ${Number(n)} rows`);
}
await db.$disconnect();
