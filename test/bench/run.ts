// `npm run bench`: Pulse against a bare node:http baseline and, for the GraphQL cases, against
// peer GraphQL servers (peers/) under autocannon (rotating cases and servers over rounds, medians
// and ratios), events stored per second end to end, flush throughput in process, the server's RSS
// throughout, and the goals of issue #12. `npm run bench -- --help` lists the flags.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { buildServer, SERVER_ARGS } from '../helpers/build.js';
import { cpuSnapshot, cpuUsage, waitForQuiet } from './cpu.js';
import { formatProfile } from './cpu-profile.js';
import { flushBench } from './flush.js';
import { type LoadCase, loadCases, runLoad, StoredEvents, type Target } from './http-load.js';
import { selectPeers, verifyPeer } from './peers/registry.js';
import { type Child, procStatusBytes, ROOT, RssSampler, startChild, startFlags } from './processes.js';
import { fmtInt, fmtMb, fmtMs } from './report.js';
import {
  type HttpRun,
  log,
  NOISY_CORES,
  printFlush,
  printGoals,
  printHttp,
  printRss,
  printStored,
  summaryLine,
} from './summaries.js';

const HELP = `npm run bench -- [flags]
  --rounds N         rounds of every HTTP case on every server (default 3)
  --duration S       seconds per case per server per round (default 5)
  --warmup S         seconds per case per server before round 1 (default 2; 0 skips)
  --connections C    autocannon connections for every case (default: 10 for recordEvents,
                     50 for the others, as the goals of #12 are stated)
  --cases a,b        only these cases: recordEvent,recordEvents,pixel,restEvent (default all)
  --peers a,b        only these peer GraphQL servers for the GraphQL cases:
                     yoga,apollo,mercurius-jit (default all)
  --no-peers         no peer servers (Pulse and the baseline only)
  --flush-rows N     rows per flush-throughput run (default 200000)
  --flush-rounds N   rounds of the flush benchmark (default: --rounds)
  --quiet-wait S     before each measured run, wait up to S seconds for other processes to go
                     below 0.25 cores (default 2; 0 skips; their load is reported either way)
  --skip-http        only the flush benchmark
  --skip-flush       only the HTTP benchmark
  --cpu-prof         run Pulse under --cpu-prof and print where its CPU time went
  --pulse-flags=F    extra node flags for Pulse after npm start's (package.json "start"), to
                     A/B a V8 flag: --pulse-flags="--heap-growing-percent=20" (with "=")
  --json FILE        also write every result as JSON
  --keep             keep the temporary directory (databases, profiles)
  --db postgres      instead: flush, end-to-end and stats on PostgreSQL against their baselines
                     (test/bench/postgres.ts; with --flush-rows, --rounds, --e2e-events N,
                     --stats-events N)`;

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    'quiet-wait': { type: 'string', default: '2' },
    connections: { type: 'string' },
    cases: { type: 'string' },
    peers: { type: 'string' },
    'no-peers': { type: 'boolean', default: false },
    'flush-rows': { type: 'string', default: '200000' },
    'flush-rounds': { type: 'string' },
    'skip-http': { type: 'boolean', default: false },
    'skip-flush': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'pulse-flags': { type: 'string', default: '' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
    db: { type: 'string', default: 'sqlite' },
    'e2e-events': { type: 'string' },
    'stats-events': { type: 'string' },
  },
});

// --db postgres: the PostgreSQL benchmark (test/bench/postgres.ts), which reads the same argv.
if (flags.db === 'postgres') {
  await import('./postgres.js');
  process.exit(0);
}

function positive(name: string, value: string | undefined, min = 1): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}, got "${value}"`);
  return n;
}

/** Pulse's node flags: npm start's (package.json), then --pulse-flags. */
const PULSE_FLAGS = [...startFlags(), ...(flags['pulse-flags'] ?? '').split(/\s+/).filter(Boolean)];

const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(0)}s`;

function machine() {
  const cpus = os.cpus();
  let commit = 'unknown';
  let dirty = 0;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    dirty = execFileSync('git', ['status', '--porcelain', 'src'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean).length;
  } catch {}
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    memory: os.totalmem(),
    commit,
    uncommittedSrcFiles: dirty,
    nodeEnv: process.env.NODE_ENV ?? null,
  };
}

async function main(): Promise<void> {
  if (flags.help) return log(HELP);
  const rounds = positive('rounds', flags.rounds);
  const duration = positive('duration', flags.duration);
  const warmup = positive('warmup', flags.warmup, 0);
  const quietWait = positive('quiet-wait', flags['quiet-wait'], 0);
  const connections = flags.connections === undefined ? undefined : positive('connections', flags.connections);
  const peers = selectPeers(flags.peers, flags['no-peers']);
  const flushRows = positive('flush-rows', flags['flush-rows']);
  const flushRounds = positive('flush-rounds', flags['flush-rounds'] ?? flags.rounds);
  const flushBatch = loadConfig({ PULSE_FLUSH_BATCH_SIZE: process.env.PULSE_FLUSH_BATCH_SIZE }).PULSE_FLUSH_BATCH_SIZE;
  const began = Date.now();

  const m = machine();
  log(`Pulse benchmark — ${new Date().toISOString()}`);
  log(`machine: ${m.cpu}, ${m.cores} cores, ${fmtMb(m.memory)} RAM, ${m.os}, node ${m.node}`);
  log(
    `code: ${m.commit}${m.uncommittedSrcFiles ? ` + ${m.uncommittedSrcFiles} uncommitted file(s) under src/` : ''}; ` +
      `NODE_ENV=${process.env.NODE_ENV ?? '(unset)'} (inherited by both servers)`,
  );
  log(
    `settings: ${rounds} rounds x ${duration}s per case per server (warmup ${warmup}s), ` +
      `${connections === undefined ? 'connections per case (recordEvents 10, others 50)' : `${connections} connections`}; ` +
      `peers ${peers.length ? peers.map((p) => p.name).join(', ') : 'none'}; ` +
      `flush ${flushRounds} rounds x ${fmtInt(flushRows)} rows in batches of ${flushBatch}`,
  );

  const dir = mkdtempSync(join(os.tmpdir(), 'pulse-bench-'));
  const results: Record<string, unknown> = {
    machine: m,
    settings: {
      rounds,
      duration,
      warmup,
      quietWait,
      connections: connections ?? 'per case',
      peers: peers.map((p) => p.name),
      pulseArgs: [...PULSE_FLAGS, ...SERVER_ARGS],
      flushRows,
      flushRounds,
      flushBatch,
      dir,
    },
  };
  try {
    if (!flags['skip-http'])
      Object.assign(results, await httpBench({ dir, rounds, duration, warmup, connections, quietWait, peers }));
    if (!flags['skip-flush']) {
      log();
      log(`== flush throughput (in process, ${fmtInt(flushRows)} rows, batches of ${flushBatch}) [${elapsed(began)}]`);
      const runs = await flushBench({ dir, rows: flushRows, batchSize: flushBatch, rounds: flushRounds, log });
      results.flush = { runs, summary: printFlush(runs) };
    }
    results.goals = printGoals(results);
    log();
    log(`SUMMARY ${summaryLine(results)} (bench took ${elapsed(began)})`);
    results.summary = summaryLine(results);
    results.benchSeconds = (Date.now() - began) / 1000;
    if (flags.json) {
      writeFileSync(flags.json, `${JSON.stringify(results, null, 2)}\n`);
      log(`results written to ${flags.json}`);
    }
  } finally {
    if (flags.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function httpBench(o: {
  dir: string;
  rounds: number;
  duration: number;
  warmup: number;
  /** overrides every case's own connection count */
  connections: number | undefined;
  quietWait: number;
  peers: ReturnType<typeof selectPeers>;
}) {
  const dbPath = join(o.dir, 'pulse.db');
  let rss: RssSampler | undefined;
  const t0 = Date.now();
  log();
  log(
    `== building and starting servers (Pulse runs the compiled dist/server.js, as npm start does: ` +
      `node ${[...PULSE_FLAGS, ...SERVER_ARGS].join(' ')})`,
  );
  buildServer();
  const pulse = await startChild({
    name: 'Pulse',
    args: [...(flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${o.dir}`] : []), ...PULSE_FLAGS, ...SERVER_ARGS],
    env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: `file:${dbPath}` },
    ready: /Pulse listening on (http:\/\/\S+?)\/graphql/,
    onSpawn: (pid) => {
      rss = new RssSampler(pid).start();
    },
  });
  log(`Pulse    pid ${pulse.pid} at ${pulse.baseUrl} (ready in ${elapsed(t0)}, migrations included)`);
  const baselineRss: { sampler?: RssSampler } = {};
  const baseline = await startChild({
    name: 'baseline',
    args: ['--import', 'tsx', 'test/bench/baseline-server.ts'],
    env: { PORT: '0', HOST: '127.0.0.1' },
    ready: /Baseline listening on (http:\/\/\S+)/,
    onSpawn: (pid) => {
      baselineRss.sampler = new RssSampler(pid).start();
    },
  });
  log(`baseline pid ${baseline.pid} at ${baseline.baseUrl}`);
  const servers: Record<Target, Child> = { pulse, baseline };
  const watched = new Map([
    [pulse.pid, 'pulse'],
    [baseline.pid, 'baseline'],
    [process.pid, 'bench'],
  ]);
  const timestamp = new Date().toISOString();
  const wanted = flags.cases?.split(',').map((s) => s.trim());
  const cases = loadCases(timestamp)
    .filter((c) => !wanted || wanted.includes(c.id))
    .map((c) => {
      const conns = o.connections ?? c.connections;
      return { ...c, connections: conns, label: `${c.label} @${conns}c` };
    });
  const peerHwm: Record<string, number | null> = {};
  try {
    if (cases.length === 0) throw new Error(`--cases matched none of ${loadCases(timestamp).map((c) => c.id)}`);
    // The peers run only the GraphQL cases; none is started when no GraphQL case is selected.
    if (cases.some((c) => c.graphql)) {
      for (const peer of o.peers) {
        const child = await startChild({
          name: peer.name,
          args: ['--import', 'tsx', peer.script],
          env: { PORT: '0', HOST: '127.0.0.1' },
          ready: /Peer \S+ listening on (http:\/\/\S+)/,
        });
        servers[peer.name] = child;
        watched.set(child.pid, peer.name);
        for (const c of cases) if (c.graphql) await verifyPeer(peer.name, child.baseUrl, c);
        log(`${peer.name.padEnd(8)} pid ${child.pid} at ${child.baseUrl} (${peer.label}; answers checked)`);
      }
    }
  } catch (error) {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    throw error;
  }
  const peerNames = Object.keys(servers).filter((t) => t !== 'pulse' && t !== 'baseline');
  const stored = new StoredEvents(dbPath);
  const runs: HttpRun[] = [];
  let hwm: number | null = null;
  let baselineHwm: number | null = null;
  const targetsOf = (c: LoadCase): Target[] => ['pulse', 'baseline', ...(c.graphql ? peerNames : [])];

  const once = async (round: number, c: LoadCase, target: Target, seconds: number): Promise<HttpRun> => {
    if (round > 0 && o.quietWait > 0) await waitForQuiet(watched, o.quietWait * 1000);
    const before = target === 'pulse' ? stored.count() : 0;
    const cpuBefore = cpuSnapshot([...watched.keys()]);
    const load = await runLoad((servers[target] as Child).baseUrl, c, target, seconds, c.connections);
    const cpu = cpuUsage(cpuBefore, cpuSnapshot([...watched.keys()]), watched);
    const serverCpuUsPerReq = (cores: number, secs: number) => (cores * secs * 1e6) / Math.max(load.completed, 1);
    const r: HttpRun = {
      ...load,
      round,
      case: c.id,
      target,
      cpu,
      serverCpuUsPerReq: serverCpuUsPerReq(cpu.own[target] ?? 0, cpu.seconds),
    };
    if (target === 'pulse') {
      // Waiting for the buffer to drain keeps one run's flushes out of the next run's numbers.
      const settled = await stored.settle(before + load.ok * c.eventsPerRequest);
      const drained = cpuUsage(cpuBefore, cpuSnapshot([...watched.keys()]), watched);
      r.serverCpuUsPerReq = serverCpuUsPerReq(drained.own.pulse ?? 0, drained.seconds);
      r.storedBefore = before;
      r.storedAfter = settled.count;
      r.storedSeconds = Math.max(settled.lastChangeAt, r.finishedAt) / 1000 - r.startedAt / 1000;
      r.storedPerSec = (settled.count - before) / r.storedSeconds;
    }
    const bad = r.non2xx + r.mismatches + r.errors + r.timeouts;
    const storedNote =
      target === 'pulse'
        ? `  stored ${fmtInt((r.storedAfter ?? 0) - before)} ev (${fmtInt(r.storedPerSec ?? 0)} ev/s, acked ${fmtInt(r.ok * c.eventsPerRequest)})`
        : '';
    log(
      `  [${round === 0 ? 'warmup' : `round ${round}/${o.rounds}`}] ${c.id.padEnd(12)} ${target.padEnd(13)} ` +
        `${fmtInt(r.reqPerSec).padStart(7)} req/s  p50 ${fmtMs(r.p50).padStart(8)}  p99 ${fmtMs(r.p99).padStart(8)}` +
        `${bad ? `  FAILED ${bad} (non2xx ${r.non2xx}, body ${r.mismatches}, err ${r.errors}, timeout ${r.timeouts})` : ''}` +
        `${storedNote}  cpu ${target} ${(cpu.own[target] ?? 0).toFixed(2)} (${fmtInt(r.serverCpuUsPerReq)} µs/req), bench ${(cpu.own.bench ?? 0).toFixed(2)}, ` +
        `other ${cpu.other.toFixed(2)}${cpu.other >= NOISY_CORES ? ' (NOISY)' : ''}  pulse rss ${fmtMb(rss?.last ?? 0)}`,
    );
    return r;
  };

  try {
    if (o.warmup > 0) {
      log(`== warmup (${o.warmup}s per case per server) [${elapsed(t0)}]`);
      rss?.enter('warmup');
      for (const c of cases) for (const target of targetsOf(c)) await once(0, c, target, o.warmup);
    }
    for (let round = 1; round <= o.rounds; round++) {
      log(`== round ${round}/${o.rounds} [${elapsed(t0)}]`);
      rss?.enter(`round ${round}`);
      baselineRss.sampler?.enter(`round ${round}`);
      // Rotates the case order and which server goes first, so drift (thermal, page cache,
      // database growth) does not always land on the same case or server.
      const order = cases.map((_, i) => cases[(i + round - 1) % cases.length] as LoadCase);
      for (const c of order) {
        const all = targetsOf(c);
        const targets = all.map((_, i) => all[(i + round - 1) % all.length] as Target);
        for (const target of targets) runs.push(await once(round, c, target, o.duration));
      }
    }
  } finally {
    rss?.enter('stop');
    hwm = procStatusBytes(pulse.pid, 'VmHWM');
    baselineHwm = procStatusBytes(baseline.pid, 'VmHWM');
    for (const name of peerNames) peerHwm[name] = procStatusBytes((servers[name] as Child).pid, 'VmHWM');
    const [pulseExit, baselineExit] = await Promise.all([
      pulse.stop(),
      baseline.stop(),
      ...peerNames.map((name) => (servers[name] as Child).stop()),
    ]);
    rss?.stop();
    baselineRss.sampler?.stop();
    stored.close();
    if (pulseExit !== 0) log(`Pulse exited with ${pulseExit}:\n${pulse.output()}`);
    if (baselineExit !== 0) log(`baseline exited with ${baselineExit}`);
  }

  const summaries = printHttp(cases, runs, peerNames);
  const storedSummary = printStored(cases, runs);
  const memory = printRss(rss, hwm, baselineRss.sampler, baselineHwm, o.rounds, peerHwm);
  let profile: string | undefined;
  if (flags['cpu-prof']) {
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx's
    // module loader runs on another one and writes its own file).
    const file = readdirSync(o.dir).find((f) => f.startsWith('CPU.') && f.includes(`.${pulse.pid}.0.`));
    profile = file ? formatProfile(join(o.dir, file)) : 'no .cpuprofile written (did Pulse exit cleanly?)';
    log();
    log(profile);
  }
  const noisyRuns = runs.filter((r) => r.cpu.other >= NOISY_CORES).length;
  return { http: { runs, summaries, noisyRuns }, stored: storedSummary, memory, profile };
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
