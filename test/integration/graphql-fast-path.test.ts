// The node:http fast path for POST /graphql must answer exactly as Yoga does: each request here
// goes once through Yoga (yoga.fetch) and once through the app's HTTP handler, and the status,
// content type and body must match.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { negotiateMediaType } from '../../src/http/graphql-fast.js';
import { type TestApp, testApp } from '../helpers/app.js';
import { rawExecute } from '../helpers/backends.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function listen(t: TestApp): Promise<string> {
  const server = createServer(t.app.handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

interface Answer {
  status: number;
  type: string | null;
  body: string;
}

async function both(t: TestApp, url: string, body: string, headers: Record<string, string> = {}) {
  const init = { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body };
  const read = async (r: Response): Promise<Answer> => ({
    status: r.status,
    type: r.headers.get('content-type'),
    body: await r.text(),
  });
  const viaYoga = await read(await t.app.yoga.fetch('http://localhost/graphql', init));
  const viaHttp = await read(await fetch(url, init));
  return { viaYoga, viaHttp };
}

const RECORD = 'mutation R($input: EventInput!) { recordEvent(input: $input) { accepted } }';
const event = { siteId: 's', eventType: 'page_view', path: '/x', timestamp: '2025-11-15T18:30:01Z' };

const cases: [string, unknown, Record<string, string>?][] = [
  ['a valid mutation', { query: RECORD, variables: { input: event } }],
  [
    'graphql-response+json',
    { query: RECORD, variables: { input: event } },
    { accept: 'application/graphql-response+json' },
  ],
  [
    'both JSON types listed',
    { query: RECORD, variables: { input: event } },
    { accept: 'application/graphql-response+json, application/json' },
  ],
  ['*/*', { query: RECORD, variables: { input: event } }, { accept: '*/*' }],
  ['an input the resolver rejects', { query: RECORD, variables: { input: { ...event, path: 'nope' } } }],
  [
    'an input the resolver rejects (graphql-response+json)',
    { query: RECORD, variables: { input: { ...event, path: 'nope' } } },
    { accept: 'application/graphql-response+json' },
  ],
  ['a variable that does not coerce', { query: RECORD, variables: { input: { ...event, timestamp: 'noon' } } }],
  [
    'a variable that does not coerce (graphql-response+json)',
    { query: RECORD, variables: { input: { ...event, timestamp: 'noon' } } },
    { accept: 'application/graphql-response+json' },
  ],
  ['a missing variable', { query: RECORD }],
  ['a query', { query: '{ siteStats(siteId: "s") { siteId totalEvents date topPaths { path } } }' }],
  ['an operation name', { query: `${RECORD} query Q { siteStats(siteId: "s") { totalEvents } }`, operationName: 'Q' }],
  [
    'an unknown operation name',
    { query: `${RECORD} query Q { siteStats(siteId: "s") { totalEvents } }`, operationName: 'Nope' },
  ],
  ['a syntax error', { query: 'mutation {' }],
  ['a validation error', { query: '{ nope }' }],
  ['a bad literal', { query: '{ siteStats(siteId: "s", date: "2025-13-01") { totalEvents } }' }],
  ['a batch (array body)', [{ query: '{ __typename }' }]],
  ['no query', { variables: {} }],
  [
    'a subscription asking for plain JSON',
    { query: 'subscription { liveStats(siteId: "s") { totalEvents } }' },
    { accept: 'application/json' },
  ],
];

describe('POST /graphql fast path answers as Yoga does', () => {
  it.each(cases)('%s', async (_name, payload, headers) => {
    const t = await testApp();
    const url = await listen(t);
    const { viaYoga, viaHttp } = await both(t, url, JSON.stringify(payload), headers);
    expect(viaHttp).toEqual(viaYoga);
  });

  it('answers the same headers the same way every time (their parse is remembered)', async () => {
    const t = await testApp();
    const url = await listen(t);
    const body = JSON.stringify({ query: RECORD, variables: { input: event } });
    const headerSets: Record<string, string>[] = [
      {},
      { accept: 'application/graphql-response+json' },
      { accept: 'text/event-stream' },
      { accept: 'text/html' },
      { 'content-type': 'application/json; charset=latin1' },
    ];
    for (let round = 0; round < 3; round++) {
      for (const headers of headerSets) {
        const { viaYoga, viaHttp } = await both(t, url, body, headers);
        expect(viaHttp, JSON.stringify(headers)).toEqual(viaYoga);
      }
    }
  });

  it('answers malformed JSON as Yoga does', async () => {
    const t = await testApp();
    const { viaYoga, viaHttp } = await both(t, await listen(t), '{"query": ');
    expect(viaHttp).toEqual(viaYoga);
  });

  it('answers OVERLOADED and unauthenticated requests as Yoga does', async () => {
    const t = await testApp({ PULSE_BUFFER_CAPACITY: 1, PULSE_API_KEYS: ['key'] });
    const url = await listen(t);
    await t.gql(RECORD, { input: event });
    const full = await both(t, url, JSON.stringify({ query: RECORD, variables: { input: event } }));
    expect(full.viaHttp).toEqual(full.viaYoga);
    expect(full.viaHttp.body).toContain('OVERLOADED');
    const stats = JSON.stringify({ query: '{ siteStats(siteId: "s") { totalEvents } }' });
    const denied = await both(t, url, stats);
    expect(denied.viaHttp).toEqual(denied.viaYoga);
    expect(denied.viaHttp.body).toContain('UNAUTHENTICATED');
    const allowed = await both(t, url, stats, { authorization: 'Bearer key' });
    expect(allowed.viaHttp).toEqual(allowed.viaYoga);
    expect(JSON.parse(allowed.viaHttp.body)).toEqual({ data: { siteStats: { totalEvents: 0 } } });
  });

  it('masks internal failures as Yoga does', async () => {
    const t = await testApp();
    const url = await listen(t);
    await rawExecute(t.app.storage, 'DROP TABLE rollup_days');
    const { viaYoga, viaHttp } = await both(
      t,
      url,
      JSON.stringify({ query: '{ siteStats(siteId: "s") { totalEvents } }' }),
    );
    expect(viaHttp).toEqual(viaYoga);
    expect(viaHttp.body).toContain('Unexpected error.');
  });

  it('takes valid operations itself and hands the rest to Yoga', async () => {
    const t = await testApp();
    const url = await listen(t);
    await both(t, url, JSON.stringify({ query: RECORD, variables: { input: event } }));
    expect(t.app.graphqlFastPath.counts).toEqual({ fast: 1, fallback: 0 });
    await both(t, url, JSON.stringify({ query: '{ nope }' }));
    expect(t.app.graphqlFastPath.counts).toEqual({ fast: 1, fallback: 1 });
    // not JSON, or asking for a stream: Yoga's own node handler, not the fast path
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/graphql+json' }, body: '{}' });
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: '{}',
    });
    expect(t.app.graphqlFastPath.counts).toEqual({ fast: 1, fallback: 1 });
  });

  it('records each event exactly once', async () => {
    const t = await testApp();
    const url = await listen(t);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: RECORD, variables: { input: event } }),
    });
    expect(await res.json()).toEqual({ data: { recordEvent: { accepted: true } } });
    expect(t.app.buffer.size).toBe(1);
  });

  it('answers 413 for a body over PULSE_MAX_BODY_BYTES', async () => {
    const t = await testApp({ PULSE_MAX_BODY_BYTES: 2048 });
    const res = await fetch(await listen(t), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: RECORD, variables: { input: { ...event, path: `/${'x'.repeat(4000)}` } } }),
    });
    expect(res.status).toBe(413);
    expect(t.app.buffer.size).toBe(0);
  });
});

describe('negotiateMediaType', () => {
  it.each([
    [undefined, 'application/json'],
    ['*/*', 'application/json'],
    ['application/json', 'application/json'],
    ['application/graphql-response+json', 'application/graphql-response+json'],
    ['application/graphql-response+json, application/json;q=0.9', 'application/graphql-response+json'],
    ['text/html', null],
    ['text/event-stream', null],
    ['application/json; charset=latin1', null],
  ])('%s → %s', (accept, expected) => {
    expect(negotiateMediaType(accept)).toBe(expected);
  });
});

describe('parse errors seen first by the fast path', () => {
  it('keep GRAPHQL_PARSE_FAILED and status 400 on both paths', async () => {
    const t = await testApp();
    const url = await listen(t);
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{' }),
    };
    const first = await fetch(url, init);
    const second = await t.app.yoga.fetch('http://localhost/graphql', init);
    for (const res of [first, second]) {
      expect(res.status).toBe(400);
      const body = (await res.json()) as { errors: { extensions?: { code?: string } }[] };
      expect(body.errors[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    }
  });
});
