// Probe: the request thread's cost of POST /graphql in the fast path, compiled (graphql-jit,
// cached per document) against envelop's execute (graphql-js), back to back in one process, for
// recordEvent (1 event) and recordEvents (100). In process, no sockets: a Readable stands in for
// the request, an object for the response; the buffer is emptied between rounds (events are
// dropped, not stored), so only the handler's work is timed, from the body to the answer.
// `tsx test/bench/probes/graphql-compiled.ts [requests per round] [rounds] [compiled|envelop: only that one]`
process.env.NODE_ENV = 'production'; // as `npm start` runs graphql-js (before it is imported)
const { mkdtempSync, rmSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');
const { Readable } = await import('node:stream');
const { buildApp } = await import('../../../src/app.js');
const { configWith } = await import('../../../src/config.js');
const { createGraphQLFastPath } = await import('../../../src/http/graphql-fast.js');
const { hitOf } = await import('../../../src/http/hit.js');
const { createLogger } = await import('../../../src/logger.js');
const { maskInputErrors } = await import('../../../src/plugins/use-input-error-codes.js');
const { migrateSqlite } = await import('../../../src/storage/sqlite/migrate.js');

import type { IncomingMessage, ServerResponse } from 'node:http';

const N = Number(process.argv[2] ?? 4000);
const ROUNDS = Number(process.argv[3] ?? 5);
const ONLY = process.argv[4];
const dir = mkdtempSync(join(tmpdir(), 'pulse-probe-'));
const url = `file:${join(dir, 'p.db')}`;
await migrateSqlite(url);
const app = await buildApp(
  configWith({ DATABASE_URL: url, PULSE_FLUSH_INTERVAL_MS: 3_600_000, PULSE_BUFFER_CAPACITY: 1_000_000 }),
  createLogger('error'),
);
const variants = Object.fromEntries(
  (['compiled', 'envelop'] as const).map((name) => [
    name,
    createGraphQLFastPath({
      yoga: app.yoga,
      apiKeys: [],
      maxBodyBytes: 1_000_000,
      services: app.services,
      hitOf: (req) => hitOf(req, { trustedProxies: 0, anonymousVisitor: false, page: 'origin' }),
      maskError: maskInputErrors,
      compile: name === 'compiled',
    }),
  ]),
);

const event = (i: number) => ({
  siteId: 'bench',
  eventType: 'page_view',
  path: `/p/${i % 50}`,
  userId: `u${i % 1000}`,
  timestamp: '2025-11-15T18:30:01Z',
  referrer: 'https://news.example.com/a',
});
const bodies = {
  recordEvent: Buffer.from(
    JSON.stringify({
      query: 'mutation RecordEvent($input: EventInput!) { recordEvent(input: $input) { accepted } }',
      variables: { input: event(1) },
    }),
  ),
  recordEvents: Buffer.from(
    JSON.stringify({
      query: 'mutation RecordEvents($inputs: [EventInput!]!) { recordEvents(inputs: $inputs) { accepted } }',
      variables: { inputs: Array.from({ length: 100 }, (_, i) => event(i)) },
    }),
  ),
};
const EXPECTED = {
  recordEvent: '{"data":{"recordEvent":{"accepted":true}}}',
  recordEvents: '{"data":{"recordEvents":{"accepted":100}}}',
};
const socket = { remoteAddress: '127.0.0.1' };
const headers = { 'content-type': 'application/json', 'user-agent': 'probe/1.0', host: 'localhost' };

function request(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>, body: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const req = Object.assign(Readable.from([body], { objectMode: false }), {
      method: 'POST',
      url: '/graphql',
      headers: { ...headers, 'content-length': String(body.length) },
      socket,
    });
    const res = { writeHead: () => res, end: (text: string) => resolve(text) };
    void handle(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
}

type Case = keyof typeof bodies;
const results = new Map<string, number[]>();
for (let round = 0; round <= ROUNDS; round++) {
  for (const kase of Object.keys(bodies) as Case[]) {
    const names = round % 2 === 0 ? ['compiled', 'envelop'] : ['envelop', 'compiled'];
    for (const name of names.filter((n) => ONLY === undefined || n === ONLY)) {
      const fast = variants[name] as ReturnType<typeof createGraphQLFastPath>;
      const n = kase === 'recordEvents' ? Math.ceil(N / 20) : N;
      const cpu = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const answer = await request(fast.handle, bodies[kase]);
        if (answer !== EXPECTED[kase]) throw new Error(`unexpected answer: ${answer}`);
      }
      const used = process.cpuUsage(cpu);
      app.buffer.drop(app.buffer.size);
      if (round === 0) continue; // warm-up
      const key = `${kase} ${name}`;
      results.set(key, [...(results.get(key) ?? []), (used.user + used.system) / n]);
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
console.log(
  `CPU µs per request on the request thread (median of ${ROUNDS} rounds; recordEvent ${N}, recordEvents ${Math.ceil(N / 20)} requests a round)`,
);
for (const kase of Object.keys(bodies) as Case[]) {
  const per = kase === 'recordEvents' ? 100 : 1;
  const cost = (name: string) => {
    const runs = results.get(`${kase} ${name}`);
    if (!runs) return { text: '-', value: Number.NaN };
    const us = median(runs);
    return { text: `${us.toFixed(1)} µs (${(us / per).toFixed(1)}/event)`, value: us };
  };
  const envelop = cost('envelop');
  const compiled = cost('compiled');
  console.log(
    `${kase.padEnd(13)} envelop ${envelop.text.padStart(24)}  compiled ${compiled.text.padStart(24)}  ratio ${(compiled.value / envelop.value).toFixed(2)}`,
  );
}
console.log(`compiled path: ${JSON.stringify(variants.compiled?.compiled)}`);
await app.stop();
rmSync(dir, { recursive: true, force: true });
