// Probe: where the built server's resident memory goes under the bench's load. Runs every case of
// the bench (http-load.ts, each at its own connection count) for S seconds, `passes` times, on
// one `node [flags] dist/server.js`, polling VmRSS/RssAnon (/proc) and the request thread's V8
// heap by space plus `external` (/metrics) every 250 ms. Prints, per case, the sample with the
// highest RSS split into main-thread V8 heap, external, and the rest (the writer thread's
// isolate, Prisma's wasm, code, malloc arenas, SQLite page caches); then the largest mappings
// of /proc/<pid>/smaps at the end. Environment (e.g. MALLOC_ARENA_MAX) is passed to the server.
// `tsx test/bench/probes/load-memory.ts [seconds] [passes] [node flags…]`
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { buildServer, SERVER_ARGS } from '../../helpers/build.js';
import { cpuSnapshot } from '../cpu.js';
import { loadCases } from '../http-load.js';
import { procStatusBytes, startChild } from '../processes.js';

const seconds = Number(process.argv[2] ?? 5);
const passes = Number(process.argv[3] ?? 2);
const flags = process.argv.slice(4);
const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux
const mb = (bytes: number) => (bytes / 1048576).toFixed(1);

if (!process.env.SKIP_BUILD) buildServer();
const dir = mkdtempSync(join(tmpdir(), 'pulse-load-mem-'));
if (process.env.HEAP_SNAPSHOT) flags.push(`--diagnostic-dir=${dir}`);
const server = await startChild({
  name: 'Pulse',
  args: [...flags, ...SERVER_ARGS],
  env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: `file:${join(dir, 'p.db')}` },
  ready: /Pulse listening on (http:\/\/\S+?)\/graphql/,
});

interface Sample {
  rss: number;
  anon: number;
  heapTotal: number;
  heapUsed: number;
  newSpace: number;
  oldSpace: number;
  external: number;
}

async function sample(): Promise<Sample> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const gauge = (name: string, label = '') =>
    Number(
      new RegExp(`^${name}${label ? `\\{[^}]*${label}[^}]*\\}` : '(?:\\{[^}]*\\})?'} (\\S+)`, 'm').exec(text)?.[1] ?? 0,
    );
  return {
    rss: procStatusBytes(server.pid, 'VmRSS') ?? 0,
    anon: anonBytes(server.pid),
    heapTotal: gauge('nodejs_heap_size_total_bytes'),
    heapUsed: gauge('nodejs_heap_size_used_bytes'),
    newSpace: gauge('nodejs_heap_space_size_total_bytes', 'space="new"'),
    oldSpace: gauge('nodejs_heap_space_size_total_bytes', 'space="old"'),
    external: gauge('nodejs_external_memory_bytes'),
  };
}

function anonBytes(pid: number): number {
  const m = /^RssAnon:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

const fmt = (s: Sample) =>
  `RSS ${mb(s.rss)} (anon ${mb(s.anon)}) = main V8 heap ${mb(s.heapTotal)} (used ${mb(s.heapUsed)}; new ${mb(s.newSpace)}, old ${mb(s.oldSpace)}) + external ${mb(s.external)} + rest ${mb(s.rss - s.heapTotal - s.external)}`;

console.log(
  `node ${flags.join(' ') || '(no flags)'} dist/server.js${process.env.MALLOC_ARENA_MAX ? ` MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX}` : ''}`,
);
console.log(`  at start: ${fmt(await sample())}`);
let overall = 0;
for (let pass = 1; pass <= passes; pass++) {
  for (const c of loadCases(new Date().toISOString())) {
    let peak: Sample | undefined;
    let polling = true;
    const cpuBefore = cpuSnapshot([server.pid]);
    const poller = (async () => {
      while (polling) {
        const s = await sample();
        if (!peak || s.rss > peak.rss) peak = s;
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const r = await autocannon({
      url: server.baseUrl + c.path,
      method: c.method,
      headers: c.headers,
      body: c.body,
      connections: c.connections,
      duration: seconds,
    });
    await new Promise((res) => setTimeout(res, 1500)); // the buffer drains (flushes count)
    polling = false;
    await poller;
    const ticks = (cpuSnapshot([server.pid]).pids.get(server.pid) ?? 0) - (cpuBefore.pids.get(server.pid) ?? 0);
    const cpuUsPerReq = ((ticks / TICKS) * 1e6) / Math.max(r.requests.total, 1);
    overall = Math.max(overall, peak?.rss ?? 0);
    console.log(
      `  pass ${pass} ${c.id.padEnd(12)} ${String(Math.round(r.requests.average)).padStart(6)} req/s ${String(Math.round(cpuUsPerReq)).padStart(5)} µs CPU/req  peak ${peak ? fmt(peak) : 'n/a'}`,
    );
  }
}
await new Promise((r) => setTimeout(r, 3000));
console.log(`  idle after: ${fmt(await sample())}`);
console.log(`  peak RSS sampled ${mb(overall)} MB, VmHWM ${mb(procStatusBytes(server.pid, 'VmHWM') ?? 0)} MB`);

// The largest resident mappings: [heap] is glibc's main arena; anonymous ones are V8 pages,
// thread stacks, other malloc arenas and wasm code/memory; files are node, .so and the mmdb.
const groups = new Map<string, number>();
let name = '';
for (const line of readFileSync(`/proc/${server.pid}/smaps`, 'utf8').split('\n')) {
  const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
  if (head) name = head[1] || '[anon]';
  const rss = /^Rss:\s+(\d+) kB/.exec(line);
  if (rss) groups.set(name, (groups.get(name) ?? 0) + Number(rss[1]) * 1024);
}
console.log(
  `  smaps (resident by mapping): ${[...groups]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([n, b]) => `${n.split('/').pop()} ${mb(b)}`)
    .join(', ')}`,
);
// HEAP_SNAPSHOT=1 (with --heapsnapshot-signal=SIGUSR2 among the flags): a heap snapshot of the
// request thread after the load, written under the temporary directory and kept.
if (process.env.HEAP_SNAPSHOT) {
  process.kill(server.pid, 'SIGUSR2');
  await new Promise((r) => setTimeout(r, 15_000));
  console.log(`  heap snapshot in ${dir} (kept)`);
}
await server.stop();
if (!process.env.HEAP_SNAPSHOT) rmSync(dir, { recursive: true, force: true });
