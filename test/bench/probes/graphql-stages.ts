// Probe: where a recordEvent's GraphQL work goes, stage by stage, in process (no HTTP): body
// JSON.parse, Yoga's getEnveloped, cached parse and validation, context, execution (variable
// coercion and the resolver), result JSON. `tsx test/bench/probes/graphql-stages.ts [N]`
process.env.NODE_ENV = 'production'; // as `npm start` runs graphql-js (before it is imported)
const { mkdtempSync, rmSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');
const { getOperationAST } = await import('graphql');
const { buildApp } = await import('../../../src/app.js');
const { configWith } = await import('../../../src/config.js');
const { createLogger } = await import('../../../src/logger.js');
const { migrateSqlite: migrateDatabase } = await import('../../../src/storage/sqlite/migrate.js');

const N = Number(process.argv[2] ?? 50_000);
const dir = mkdtempSync(join(tmpdir(), 'pulse-probe-'));
const url = `file:${join(dir, 'p.db')}`;
await migrateDatabase(url);
const app = await buildApp(
  configWith({ DATABASE_URL: url, PULSE_FLUSH_INTERVAL_MS: 60_000, PULSE_BUFFER_CAPACITY: 1_000_000 }),
  createLogger('error'),
);
const query = 'mutation RecordEvent($input: EventInput!) { recordEvent(input: $input) { accepted } }';
const input = {
  siteId: 'bench',
  eventType: 'page_view',
  path: '/p/1',
  userId: 'u1',
  timestamp: '2025-11-15T18:30:01Z',
};
const body = JSON.stringify({ query, variables: { input } });
const request = Object.freeze({ method: 'POST', headers: new Headers() });
// What the fast path hands Yoga's context: a node request (headers and a socket address).
const req = Object.freeze({ method: 'POST', headers: {}, socket: { remoteAddress: '127.0.0.1' } });
const totals = new Map<string, number>();
for (let round = 0; round < 2; round++) {
  totals.clear();
  for (let i = 0; i < N; i++) {
    let t = performance.now();
    const lap = (stage: string) => {
      const now = performance.now();
      totals.set(stage, (totals.get(stage) ?? 0) + now - t);
      t = now;
    };
    const params = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
    lap('body JSON.parse');
    const env = app.yoga.getEnveloped({ req, res: {}, params, request });
    lap('getEnveloped');
    const document = env.parse(params.query);
    lap('parse (cached)');
    env.validate(env.schema, document);
    lap('validate (cached)');
    getOperationAST(document);
    lap('getOperationAST');
    const contextValue = await env.contextFactory();
    lap('contextFactory');
    const result = await env.execute({ schema: env.schema, document, variableValues: params.variables, contextValue });
    lap('execute');
    JSON.stringify(result);
    lap('result JSON.stringify');
  }
  await app.flusher.flush(); // empty the buffer between rounds; round 1 is the warm-up
}
let sum = 0;
for (const [stage, ms] of totals) {
  sum += ms;
  console.log(`${stage.padEnd(24)} ${((ms / N) * 1000).toFixed(2)} µs`);
}
console.log(
  `${'total'.padEnd(24)} ${((sum / N) * 1000).toFixed(2)} µs per recordEvent (mean of ${N}, after a warm-up round)`,
);
await app.stop();
rmSync(dir, { recursive: true, force: true });
