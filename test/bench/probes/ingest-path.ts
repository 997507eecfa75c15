// Probe: the request thread's cost of ingestion, in process (no sockets): GET /pixel.gif and
// POST /event through their handlers (fake req/res: header handling, validation, pipeline,
// attribute derivation, ring buffer, response headers), and what recordEvent / recordEvents pay
// after GraphQL (validateParsedEvent / validateEvents + Ingest.submit). Prints the median CPU µs
// per request or event over rounds. No flush runs: the buffer is emptied whenever a flush batch
// waits, as a flush that keeps up would.
//
//   tsx test/bench/probes/ingest-path.ts [N=50000] [rounds=7] [srcDir]
//   PROBE_CASES=pixel,restEvent   only these cases
//   PROBE_ALLOC=1                 also bytes allocated per event by function (slow; run apart)
//
// srcDir (default this checkout's src/; `dist` for the compiled code, with line numbers) lets the
// same probe run against another copy of the sources, e.g. `git archive <commit> src package.json
// tsconfig.json | tar -x -C /tmp/before` with src/generated copied and node_modules linked, to
// compare before/after in one session.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

process.env.NODE_ENV = 'production';
const N = Number(process.argv[2] ?? 50_000);
const ROUNDS = Number(process.argv[3] ?? 7);
const SRC = resolve(process.argv[4] ?? join(import.meta.dirname, '../../../src'));
const load = (file: string) => import(pathToFileURL(join(SRC, file)).href);

const { buildApp } = await load('app.js');
const { configWith } = await load('config.js');
const { createLogger } = await load('logger.js');
// migrations always from this checkout (they run the Prisma CLI from the repository root)
const { migrateSqlite } = await import('../../../src/storage/sqlite/migrate.js');
const { handlePixel } = await load('http/pixel.js');
const { handleEvent } = await load('http/rest.js');
const { validateEvents, validateParsedEvent } = await load('ingestion/request.js');

const dir = mkdtempSync(join(tmpdir(), 'pulse-probe-'));
const url = `file:${join(dir, 'p.db')}`;
await migrateSqlite(url);
const app = await buildApp(
  configWith({ DATABASE_URL: url, PULSE_FLUSH_INTERVAL_MS: 600_000, PULSE_BUFFER_CAPACITY: 2_000_000 }),
  createLogger('error'),
);
const services = app.services;

const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const timestamp = new Date().toISOString();
const socket = { remoteAddress: '::ffff:127.0.0.1' };
const statuses = new Map<number, number>();

class FakeRes {
  statusCode = 200;
  headersSent = false;
  setHeader(): void {}
  writeHead(status: number): this {
    this.statusCode = status;
    this.headersSent = true;
    return this;
  }
  end(): void {
    statuses.set(this.statusCode, (statuses.get(this.statusCode) ?? 0) + 1);
  }
}

/** A request whose body arrives in one chunk as soon as it is read. */
class FakeReq extends EventEmitter {
  method = 'POST';
  url = '/event';
  socket = socket;
  constructor(
    readonly headers: Record<string, string>,
    private readonly body: Buffer,
  ) {
    super();
  }
  override on(event: string, listener: (...args: unknown[]) => void): this {
    super.on(event, listener);
    if (event === 'end') {
      this.emit('data', this.body);
      this.emit('end');
    }
    return this;
  }
  resume(): this {
    return this;
  }
}

const pixelQuery = 'site_id=bench.example&path=%2Flanding';
const pixelReq = { method: 'GET', headers: { 'user-agent': UA, referer: 'https://bench.example/' }, socket };
const restBody = Buffer.from(
  JSON.stringify({ site_id: 'bench.example', event_type: 'page_view', path: '/blog', user_id: 'user-2', timestamp }),
);
const restHeaders = { 'content-type': 'application/json', 'content-length': String(restBody.length) };
const parsedInput = (i: number) => ({
  siteId: 'bench.example',
  eventType: i % 10 === 0 ? 'signup' : 'page_view',
  path: `/docs/page-${i % 20}`,
  userId: `user-${i}`,
  timestamp: Date.now(),
});
const gqlHit = { ip: '127.0.0.1', userAgent: UA, anonymousVisitor: false, page: undefined };

/** Stands in for a flush that keeps up: the buffer is emptied at PULSE_FLUSH_BATCH_SIZE's default. */
const keepUp = () => {
  if (app.buffer.size >= 5000) app.buffer.drop(app.buffer.size);
};

const cases: Record<string, { perRequest: number; run: (n: number) => Promise<void> | void }> = {
  pixel: {
    perRequest: 1,
    run(n) {
      for (let i = 0; i < n; i++) {
        handlePixel(pixelReq, new FakeRes(), services, new URLSearchParams(pixelQuery));
        keepUp();
      }
    },
  },
  restEvent: {
    perRequest: 1,
    async run(n) {
      for (let i = 0; i < n; i++) {
        await handleEvent(new FakeReq(restHeaders, restBody), new FakeRes(), services);
        keepUp();
      }
    },
  },
  recordEventIngest: {
    perRequest: 1,
    run(n) {
      for (let i = 0; i < n; i++) {
        const valid = validateParsedEvent(parsedInput(i), ['input']);
        if (!valid.ok) throw new Error(JSON.stringify(valid.problems));
        services.ingest.submit([valid.value], { ...gqlHit });
        keepUp();
      }
    },
  },
  recordEventsIngest: {
    perRequest: 100,
    run(n) {
      for (let r = 0; r < n / 100; r++) {
        const inputs = Array.from({ length: 100 }, (_, i) => parsedInput(i));
        const valid = validateEvents(inputs, 'inputs', validateParsedEvent);
        if (!valid.ok) throw new Error(JSON.stringify(valid.problems));
        services.ingest.submit(valid.value, { ...gqlHit });
        keepUp();
      }
    },
  },
};

/**
 * PROBE_ALLOC=1: bytes allocated per event by function, collected objects included (the sampling
 * heap profiler), for the cases run: what feeds the scavenger on the request path.
 */
async function allocationSites(run: () => Promise<void> | void, perEvent: number): Promise<void> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await run();
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  interface Node {
    callFrame: { functionName: string; url: string; lineNumber: number };
    selfSize: number;
    children: Node[];
  }
  const bytes = new Map<string, number>();
  const walk = (node: Node) => {
    const f = node.callFrame;
    const where = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(src|node_modules)\//, '$1/')}:${f.lineNumber + 1}`;
    bytes.set(where, (bytes.get(where) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(profile.head as unknown as Node);
  const total = [...bytes.values()].reduce((a, b) => a + b, 0);
  console.log(`  allocated ~${Math.round(total / perEvent)} bytes/event; top sites:`);
  for (const [where, b] of [...bytes].sort((x, y) => y[1] - x[1]).slice(0, 15)) {
    console.log(`  ${String(Math.round(b / perEvent)).padStart(7)} B  ${where}`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
console.log(`ingest-path probe: N=${N} per round, ${ROUNDS} rounds, src ${SRC}`);
const only = process.env.PROBE_CASES?.split(',');
for (const [name, c] of Object.entries(cases)) {
  if (only && !only.includes(name)) continue;
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // CPU time, not wall time: steadier on a shared machine (no flush runs; the process is this thread).
    const start = process.cpuUsage();
    await c.run(N);
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / N);
    app.buffer.drop(app.buffer.size);
  }
  if (process.env.PROBE_ALLOC) await allocationSites(() => c.run(N), N);
  console.log(
    `${name.padEnd(20)} ${median(times).toFixed(2).padStart(7)} CPU µs/event (median; min ${Math.min(...times).toFixed(2)}, max ${Math.max(...times).toFixed(2)})`,
  );
}
const accepted = services.ingest.acceptedEvents;
console.log(`statuses ${JSON.stringify(Object.fromEntries(statuses))}; accepted ${accepted}`);
await app.stop();
rmSync(dir, { recursive: true, force: true });
