// npm run bench:live — liveStats fan-out on one instance: the built server (`node dist/server.js`,
// fresh SQLite file, 127.0.0.1) holds many graphql-ws subscribers opened by a load generator in a
// separate process (live-clients.ts). Measured in one run:
//  1. baseline: one subscriber, push latency (recordEvent answer → push arrival);
//  2. N subscribers (default 10,000: --hot (1,000) on one hot site, the rest over --sites (90) sites):
//     push latency on every socket of the hot site and of small sites, p50/p99 per socket and per
//     round (the last socket of the round), with ratios to the baseline;
//  3. memory per idle subscriber: the server's RSS (/proc) after a GC before and after connecting,
//     divided by N.
// Latency starts at the recordEvent answer: with PULSE_FLUSH_BATCH_SIZE=1 the flush starts at
// accept, so it counts the flush's write too (an upper bound on flush → push). Rounds are
// --gap ms apart (more than PULSE_LIVE_INTERVAL_MS), so each push is a site's first in its window.
// Flags: --subscribers N --hot H --sites S --rounds R --gap MS --live-interval MS --json FILE, --cpu-prof DIR
// (the server's V8 profile; summarise it with `tsx test/bench/cpu-profile.ts <file>`).
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildServer, SERVER_ARGS } from '../helpers/build.js';
import { cpuSnapshot, cpuUsage } from './cpu.js';
import type { ClientCommand, ClientReply } from './live-clients.js';
import { procStatusBytes, startChild } from './processes.js';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '10000' },
    hot: { type: 'string', default: '1000' },
    sites: { type: 'string', default: '90' },
    rounds: { type: 'string', default: '20' },
    gap: { type: 'string', default: '400' },
    'live-interval': { type: 'string', default: '250' },
    json: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const N = Number(values.subscribers);
const SITES = Number(values.sites);
const ROUNDS = Number(values.rounds);
const GAP = Number(values.gap);
const HOT = Math.min(N, Number(values.hot));
const HERE = fileURLToPath(new URL('.', import.meta.url));

/** the soft and hard limit on open files of this process (children inherit them) */
function openFilesLimit(): { soft: number; hard: number } {
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const n = (v: string | undefined) => (v === 'unlimited' || v === undefined ? Number.POSITIVE_INFINITY : Number(v));
  return { soft: n(m?.[1]), hard: n(m?.[2]) };
}

const pct = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);
const summary = (values: readonly number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p99: pct(s, 99), max: s[s.length - 1] ?? Number.NaN };
};
const ms = (v: number) => `${v.toFixed(1)} ms`;

const limit = openFilesLimit();
const needed = N + 1000;
console.log(`open files limit (ulimit -n): soft ${limit.soft}, hard ${limit.hard}; needed ≈ ${needed} per process`);
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (${cpus().length} cores)`,
);
if (limit.soft < needed) {
  // Node cannot raise its own limit: run this script again under `sh -c 'ulimit -n …'` (raising the
  // soft limit up to the hard one needs no privilege); the server and the clients inherit it.
  if (limit.hard < needed || process.env.PULSE_BENCH_ULIMIT_RAISED) {
    throw new Error(`ulimit -n is ${limit.soft} (hard ${limit.hard}); ${needed} needed: raise it and run again`);
  }
  console.log(`raising the soft limit to ${needed} and starting again`);
  const again = spawnSync(
    'sh',
    ['-c', `ulimit -n ${needed} && exec "$0" "$@"`, process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, PULSE_BENCH_ULIMIT_RAISED: '1' } },
  );
  process.exit(again.status ?? 1);
}

buildServer();
const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-live-'));
const gcPreload = join(HERE, 'probes', 'gc-on-signal.mjs');
// The node flags of `npm start` (package.json), then --expose-gc for the GC before each RSS reading.
const startFlags = (
  JSON.parse(readFileSync(join(HERE, '..', '..', 'package.json'), 'utf8')) as {
    scripts: { start: string };
  }
).scripts.start
  .split(/\s+/)
  .filter((a) => a.startsWith('--'));
const serverArgs = [
  ...startFlags,
  '--expose-gc',
  '--import',
  gcPreload,
  ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : []),
  ...SERVER_ARGS,
];
const server = await startChild({
  name: 'Pulse',
  args: serverArgs,
  env: {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: `file:${join(dir, 'live.db')}`,
    PULSE_FLUSH_BATCH_SIZE: '1',
    PULSE_LIVE_INTERVAL_MS: values['live-interval'],
  },
  ready: /Pulse listening on (http:\/\/\S+?)\/graphql/,
});
const wsUrl = `${server.baseUrl.replace(/^http/, 'ws')}/graphql`;
const graphqlUrl = `${server.baseUrl}/graphql`;

/** the server's RSS and V8 heap in use after a full GC (SIGUSR2 → gc() in the preload) */
async function memoryAfterGc(): Promise<{ rss: number; heapUsed: number }> {
  for (let i = 0; i < 2; i++) {
    server.proc.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 1000));
  }
  const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const heapUsed = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)?.[1] ?? Number.NaN);
  return { rss: procStatusBytes(server.pid, 'VmRSS') ?? Number.NaN, heapUsed };
}

const clients: ChildProcess = fork(join(HERE, 'live-clients.ts'), [], {
  cwd: join(HERE, '..', '..'),
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
function ask<T extends ClientReply['type']>(cmd: ClientCommand, type: T): Promise<Extract<ClientReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the load generator exited (${code})`));
    clients.once('exit', onExit);
    const onMessage = (reply: ClientReply) => {
      clients.off('message', onMessage);
      clients.off('exit', onExit);
      if (reply.type === type) resolve(reply as Extract<ClientReply, { type: T }>);
      else reject(new Error(reply.type === 'error' ? reply.message : `unexpected reply ${reply.type}`));
    };
    clients.on('message', onMessage);
    clients.send(cmd);
  });
}

const results: Record<string, unknown> = {
  subscribers: N,
  hotSubscribers: HOT,
  sites: SITES,
  rounds: ROUNDS,
  gapMs: GAP,
};
try {
  // 1. Baseline: one subscriber alone.
  await ask({ type: 'connect', wsUrl, sites: [{ siteId: 'solo', count: 1 }], concurrency: 1 }, 'connected');
  const solo = await ask(
    { type: 'measure', graphqlUrl, siteId: 'solo', rounds: ROUNDS, gapMs: GAP, timeoutMs: 10_000 },
    'measured',
  );
  const base = summary(solo.rounds.flat());
  console.log(`baseline, 1 subscriber: p50 ${ms(base.p50)}, p99 ${ms(base.p99)} (${base.n} pushes)`);

  // 2. N subscribers; memory measured around the connect.
  const before = await memoryAfterGc();
  const small = N - HOT;
  const sites = [{ siteId: 'hot', count: HOT }];
  for (let i = 0; i < SITES; i++) {
    const count = Math.floor(small / SITES) + (i < small % SITES ? 1 : 0);
    if (count > 0) sites.push({ siteId: `site-${i}`, count });
  }
  const connected = await ask({ type: 'connect', wsUrl, sites, concurrency: 100 }, 'connected');
  console.log(
    `connected ${connected.sockets} subscribers (${connected.failed} failed) in ${(connected.ms / 1000).toFixed(1)} s: ` +
      `${HOT} on the hot site, ${small} over ${SITES} sites`,
  );
  const after = await memoryAfterGc();
  const perSubscriber = (after.rss - before.rss) / connected.sockets;
  const heapPerSubscriber = (after.heapUsed - before.heapUsed) / connected.sockets;
  const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
  console.log(
    `server RSS after GC: ${mb(before.rss)} before, ${mb(after.rss)} with ${connected.sockets} subscribers → ` +
      `${(perSubscriber / 1024).toFixed(1)} KB per idle subscriber (goal ≤ 10 KB); of which V8 heap in use ` +
      `${(heapPerSubscriber / 1024).toFixed(1)} KB (${mb(before.heapUsed)} → ${mb(after.heapUsed)})`,
  );

  const names = new Map([
    [server.pid, 'server'],
    [clients.pid as number, 'clients'],
  ]);
  const cpuBefore = cpuSnapshot([...names.keys()]);
  const hot = await ask(
    { type: 'measure', graphqlUrl, siteId: 'hot', rounds: ROUNDS, gapMs: GAP, timeoutMs: 30_000 },
    'measured',
  );
  const hotCpu = cpuUsage(cpuBefore, cpuSnapshot([...names.keys()]), names);
  const smallRounds: number[][] = [];
  let smallTimeouts = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const m = await ask(
      { type: 'measure', graphqlUrl, siteId: `site-${r % SITES}`, rounds: 1, gapMs: GAP, timeoutMs: 30_000 },
      'measured',
    );
    smallRounds.push(...m.rounds);
    smallTimeouts += m.timeouts;
  }
  const report = (name: string, rounds: number[][], timeouts: number) => {
    const perSocket = summary(rounds.flat());
    const perRound = summary(rounds.map((r) => Math.max(...r)));
    console.log(
      `${name}: per socket p50 ${ms(perSocket.p50)}, p99 ${ms(perSocket.p99)} (${perSocket.n} pushes); ` +
        `last socket of a round p50 ${ms(perRound.p50)}, p99 ${ms(perRound.p99)}, max ${ms(perRound.max)} ` +
        `(${rounds.length} rounds, ${timeouts} timed out); p99 / baseline p99 = ${(perSocket.p99 / base.p99).toFixed(1)}×; ` +
        `goal p99 ≤ 300 ms: ${perSocket.p99 <= 300 ? 'met' : 'MISSED'}`,
    );
    return { perSocket, perRound, timeouts };
  };
  const pushes = hot.rounds.flat().length;
  const serverCpuMs = (hotCpu.own.server ?? 0) * hotCpu.seconds * 1000;
  console.log(
    `hot site rounds: server CPU ${serverCpuMs.toFixed(0)} ms for ${pushes} pushes → ` +
      `${((serverCpuMs * 1000) / pushes).toFixed(0)} µs of server CPU per push per socket ` +
      `(load generator ${(hotCpu.own.clients ?? 0).toFixed(2)} cores, other processes ${hotCpu.other.toFixed(2)} cores over ` +
      `${hotCpu.seconds.toFixed(1)} s${hotCpu.other >= 0.25 ? ': NOISY' : ''})`,
  );
  results.hotCpu = { serverCpuMs, pushes, perPushUs: (serverCpuMs * 1000) / pushes, other: hotCpu.other };
  results.baseline = base;
  results.hot = report(`hot site (${HOT} subscribers)`, hot.rounds, hot.timeouts);
  results.small = report(
    `small sites (~${Math.round(small / SITES)} subscribers each, ${N} connected)`,
    smallRounds,
    smallTimeouts,
  );
  results.memory = { before, after, perSubscriberBytes: perSubscriber, heapPerSubscriberBytes: heapPerSubscriber };
  results.loadavg = loadavg();
  console.log(
    `server: node ${serverArgs.join(' ')}; load average at end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await ask({ type: 'close' }, 'closed').catch(() => undefined);
  clients.kill();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
