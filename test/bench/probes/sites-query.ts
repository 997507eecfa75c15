// Probe: ways to answer `sites` on an existing database (e.g. one filled by `npm run seed:demo`),
// with plain better-sqlite3: medians of repeated runs and each statement's query plan.
// `tsx test/bench/probes/sites-query.ts path/to/pulse.db [runs]`
import Database from 'better-sqlite3';
import { HOUR_MS } from '../../../src/core/time.js';

const path = process.argv[2];
if (!path) throw new Error('usage: tsx test/bench/probes/sites-query.ts path/to/pulse.db [runs]');
const RUNS = Number(process.argv[3] ?? 50);
const db = new Database(path, { readonly: true, fileMustExist: true });

const TOTALS = 'SELECT site_id, sum(events) AS events FROM rollup_days GROUP BY site_id';
const variants: Record<string, string> = {
  'totals only (rollup_days)': `${TOTALS} ORDER BY site_id`,
  'newest event: max(timestamp) per site on the (site_id, timestamp) index': `SELECT s.site_id, s.events,
      (SELECT max(e.timestamp) FROM events e WHERE e.site_id = s.site_id) AS last_ts
    FROM (${TOTALS}) s ORDER BY s.site_id`,
  'newest hour: max(hour) per site in rollup_hourly': `SELECT s.site_id, s.events,
      (SELECT max(h.hour) * ${HOUR_MS} FROM rollup_hourly h WHERE h.site_id = s.site_id) AS last_ts
    FROM (${TOTALS}) s ORDER BY s.site_id`,
  'scan: GROUP BY over raw events': `SELECT site_id, count(*) AS events, max(timestamp) AS last_ts
    FROM events GROUP BY site_id ORDER BY site_id`,
};

const events = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
const sites = (db.prepare('SELECT count(DISTINCT site_id) AS n FROM rollup_days').get() as { n: number }).n;
console.log(`${path}: ${events} events, ${sites} sites; median of ${RUNS} runs`);
for (const [name, sql] of Object.entries(variants)) {
  const stmt = db.prepare(sql);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    stmt.all();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);
  console.log(`${(times[Math.floor(RUNS / 2)] as number).toFixed(3).padStart(9)} ms  ${name}`);
  console.log(`             plan: ${plan.join(' | ')}`);
}
db.close();
