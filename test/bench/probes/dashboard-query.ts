// Probe: the dashboard's own siteStats query (src/dashboard/queries.ts, every panel included) over
// HTTP against a running server, for the views the page asks for: medians of repeated runs and
// the answer's size (docs/dashboard.md, "Measured").
// `tsx test/bench/probes/dashboard-query.ts http://127.0.0.1:4000/graphql [siteId] [runs]`
import { statsQuery } from '../../../src/dashboard/queries.js';

const url = process.argv[2];
if (!url) throw new Error('usage: tsx test/bench/probes/dashboard-query.ts GRAPHQL_URL [siteId] [runs]');
const siteId = process.argv[3] ?? 'demo-1';
const RUNS = Number(process.argv[4] ?? 7);
const day = (back: number) => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);
const month = { from: day(29), to: day(0), interval: 'DAY' };

const views: [string, Record<string, unknown>, boolean][] = [
  ['today', { date: day(0), interval: 'HOUR' }, false],
  ['last 30 days', month, false],
  ['last 30 days, tz=Asia/Kolkata', { ...month, timeZone: 'Asia/Kolkata' }, false],
  ['all time', { interval: 'DAY' }, false],
  ['last 30 days, filtered by a country', { ...month, filters: [{ dimension: 'COUNTRY', value: 'DE' }] }, false],
  ['last 30 days with Visitors per row', month, true],
];

for (const [name, variables, visitors] of views) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: statsQuery(visitors), variables: { siteId, ...variables } }),
    });
    const text = await res.text();
    times.push(performance.now() - started);
    bytes = Buffer.byteLength(text);
    if (!res.ok || text.includes('"errors"')) throw new Error(`${name}: ${text.slice(0, 300)}`);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] as number;
  console.log(
    `${name}: median ${median.toFixed(0)} ms (min ${times[0]?.toFixed(0)}, max ${times.at(-1)?.toFixed(0)}), ${bytes} B`,
  );
}
