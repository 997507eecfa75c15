// Probe: where Pulse's resident memory at startup goes, step by step, in one plain node process
// running the compiled build (no tsx loader): node itself, the module graph of dist/app.js, the
// migrations, the country database, one SQLite writer thread, one Prisma client on this thread,
// the whole buildApp(), and the writer thread's share (the drop when one is closed). Each step
// is measured after a full GC: VmRSS, V8 heap (used/total), external + array buffers, and the
// anonymous vs file-backed split of RSS from /proc/self/status.
// `npm run build && node --expose-gc --max-semi-space-size=4 test/bench/probes/startup-memory.mjs`
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
const dir = mkdtempSync(join(tmpdir(), 'pulse-startup-mem-'));
const url = `file:${join(dir, 'p.db')}`;
const mb = (b) => (b / 1048576).toFixed(1);
const status = () => {
  const text = readFileSync('/proc/self/status', 'utf8');
  const kb = (f) => Number(new RegExp(`^${f}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return {
    rss: kb('VmRSS'),
    anon: kb('RssAnon'),
    file: kb('RssFile'),
    threads: Number(/^Threads:\s+(\d+)/m.exec(text)?.[1]),
  };
};
// Wasm instances created on this thread (Prisma's query compiler): their linear memory is
// resident but is neither V8 heap nor `external`, so the probe reports it on its own.
const wasmMemories = [];
const { Instance } = WebAssembly;
WebAssembly.Instance = function Instance_(module, imports) {
  const instance = new Instance(module, imports);
  for (const value of Object.values(instance.exports))
    if (value instanceof WebAssembly.Memory) wasmMemories.push(value);
  return instance;
};
const { instantiate } = WebAssembly;
WebAssembly.instantiate = async (...args) => {
  const result = await instantiate(...args);
  const instance = result.instance ?? result;
  for (const value of Object.values(instance.exports))
    if (value instanceof WebAssembly.Memory) wasmMemories.push(value);
  return result;
};
const wasmBytes = () => wasmMemories.reduce((n, m) => n + m.buffer.byteLength, 0);
let last;
const rows = [];
async function step(name) {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await sleep(50);
  }
  const m = process.memoryUsage();
  const s = status();
  const now = {
    wasm: wasmBytes(),
    rss: s.rss,
    anon: s.anon,
    file: s.file,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    ext: m.external,
    threads: s.threads,
  };
  const d = (k) => (last ? now[k] - last[k] : now[k]);
  rows.push(
    `${name.padEnd(44)} RSS ${mb(now.rss).padStart(6)} (${d('rss') >= 0 ? '+' : ''}${mb(d('rss'))})` +
      `  anon ${mb(now.anon).padStart(6)}  file ${mb(now.file).padStart(5)}` +
      `  heap used/total ${mb(now.heapUsed)}/${mb(now.heapTotal)} (${d('heapTotal') >= 0 ? '+' : ''}${mb(d('heapTotal'))})` +
      `  external ${mb(now.ext)} (${d('ext') >= 0 ? '+' : ''}${mb(d('ext'))})  threads ${now.threads}  wasm memories ${wasmMemories.length} = ${mb(now.wasm)}`,
  );
  last = now;
}

process.env.NODE_ENV ??= 'production';
process.env.DATABASE_URL = url;
process.env.LOG_LEVEL = 'warn';
await step('node itself');
const { buildApp } = await import('../../../dist/app.js');
const { loadConfig } = await import('../../../dist/config.js');
const { migrateStorage, openStorage } = await import('../../../dist/storage/open.js');
const { openCountryLookup } = await import('../../../dist/ingestion/country.js');
const { WriterThread } = await import('../../../dist/storage/sqlite/writer-thread.js');
await step('+ import dist/app.js (module graph)');
await migrateStorage(url);
await step('+ migrateStorage');
await openCountryLookup();
await step('+ country database (maxmind, bundled mmdb)');
const writer = await WriterThread.start(url);
await step('+ one SQLite writer thread (isolate + Prisma)');
const storage = await openStorage(url);
await step('+ openStorage on this thread (Prisma client)');
const app = await buildApp(loadConfig(), undefined);
await step('+ buildApp() (its own storage + writer thread)');
await writer.close();
await sleep(500);
await step('- the first writer thread closed');
await storage.close?.();
await step('- the first storage closed');
for (const r of rows) console.log(r);
await app.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
