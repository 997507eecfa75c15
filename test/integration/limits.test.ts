// Every GraphQL limit refuses what is over it, with its status and code, over HTTP (the fast path
// and Yoga's own path) with the documented defaults: graphql-armor's depth, aliases, tokens,
// directives and cost, hidden field suggestions, the body size (413), CSRF prevention, and
// introspection and GraphiQL switched off.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testApp } from '../helpers/app.js';
import { listen } from '../helpers/hardening.js';

interface GraphQLAnswer {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function post(url: string, query: string, headers: Record<string, string> = {}): Promise<GraphQLAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as GraphQLAnswer['body'] };
}

/** `{ __type { ofType { ofType … { name } } } }`: valid GraphQL, `levels` + 2 deep. */
const deepQuery = (levels: number) =>
  `{ __type(name: "SiteStats") { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} } }`;

const costlyQuery = (spreads: number) =>
  `{ __type(name: "SiteStats") { ${'...F '.repeat(spreads)}} }
   fragment F on __Type { name kind fields { name type { name kind ofType { name kind ofType { name kind } } } } }`;

function expectRefused(answer: GraphQLAnswer, code: string, message: RegExp): void {
  expect(answer.status).toBe(400);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors?.some((e) => e.extensions?.code === code && message.test(e.message))).toBe(true);
}

describe('GraphQL limits (graphql-armor, defaults)', () => {
  it('refuses documents over each limit and runs those at the limit', async () => {
    const t = await testApp();
    const { graphqlUrl } = await listen(t.app);

    // depth: 10
    expect((await post(graphqlUrl, deepQuery(8))).body.errors).toBeUndefined();
    expectRefused(await post(graphqlUrl, deepQuery(9)), 'GRAPHQL_VALIDATION_FAILED', /depth limit of 10 exceeded/);

    // aliases: 15
    const aliased = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: siteStats(siteId: "s") { totalEvents }`).join(' ')} }`;
    expect((await post(graphqlUrl, aliased(15))).body.errors).toBeUndefined();
    expectRefused(await post(graphqlUrl, aliased(16)), 'GRAPHQL_VALIDATION_FAILED', /Aliases limit of 15 exceeded/);

    // tokens: 2000, a parse error, so nothing is recorded. An inline event is 11 tokens: batches
    // of more than ~180 events belong in variables (as every client library sends them).
    const inlineBatch = (n: number) =>
      `mutation { recordEvents(inputs: [${'{ siteId: "tokens", eventType: "e", timestamp: "2025-11-15T00:00:00Z" } '.repeat(n)}]) { accepted } }`;
    expect((await post(graphqlUrl, inlineBatch(180))).body).toEqual({ data: { recordEvents: { accepted: 180 } } });
    expectRefused(await post(graphqlUrl, inlineBatch(181)), 'GRAPHQL_PARSE_FAILED', /Token limit of 2000 exceeded/);
    expect(t.app.buffer.size).toBe(180);

    // directives: 10
    const directed = (n: number) => `{ ${'... @include(if: true) { __typename } '.repeat(n)}}`;
    expect((await post(graphqlUrl, directed(10))).body.errors).toBeUndefined();
    expectRefused(await post(graphqlUrl, directed(11)), 'GRAPHQL_VALIDATION_FAILED', /Directives limit of 10 exceeded/);

    // cost: 5000 (30 spreads cost about 4346, 40 about 5796)
    expect((await post(graphqlUrl, costlyQuery(30))).body.errors).toBeUndefined();
    expectRefused(await post(graphqlUrl, costlyQuery(40)), 'GRAPHQL_VALIDATION_FAILED', /Cost limit of 5000 exceeded/);
  });

  it('answers over-limit documents with application/json as the spec says (200, errors, no data)', async () => {
    const t = await testApp();
    const { graphqlUrl } = await listen(t.app);
    const answer = await post(graphqlUrl, deepQuery(20), { accept: 'application/json' });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('takes its limits from the configuration', async () => {
    const t = await testApp({ PULSE_MAX_DEPTH: 3, PULSE_MAX_ALIASES: 1 });
    const { graphqlUrl } = await listen(t.app);
    expectRefused(
      await post(
        graphqlUrl,
        '{ siteStats(siteId: "s") { topPaths { path } } __type(name: "Query") { ofType { ofType { name } } } }',
      ),
      'GRAPHQL_VALIDATION_FAILED',
      /depth limit of 3 exceeded, found 4/,
    );
    expectRefused(
      await post(graphqlUrl, '{ a: siteStats(siteId: "s") { totalEvents } b: siteStats(siteId: "t") { totalEvents } }'),
      'GRAPHQL_VALIDATION_FAILED',
      /Aliases limit of 1 exceeded/,
    );
  });

  it('hides field suggestions, which would reveal the schema', async () => {
    const t = await testApp();
    const { graphqlUrl } = await listen(t.app);
    const answer = await post(graphqlUrl, '{ siteStat(siteId: "s") { totalEvent } }');
    expect(answer.status).toBe(400);
    const messages = answer.body.errors?.map((e) => e.message).join('\n') ?? '';
    expect(messages).toMatch(/Cannot query field "siteStat"/);
    expect(messages).not.toMatch(/Did you mean/);
    expect(messages).not.toContain('"siteStats"');
  });

  it('limits subscriptions over WebSocket the same way, answering an error without closing the socket', async () => {
    const t = await testApp();
    const { wsUrl } = await listen(t.app);
    const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
    const messages: { type: string; id?: string; payload?: unknown }[] = [];
    const next = () =>
      new Promise<{ type: string; id?: string; payload?: unknown }>((resolve, reject) => {
        if (messages.length) return resolve(messages.shift() as (typeof messages)[number]);
        ws.once('message', () => resolve(messages.shift() as (typeof messages)[number]));
        ws.once('close', (code) => reject(new Error(`closed ${code}`)));
      });
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'connection_init' }));
    expect((await next()).type).toBe('connection_ack');

    ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: deepQuery(20) } }));
    const deep = await next();
    expect(deep).toMatchObject({ id: '1', type: 'error' });
    expect(JSON.stringify(deep.payload)).toMatch(/depth limit of 10 exceeded/);

    ws.send(JSON.stringify({ id: '2', type: 'subscribe', payload: { query: `{ ${'__typename,'.repeat(3000)}}` } }));
    const long = await next();
    expect(long).toMatchObject({ id: '2', type: 'error' });
    expect(JSON.stringify(long.payload)).toMatch(/Token limit of 2000 exceeded/);

    // the socket is still usable
    ws.send(JSON.stringify({ id: '3', type: 'subscribe', payload: { query: '{ __typename }' } }));
    expect(await next()).toEqual({ id: '3', type: 'next', payload: { data: { __typename: 'Query' } } });
    ws.close();
  });
});

describe('request body size (PULSE_MAX_BODY_BYTES)', () => {
  it('answers 413 on every route that reads a body, and on WebSocket closes with 1009', async () => {
    const limit = 2048;
    const t = await testApp({ PULSE_MAX_BODY_BYTES: limit });
    const { baseUrl, graphqlUrl, wsUrl } = await listen(t.app);
    const big = `{ __typename ${' '.repeat(limit)}}`;

    // the fast path (POST JSON)
    const fast = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: big }),
    });
    expect(fast.status).toBe(413);
    // Yoga's own path: another content type, and SSE
    const graphqlBody = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/graphql' },
      body: big,
    });
    expect(graphqlBody.status).toBe(413);
    const sse = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: big }),
    });
    expect(sse.status).toBe(413);
    // the same sizes under the limit pass
    const small = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/graphql' },
      body: '{ __typename }',
    });
    expect(small.status).toBe(200);
    // REST
    const rest = await fetch(`${baseUrl}/event`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site_id: 's', event_type: 'x'.repeat(limit), timestamp: '2025-11-15T00:00:00Z' }),
    });
    expect(rest.status).toBe(413);

    // graphql-ws: a message over the limit closes the socket (1009: message too big)
    const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(limit) } }));
    expect(await closed).toBe(1009);
  });

  it('answers 413 at the default of 1 MiB', async () => {
    const t = await testApp();
    const { graphqlUrl } = await listen(t.app);
    const res = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename ${' '.repeat(1024 * 1024)}}` }),
    });
    expect(res.status).toBe(413);
  });
});

describe('CSRF prevention', () => {
  const GET_QUERY = `?query=${encodeURIComponent('{ __typename }')}`;

  it('refuses GET and form requests without a CSRF header (403), and serves them with one', async () => {
    const t = await testApp();
    const { graphqlUrl } = await listen(t.app);
    const accept = { accept: 'application/graphql-response+json' };

    const bare = await fetch(`${graphqlUrl}${GET_QUERY}`, { headers: accept });
    expect(bare.status).toBe(403);
    expect(JSON.stringify(await bare.json())).toMatch(/CSRF/);

    const form = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { ...accept, 'content-type': 'application/x-www-form-urlencoded' },
      body: `query=${encodeURIComponent('{ __typename }')}`,
    });
    expect(form.status).toBe(403);

    for (const header of ['x-graphql-csrf', 'apollo-require-preflight', 'graphql-client-name', 'x-graphql-yoga-csrf']) {
      const ok = await fetch(`${graphqlUrl}${GET_QUERY}`, { headers: { ...accept, [header]: '1' } });
      expect(ok.status, header).toBe(200);
      expect(await ok.json()).toEqual({ data: { __typename: 'Query' } });
    }
    // A request with an API key was preflighted too (Authorization is not CORS-safelisted).
    const keyed = await fetch(`${graphqlUrl}${GET_QUERY}`, { headers: { ...accept, authorization: 'Bearer x' } });
    expect(keyed.status).toBe(200);
  });

  it('lets JSON POSTs (every GraphQL client), GraphiQL and EventSource subscriptions through', async () => {
    const t = await testApp();
    const { graphqlUrl } = await listen(t.app);
    expect((await post(graphqlUrl, '{ __typename }')).status).toBe(200);
    const graphiql = await fetch(graphqlUrl, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect(graphiql.headers.get('content-type')).toMatch(/^text\/html/);
    await graphiql.text();

    const controller = new AbortController();
    const sse = await fetch(
      `${graphqlUrl}?query=${encodeURIComponent('subscription { liveStats(siteId: "s") { totalEvents } }')}`,
      { headers: { accept: 'text/event-stream' }, signal: controller.signal },
    );
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    controller.abort();
  });

  it('is off with PULSE_CSRF_PREVENTION=false', async () => {
    const t = await testApp({ PULSE_CSRF_PREVENTION: false });
    const { graphqlUrl } = await listen(t.app);
    const res = await fetch(`${graphqlUrl}${GET_QUERY}`, { headers: { accept: 'application/graphql-response+json' } });
    expect(res.status).toBe(200);
  });

  it('never lets another origin read an answer with credentials', async () => {
    const t = await testApp();
    const { graphqlUrl } = await listen(t.app);
    const preflight = await fetch(graphqlUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('introspection and GraphiQL switches', () => {
  it('PULSE_INTROSPECTION=false refuses __schema and __type but keeps __typename', async () => {
    const t = await testApp({ PULSE_INTROSPECTION: false });
    const { graphqlUrl } = await listen(t.app);
    const schema = await post(graphqlUrl, '{ __schema { queryType { name } } }');
    expectRefused(schema, 'GRAPHQL_VALIDATION_FAILED', /introspection/i);
    expectRefused(
      await post(graphqlUrl, '{ __type(name: "Query") { name } }'),
      'GRAPHQL_VALIDATION_FAILED',
      /introspection/i,
    );
    expect((await post(graphqlUrl, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });

    const on = await testApp();
    const onUrl = (await listen(on.app)).graphqlUrl;
    expect((await post(onUrl, '{ __schema { queryType { name } } }')).body).toEqual({
      data: { __schema: { queryType: { name: 'Query' } } },
    });
  });

  it('PULSE_GRAPHIQL=false serves no GraphiQL page', async () => {
    const t = await testApp({ PULSE_GRAPHIQL: false });
    const { graphqlUrl } = await listen(t.app);
    const res = await fetch(graphqlUrl, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(await res.text()).not.toContain('GraphiQL');
  });
});
