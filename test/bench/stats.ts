// npm run bench:stats — in one run: loads N events (default 10 million) of synthetic traffic with
// sources, campaigns, browsers, devices and countries through the ingestion path, then times
// siteStats from the rollups and the same answer from the raw events table (one day, a 30-day
// range, all time), breakdowns of every dimension (from the rollups, and with unique users from
// the raw events), reads filtered by one dimension and reads of time-zone days, and the flush
// cost with rollups against the flush without them. Flags: --events N --sites S --days D --runs R
// --raw-runs R --json FILE, and --keep to keep the databases (the directory is printed).
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../../src/app.js';
import { configWith } from '../../src/config.js';
import type { EventRecord } from '../../src/core/event.js';
import { DIMENSIONS, type StatsFilter, type StatsRange } from '../../src/core/stats.js';
import { zoneDayStart } from '../../src/core/zone.js';
import { demoEvents } from '../../src/demo/generate.js';
import { createLogger } from '../../src/logger.js';
import type { StatsScope } from '../../src/stats/scope.js';
import { siteStats } from '../../src/stats/site-stats.js';
import { type Db, openDatabase } from '../../src/storage/sqlite/db.js';
import { SqliteStorage } from '../../src/storage/sqlite/index.js';
import { migrateSqlite as migrateDatabase } from '../../src/storage/sqlite/migrate.js';
import { createEventWriter } from '../../src/storage/sqlite/write.js';
import { demoRecords } from '../helpers/demo-records.js';
import { siteStatsRaw } from '../helpers/site-stats-raw.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    sites: { type: 'string', default: '10' },
    days: { type: 'string', default: '90' },
    runs: { type: 'string', default: '25' },
    'raw-runs': { type: 'string', default: '3' },
    'flush-events': { type: 'string', default: '300000' },
    'flush-rounds': { type: 'string', default: '3' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(values.events);
const SITES = Number(values.sites);
const DAYS = Number(values.days);
const DAY = 86_400_000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0));

const log = (s: string) => process.stdout.write(`${s}\n`);

const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-stats-'));
const template = join(dir, 'template.db');
await migrateDatabase(`file:${template}`);
const fresh = (name: string) => {
  const path = join(dir, `${name}.db`);
  copyFileSync(template, path);
  return `file:${path}`;
};

log(`Pulse stats benchmark — ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}`);
log(
  `Loading ${N.toLocaleString('en')} events (${SITES} sites, ${DAYS} days) through validation, Ingest and the flusher…`,
);

// 1. Load through the ingestion path.
const end = Math.floor(Date.now() / DAY) * DAY; // midnight today: the data covers whole days
const url = fresh('stats');
const app = await buildApp(
  configWith({ DATABASE_URL: url, PULSE_BUFFER_CAPACITY: 200_000, PULSE_FLUSH_BATCH_SIZE: 5000 }),
  createLogger('warn'),
);
const loadStart = performance.now();
let loaded = 0;
for (const chunk of demoEvents(N, { sites: SITES, days: DAYS, end, visitors: 200_000 }, 1000)) {
  const valid = demoRecords(chunk);
  while (app.buffer.free < valid.length) await app.flusher.flush();
  app.services.ingest.submit(valid);
  loaded += valid.length;
  if (loaded % 500_000 === 0) {
    const s = (performance.now() - loadStart) / 1000;
    process.stdout.write(
      `\r  ${loaded.toLocaleString('en')} events, ${Math.round(loaded / s).toLocaleString('en')}/s stored-rate so far`,
    );
  }
}
await app.stop();
const loadSecs = (performance.now() - loadStart) / 1000;
log(
  `\n  loaded and flushed in ${loadSecs.toFixed(0)} s (${Math.round(N / loadSecs).toLocaleString('en')} events/s end to end, with rollups)`,
);

// 2. Query timings on the busiest site.
const storage = await SqliteStorage.open(url);
const db = storage.db;
const site = 'demo-1';
const lastDay = end / DAY - 1;
const scopes: [string, StatsScope][] = [
  ['one day', { siteId: site, fromDay: lastDay, toDay: lastDay }],
  ['30-day range', { siteId: site, fromDay: lastDay - 29, toDay: lastDay }],
  ['all time', { siteId: site, fromDay: null, toDay: null }],
];
const [siteRows] = await db.$queryRawUnsafe<{ n: bigint }[]>(
  'SELECT count(*) AS n FROM events WHERE site_id = ?',
  site,
);
log(`\nsiteStats for ${site} (${Number(siteRows?.n).toLocaleString('en')} of its events), p50 over runs:`);
async function time(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}
const queries: { scope: string; rollupP50: number; rawP50: number; speedup: number; equal: boolean }[] = [];
log(
  `  ${'scope'.padEnd(14)} ${'rollups p50'.padStart(12)} ${'raw p50'.padStart(10)} ${'speedup'.padStart(8)}  same answer`,
);
for (const [name, scope] of scopes) {
  const equal = JSON.stringify(await siteStats(storage, scope)) === JSON.stringify(await siteStatsRaw(storage, scope));
  const rollupP50 = await time(() => siteStats(storage, scope), Number(values.runs));
  const rawP50 = await time(() => siteStatsRaw(storage, scope), Number(values['raw-runs']));
  queries.push({ scope: name, rollupP50, rawP50, speedup: rawP50 / rollupP50, equal });
  log(
    `  ${name.padEnd(14)} ${`${fmt(rollupP50)} ms`.padStart(12)} ${`${fmt(rawP50)} ms`.padStart(10)} ${`${Math.round(rawP50 / rollupP50)}x`.padStart(8)}  ${equal ? 'yes' : 'NO'}`,
  );
}

// Breakdowns of each dimension: views and events from the rollups; with unique users (HyperLogLog
// sketches merged over the range, docs/api.md "Which answers are exact").
const ranges: [string, StatsRange][] = [
  ['one day', { siteId: site, start: lastDay * DAY, end: (lastDay + 1) * DAY, filters: [] }],
  ['30 days', { siteId: site, start: (lastDay - 29) * DAY, end: (lastDay + 1) * DAY, filters: [] }],
  ['all time', { siteId: site, start: null, end: null, filters: [] }],
];
const breakdowns: { dimension: string; range: string; rollupP50: number; usersP50: number; equal: boolean }[] = [];
log(`\nbreakdown(by, limit 10) for ${site}, p50 (views/events from rollups | with uniqueUsers, from the sketches):`);
log(`  ${'dimension'.padEnd(13)} ${ranges.map(([name]) => name.padStart(21)).join(' ')}`);
for (const by of DIMENSIONS) {
  const cells: string[] = [];
  for (const [name, range] of ranges) {
    const plain = await storage.breakdown(range, by, 10, 'VIEWS', false);
    const counted = await storage.breakdown(range, by, 10, 'VIEWS', true);
    const equal = JSON.stringify(plain) === JSON.stringify(counted.map((r) => ({ ...r, uniqueUsers: 0 })));
    const rollupP50 = await time(() => storage.breakdown(range, by, 10, 'VIEWS', false), Number(values.runs));
    const usersP50 = await time(() => storage.breakdown(range, by, 10, 'VIEWS', true), Number(values['raw-runs']));
    breakdowns.push({ dimension: by, range: name, rollupP50, usersP50, equal });
    cells.push(`${fmt(rollupP50)} | ${fmt(usersP50)} ms${equal ? '' : ' DIFFER'}`.padStart(21));
  }
  log(`  ${by.padEnd(13)} ${cells.join(' ')}`);
}

// siteStats's reads with one filter over 30 days (totals and top paths, the daily series, event
// types: all counted from the raw events), and unfiltered over 30 days of other time zones.
const thirty = ranges[1]?.[1] as StatsRange;
const filters: [string, StatsFilter][] = [
  ['COUNTRY = US', { dimension: 'COUNTRY', value: 'US' }],
  ['SOURCE = google.com', { dimension: 'SOURCE', value: 'google.com' }],
  ['DEVICE = tablet', { dimension: 'DEVICE', value: 'tablet' }],
  ['PATH = /', { dimension: 'PATH', value: '/' }],
];
const dayEdges = (from: number, to: number, tz = 'UTC') =>
  Array.from({ length: to - from + 2 }, (_, i) => zoneDayStart(from + i, tz));
const statsReads = (range: StatsRange, edges: number[]) =>
  Promise.all([storage.totals(range), storage.seriesCounts(range, edges), storage.eventTypes(range)]);
const filtered: { filter: string; p50: number }[] = [];
log(`\nsiteStats reads (totals, top paths, daily series, event types) for ${site}, 30 days, p50:`);
for (const [name, filter] of filters) {
  const p50 = await time(
    () => statsReads({ ...thirty, filters: [filter] }, dayEdges(lastDay - 29, lastDay)),
    Number(values['raw-runs']) + 2,
  );
  filtered.push({ filter: name, p50 });
  log(`  filter ${name.padEnd(22)} ${fmt(p50)} ms`);
}
const zoned: { zone: string; p50: number }[] = [];
for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu']) {
  // the zone's last 30 whole days before the data's end
  const to = lastDay - 1;
  const range = { siteId: site, start: zoneDayStart(to - 29, zone), end: zoneDayStart(to + 1, zone), filters: [] };
  const p50 = await time(() => statsReads(range, dayEdges(to - 29, to, zone)), Number(values.runs));
  zoned.push({ zone, p50 });
  log(`  unfiltered, ${zone.padEnd(24)} ${fmt(p50)} ms`);
}
await storage.close();

// 3. Flush cost with and without rollups: the same live-shaped batches (one day of traffic,
// batches of 5000) into fresh databases, alternating, median rows/s.
const flushN = Number(values['flush-events']);
const batch: EventRecord[] = [];
for (const chunk of demoEvents(flushN, { sites: SITES, days: 1, end, visitors: 200_000, seed: 7 }, 1000)) {
  batch.push(...demoRecords(chunk));
}
const rates: Record<'with' | 'without', number[]> = { with: [], without: [] };
for (let round = 0; round < Number(values['flush-rounds']); round++) {
  for (const mode of ['without', 'with'] as const) {
    const fdb: Db = await openDatabase(fresh(`flush-${mode}-${round}`));
    const write = createEventWriter(fdb, { rollups: mode === 'with' });
    const t = performance.now();
    for (let i = 0; i < batch.length; i += 5000) await write(batch.slice(i, i + 5000));
    rates[mode].push(batch.length / ((performance.now() - t) / 1000));
    await fdb.$disconnect();
  }
}
const withRate = median(rates.with);
const withoutRate = median(rates.without);
const flushCost = withoutRate / withRate;
log(`\nFlush of ${flushN.toLocaleString('en')} events in batches of 5000 (median of ${rates.with.length} rounds):`);
log(`  without rollups ${Math.round(withoutRate).toLocaleString('en')} rows/s`);
log(`  with rollups    ${Math.round(withRate).toLocaleString('en')} rows/s   cost ${flushCost.toFixed(2)}x`);

const worstBreakdown = Math.max(...breakdowns.map((b) => b.rollupP50));
const worstFiltered = Math.max(...filtered.map((f) => f.p50));
log(
  `\nbreakdown p50 ≤ ${fmt(worstBreakdown)} ms from rollups (goal ≤ 20), ${breakdowns.every((b) => b.equal) ? 'the same rows as the raw events' : 'rows DIFFER from the raw events'}; one filter, 30 days ≤ ${fmt(worstFiltered)} ms (goal ≤ 50)`,
);
const worst = Math.max(...queries.map((q) => q.rollupP50));
const slowest = Math.min(...queries.map((q) => q.speedup));
log(
  `\nSummary: rollup p50 ≤ ${fmt(worst)} ms (goal ≤ 20), raw/rollup ≥ ${Math.round(slowest)}x (goal ≥ 100), flush cost ${flushCost.toFixed(2)}x (goal ≤ 1.3), answers ${queries.every((q) => q.equal) ? 'identical' : 'DIFFER'}`,
);
if (values.json) {
  writeFileSync(
    values.json,
    JSON.stringify(
      {
        events: N,
        sites: SITES,
        days: DAYS,
        loadSecs,
        queries,
        breakdowns,
        filtered,
        zoned,
        flush: { withRate, withoutRate, flushCost },
      },
      null,
      2,
    ),
  );
}
if (values.keep) log(`Databases kept in ${dir}`);
else rmSync(dir, { recursive: true, force: true });
