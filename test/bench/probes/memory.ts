// Probe: the built server's memory under recordEvents overload (100 events a request, 50
// connections), round by round, for a given set of node flags: peak RSS per round, and the
// request thread's V8 heap (from /metrics) after each round.
// `tsx test/bench/probes/memory.ts [rounds] [node flags…]`, e.g. `… 3 --max-semi-space-size=4`
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { buildServer, SERVER_ARGS } from '../../helpers/build.js';
import { BATCH_EVENTS } from '../http-load.js';
import { RssSampler, startChild } from '../processes.js';

const rounds = Number(process.argv[2] ?? 3);
const flags = process.argv.slice(3);
const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;
buildServer();
const dir = mkdtempSync(join(tmpdir(), 'pulse-probe-'));
let sampler: RssSampler | undefined;
const server = await startChild({
  name: 'Pulse',
  args: [...flags, ...SERVER_ARGS],
  env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: `file:${join(dir, 'p.db')}` },
  ready: /Pulse listening on (http:\/\/\S+?)\/graphql/,
  onSpawn: (pid) => {
    sampler = new RssSampler(pid).start();
  },
});
async function heap(): Promise<string> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const gauge = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? 0);
  return `heap used ${mb(gauge('nodejs_heap_size_used_bytes'))} of ${mb(gauge('nodejs_heap_size_total_bytes'))}`;
}
const inputs = Array.from({ length: BATCH_EVENTS }, (_, i) => ({
  siteId: 'bench',
  eventType: 'page_view',
  path: `/p/${i % 20}`,
  userId: `u${i}`,
  timestamp: '2025-11-15T18:30:01Z',
}));
const body = JSON.stringify({
  query: 'mutation RecordEvents($inputs: [EventInput!]!) { recordEvents(inputs: $inputs) { accepted } }',
  variables: { inputs },
});
console.log(
  `node ${flags.join(' ') || '(no flags)'} dist/server.js — at start: RSS ${mb(sampler?.last ?? 0)}, ${await heap()}`,
);
for (let round = 1; round <= rounds; round++) {
  sampler?.enter(`round ${round}`);
  const result = await autocannon({
    url: `${server.baseUrl}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: 50,
    duration: 5,
  });
  const peak = sampler?.phasePeaks.get(`round ${round}`) ?? 0;
  console.log(
    `round ${round}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, peak RSS ${mb(peak)}, ${await heap()}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 2000));
}
await server.stop();
rmSync(dir, { recursive: true, force: true });
