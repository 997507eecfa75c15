// The compiled path of POST /graphql (src/http/graphql-fast.ts): documents compiled with
// graphql-jit, cached per (query, operationName), with envelop's graphql-js execute as the
// fallback that produces the errors. Each answer is compared with Yoga's own (yoga.fetch) on the
// same app, as in graphql-fast-path.test.ts, over a real HTTP server on a free port.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getIntrospectionQuery } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { SITES, statsQuery } from '../../src/dashboard/queries.js';
import { createGraphQLFastPath } from '../../src/http/graphql-fast.js';
import { hitOf } from '../../src/http/hit.js';
import { maskInputErrors } from '../../src/plugins/use-input-error-codes.js';
import { type TestApp, testApp } from '../helpers/app.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function listen(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

interface Answer {
  status: number;
  type: string | null;
  body: string;
}

const read = async (r: Response): Promise<Answer> => ({
  status: r.status,
  type: r.headers.get('content-type'),
  body: await r.text(),
});

function init(payload: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) };
}

const post = async (url: string, payload: unknown, headers?: Record<string, string>) =>
  read(await fetch(url, init(payload, headers)));
const viaYoga = async (t: TestApp, payload: unknown, headers?: Record<string, string>) =>
  read(await t.app.yoga.fetch('http://localhost/graphql', init(payload, headers)));

const RECORD = 'mutation R($input: EventInput!) { recordEvent(input: $input) { accepted } }';
const BATCH = 'mutation B($inputs: [EventInput!]!) { recordEvents(inputs: $inputs) { accepted } }';
const STATS = 'query S { siteStats(siteId: "s") { totalEvents } }';
const event = { siteId: 's', eventType: 'page_view', path: '/x', timestamp: '2025-11-15T18:30:01Z' };

describe('the compiled-document cache', () => {
  it('answers a document through envelop first, then compiles it once and answers it from the cache', async () => {
    const t = await testApp();
    const url = await listen(t.app.handler);
    for (let i = 0; i < 3; i++) {
      expect(JSON.parse((await post(url, { query: RECORD, variables: { input: event } })).body)).toEqual({
        data: { recordEvent: { accepted: true } },
      });
    }
    expect(t.app.graphqlFastPath.compiled).toMatchObject({ size: 1, compilations: 1, reruns: 0 });
    expect(t.app.buffer.size).toBe(3);
  });

  it('keeps one entry per operationName of the same text, each running its own operation', async () => {
    const t = await testApp();
    const url = await listen(t.app.handler);
    const query = `${RECORD} ${STATS}`;
    const stats = await post(url, { query, operationName: 'S' });
    expect(stats).toEqual(await viaYoga(t, { query, operationName: 'S' }));
    expect(JSON.parse(stats.body)).toEqual({ data: { siteStats: { totalEvents: 0 } } });
    const recorded = await post(url, { query, operationName: 'R', variables: { input: event } });
    expect(JSON.parse(recorded.body)).toEqual({ data: { recordEvent: { accepted: true } } });
    expect(t.app.graphqlFastPath.compiled).toMatchObject({ size: 2, compilations: 0 });
    expect(await post(url, { query, operationName: 'S' })).toEqual(stats);
    await post(url, { query, operationName: 'R', variables: { input: event } });
    expect(t.app.graphqlFastPath.compiled).toMatchObject({ size: 2, compilations: 2 });
    expect(t.app.buffer.size).toBe(2);
  });

  it('evicts the least recently used document when full', async () => {
    const t = await testApp();
    const fast = createGraphQLFastPath({
      yoga: t.app.yoga,
      apiKeys: [],
      maxBodyBytes: 100_000,
      services: t.app.services,
      hitOf: (req) => hitOf(req, { trustedProxies: 0, anonymousVisitor: false, page: 'origin' }),
      maskError: maskInputErrors,
      maxDocuments: 2,
      compileAfter: 0,
    });
    const url = await listen((req, res) => void fast.handle(req, res));
    const queries = ['{ a: __typename }', '{ b: __typename }', '{ c: __typename }'];
    for (const query of queries) await post(url, { query });
    expect(fast.compiled).toMatchObject({ size: 2, compilations: 3 });
    await post(url, { query: queries[2] }); // still cached
    expect(fast.compiled.compilations).toBe(3);
    const first = await post(url, { query: queries[0] }); // evicted: compiled again
    expect(JSON.parse(first.body)).toEqual({ data: { a: 'Query' } });
    expect(fast.compiled).toMatchObject({ size: 2, compilations: 4 });
  });

  it('runs every document through envelop when compile is false', async () => {
    const t = await testApp();
    const fast = createGraphQLFastPath({
      yoga: t.app.yoga,
      apiKeys: [],
      maxBodyBytes: 100_000,
      services: t.app.services,
      hitOf: (req) => hitOf(req, { trustedProxies: 0, anonymousVisitor: false, page: 'origin' }),
      maskError: maskInputErrors,
      compile: false,
    });
    const url = await listen((req, res) => void fast.handle(req, res));
    const answer = await post(url, { query: RECORD, variables: { input: event } });
    expect(answer).toEqual(await viaYoga(t, { query: RECORD, variables: { input: event } }));
    expect(fast.compiled).toMatchObject({ size: 1, compilations: 0 });
    expect(fast.counts).toEqual({ fast: 1, fallback: 0 });
    expect(t.app.buffer.size).toBe(2);
  });
});

describe('errors on the compiled path are graphql-js errors', () => {
  it('runs variables that do not coerce again through envelop (same answer as Yoga, nothing recorded)', async () => {
    const t = await testApp();
    const url = await listen(t.app.handler);
    await post(url, { query: RECORD, variables: { input: event } }); // compiled and cached
    const bad = [
      { input: { ...event, timestamp: 'noon' } },
      { input: { ...event, nope: 1 } },
      { input: { ...event, siteId: 5 } },
      {},
    ];
    for (const variables of bad) {
      for (const accept of ['application/json', 'application/graphql-response+json']) {
        const answer = await post(url, { query: RECORD, variables }, { accept });
        expect(answer).toEqual(await viaYoga(t, { query: RECORD, variables }, { accept }));
        expect(answer.body).toContain('BAD_USER_INPUT');
      }
    }
    expect(t.app.graphqlFastPath.compiled).toMatchObject({ compilations: 1, reruns: bad.length * 2 });
    expect(t.app.buffer.size).toBe(1);
  });

  it('runs a rejected mutation again through envelop, counting the refusal once', async () => {
    const t = await testApp();
    const url = await listen(t.app.handler);
    const refused = t.app.services.ingest.refused;
    const variables = { inputs: [event, { ...event, path: 'nope' }] };
    await post(url, { query: BATCH, variables: { inputs: [event] } });
    const answer = await post(url, { query: BATCH, variables });
    expect(refused.invalid).toBe(1);
    expect(answer).toEqual(await viaYoga(t, { query: BATCH, variables }));
    expect(refused.invalid).toBe(2); // Yoga's own
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(t.app.buffer.size).toBe(1);
  });

  it('answers OVERLOADED as Yoga does, counted once, and records nothing twice', async () => {
    const t = await testApp({ PULSE_BUFFER_CAPACITY: 2 });
    const url = await listen(t.app.handler);
    const refused = t.app.services.ingest.refused;
    await post(url, { query: BATCH, variables: { inputs: [event] } }); // through envelop; the next one compiled
    const variables = { inputs: [event, event] };
    const answer = await post(url, { query: BATCH, variables });
    expect(refused.overloaded).toBe(1);
    expect(answer).toEqual(await viaYoga(t, { query: BATCH, variables }));
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('OVERLOADED');
    expect(t.app.graphqlFastPath.compiled.reruns).toBe(1);
    expect(t.app.buffer.size).toBe(1);
  });

  it('answers a mutation that accepted some events itself, errors masked and located as graphql-js does', async () => {
    const query = `mutation Two($input: EventInput!) {
      a: recordEvent(input: $input) { accepted }
      b: recordEvent(input: $input) { accepted }
    }`;
    const variables = { input: event };
    const t = await testApp({ PULSE_BUFFER_CAPACITY: 3 });
    const url = await listen(t.app.handler);
    await post(url, { query, variables }); // through envelop: both accepted; the next one is compiled
    const answer = await post(url, { query, variables });
    // The same on a second app through Yoga alone (the second request's first field fills its buffer too).
    const reference = await testApp({ PULSE_BUFFER_CAPACITY: 3 });
    await viaYoga(reference, { query, variables });
    expect(answer).toEqual(await viaYoga(reference, { query, variables }));
    expect(JSON.parse(answer.body)).toMatchObject({
      data: null,
      errors: [{ path: ['b'], locations: [{ line: 3, column: 7 }], extensions: { code: 'OVERLOADED' } }],
    });
    expect(t.app.graphqlFastPath.compiled).toMatchObject({ compilations: 1, reruns: 0 });
    expect(t.app.buffer.size).toBe(3);
    expect(t.app.services.ingest.refused.overloaded).toBe(1);
  });

  it('runs a query whose execution failed again through envelop (API key missing)', async () => {
    const t = await testApp({ PULSE_API_KEYS: ['key'] });
    const url = await listen(t.app.handler);
    for (let i = 0; i < 2; i++) {
      const denied = await post(url, { query: STATS });
      expect(denied).toEqual(await viaYoga(t, { query: STATS }));
      expect(JSON.parse(denied.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const wrong = await post(url, { query: STATS }, { authorization: 'Bearer nope' });
      expect(JSON.parse(wrong.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const allowed = await post(url, { query: STATS }, { authorization: 'Bearer key' });
      expect(JSON.parse(allowed.body)).toEqual({ data: { siteStats: { totalEvents: 0 } } });
    }
    // the first request went through envelop; the three refused ones after it ran again there
    expect(t.app.graphqlFastPath.compiled).toMatchObject({ compilations: 1, reruns: 3 });
  });
});

describe('documents the compiled path takes or leaves', () => {
  it('answers fragments, aliases and __typename as Yoga does', async () => {
    const t = await testApp();
    const url = await listen(t.app.handler);
    const query = `mutation M($input: EventInput!, $inputs: [EventInput!]!) {
      one: recordEvent(input: $input) { ...One }
      many: recordEvents(inputs: $inputs) { n: accepted __typename }
    }
    fragment One on RecordEventPayload { ok: accepted kind: __typename }`;
    const variables = { input: event, inputs: [event, event] };
    await post(url, { query, variables }); // through envelop; the next one compiled
    const answer = await post(url, { query, variables });
    expect(answer).toEqual(await viaYoga(t, { query, variables }));
    expect(JSON.parse(answer.body)).toEqual({
      data: {
        one: { ok: true, kind: 'RecordEventPayload' },
        many: { n: 2, __typename: 'RecordEventsPayload' },
      },
    });
    expect(t.app.graphqlFastPath.compiled).toMatchObject({ compilations: 1, reruns: 0 });
  });

  it("answers the dashboard's stats documents over stored events as Yoga does", async () => {
    const t = await testApp();
    const url = await listen(t.app.handler);
    const inputs = Array.from({ length: 40 }, (_, i) => ({
      ...event,
      path: `/p/${i % 4}`,
      eventType: i % 3 ? 'page_view' : 'signup',
      userId: `u${i % 7}`,
      timestamp: `2025-11-${String(10 + (i % 5)).padStart(2, '0')}T1${i % 10}:30:01Z`,
      referrer: i % 2 ? 'https://news.example.com/a' : undefined,
      country: i % 2 ? 'de' : 'US',
      browser: 'Firefox',
    }));
    await post(url, { query: BATCH, variables: { inputs } });
    await t.app.flusher.flush();
    const documents = [
      { query: SITES },
      { query: statsQuery(true), variables: { siteId: 's', from: '2025-11-09', to: '2025-11-15', interval: 'DAY' } },
      {
        query: statsQuery(false),
        variables: {
          siteId: 's',
          date: '2025-11-12',
          interval: 'HOUR',
          timeZone: 'Europe/Berlin',
          filters: [{ dimension: 'COUNTRY', value: 'DE' }],
        },
      },
      { query: statsQuery(false), variables: { siteId: 's', interval: 'SECOND' } }, // an enum that does not coerce
    ];
    for (let pass = 0; pass < 2; pass++) {
      for (const payload of documents) {
        const answer = await post(url, payload);
        expect(answer).toEqual(await viaYoga(t, payload));
      }
    }
    expect(JSON.parse((await post(url, documents[1])).body).data.siteStats.totalEvents).toBe(40);
    // SITES and the two stats texts (the last two documents share one); BATCH was sent once
    expect(t.app.graphqlFastPath.compiled).toMatchObject({ size: 4, compilations: 3, reruns: 2 });
  });

  it('answers the introspection query as Yoga does', async () => {
    const t = await testApp();
    const url = await listen(t.app.handler);
    const query = { query: getIntrospectionQuery({ descriptions: true, specifiedByUrl: true }) };
    for (let i = 0; i < 2; i++) expect(await post(url, query)).toEqual(await viaYoga(t, query));
    expect(t.app.graphqlFastPath.compiled).toMatchObject({ compilations: 1, reruns: 0 });
  });

  it('leaves subscriptions and invalid documents to Yoga without compiling them', async () => {
    const t = await testApp();
    const url = await listen(t.app.handler);
    const subscription = { query: 'subscription { liveStats(siteId: "s") { totalEvents } }' };
    const json = { accept: 'application/json' };
    expect(await post(url, subscription, json)).toEqual(await viaYoga(t, subscription, json));
    expect(await post(url, { query: '{ nope }' })).toEqual(await viaYoga(t, { query: '{ nope }' }));
    expect(t.app.graphqlFastPath.compiled).toMatchObject({ size: 0, compilations: 0 });
    expect(t.app.graphqlFastPath.counts).toEqual({ fast: 0, fallback: 2 });
  });
});
