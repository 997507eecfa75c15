// Probe: the storage reads of time zones, filters and breakdowns on PostgreSQL (storage/reads.ts),
// p50 for the busiest site after loading demo traffic through PostgresStorage.writeBatch into a
// fresh database (then ANALYZE). `tsx test/bench/probes/pg-reads.ts [events]`
import { DIMENSIONS, type StatsRange } from '../../../src/core/stats.js';
import { zoneDayStart } from '../../../src/core/zone.js';
import { demoEvents } from '../../../src/demo/generate.js';
import { PostgresStorage } from '../../../src/storage/postgres/index.js';
import { migratePostgres } from '../../../src/storage/postgres/migrate.js';
import { demoRecords } from '../../helpers/demo-records.js';
import { createPostgresDatabase } from '../../helpers/services.js';

const N = Number(process.argv[2] ?? 200_000);
const DAY = 86_400_000;
const pg = await createPostgresDatabase();
try {
  await migratePostgres(pg.url);
  const storage = await PostgresStorage.open(pg.url);
  const end = Math.floor(Date.now() / DAY) * DAY;
  let id = 1;
  for (const chunk of demoEvents(N, { sites: 10, days: 90, end, visitors: 200_000 }, 1000)) {
    await storage.writeBatch(demoRecords(chunk).map((e) => ({ ...e, id: id++ })));
  }
  await storage.query('ANALYZE');
  const lastDay = end / DAY - 1;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const time = async (fn: () => Promise<unknown>, runs = 7) => {
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    return median(ms).toFixed(2);
  };
  const site = 'demo-1';
  const range = (days: number, tz = 'UTC'): StatsRange => ({
    siteId: site,
    start: zoneDayStart(lastDay - days, tz),
    end: zoneDayStart(lastDay, tz),
    filters: [],
  });
  console.log(`${N} events on PostgreSQL; p50 ms for ${site}`);
  for (const [name, r] of [
    ['one day', range(1)],
    ['30 days', range(30)],
    ['30 days New York', range(30, 'America/New_York')],
    ['30 days Kolkata', range(30, 'Asia/Kolkata')],
    ['all time', { siteId: site, start: null, end: null, filters: [] }],
  ] as [string, StatsRange][]) {
    const edges = Array.from({ length: 31 }, (_, i) => (r.start ?? end - 30 * DAY) + i * DAY);
    const worst = Math.max(
      ...(await Promise.all(DIMENSIONS.map((d) => time(() => storage.breakdown(r, d, 10, 'VIEWS', false))))).map(
        Number,
      ),
    );
    console.log(
      `  ${name.padEnd(18)} totals ${await time(() => storage.totals(r))}  series ${await time(() => storage.seriesCounts(r, edges))}  ` +
        `breakdown (worst dimension) ${worst.toFixed(2)}  filtered totals ${await time(() => storage.totals({ ...r, filters: [{ dimension: 'COUNTRY', value: 'US' }] }), 3)}`,
    );
  }
  if (process.env.EXPLAIN) {
    // the statements of a New York 30-day totals, explained
    const { createReads } = await import('../../../src/storage/reads.js');
    const { READ_DIALECT } = await import('../../../src/storage/postgres/db.js');
    const reads = createReads(READ_DIALECT, async (sql, args) => {
      const t = performance.now();
      const plan = await storage.query<{ 'QUERY PLAN': string }>(`EXPLAIN ANALYZE ${sql}`, ...args);
      console.log(`${(performance.now() - t).toFixed(1)} ms\n${plan.map((r) => r['QUERY PLAN']).join('\n')}\n`);
      return [];
    });
    await reads.breakdown(range(30, 'Asia/Kolkata'), 'SOURCE', 10, 'VIEWS', false);
  }
  await storage.close();
} finally {
  await pg.drop();
}
