// Rate limits on the ingest routes, per client address: 429 + Retry-After and RATE_LIMITED on
// GraphQL, REST and the pixel, per-operation errors over WebSocket; off by default, loopback exempt
// unless asked, X-Forwarded-For believed only with PULSE_TRUST_PROXY. The rate here is one token
// per 1000 s, so no token comes back while a test runs: what passes is exactly the burst.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testApp } from '../helpers/app.js';
import { BROWSER_UA, listen, metricValue, scrape } from '../helpers/hardening.js';

const TS = '2025-11-15T10:00:00Z';
const SLOW = { PULSE_RATE_LIMIT_PER_SECOND: 0.001, PULSE_RATE_LIMIT_BURST: 3 };

function routes(baseUrl: string, headers: Record<string, string> = {}) {
  return {
    graphql: () =>
      fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({
          query: 'mutation($i: EventInput!) { recordEvent(input: $i) { accepted } }',
          variables: { i: { siteId: 's', eventType: 'e', timestamp: TS } },
        }),
      }),
    rest: () =>
      fetch(`${baseUrl}/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ site_id: 's', event_type: 'e', timestamp: TS }),
      }),
    pixel: () => fetch(`${baseUrl}/pixel.gif?site_id=s`, { headers: { 'user-agent': BROWSER_UA, ...headers } }),
  };
}

async function drain(res: Response): Promise<Response> {
  await res.arrayBuffer();
  return res;
}

describe('rate limits', () => {
  it('refuses a client over its burst on every ingest route with 429, Retry-After and RATE_LIMITED', async () => {
    const t = await testApp({ ...SLOW, PULSE_RATE_LIMIT_LOOPBACK: true });
    const { baseUrl } = await listen(t.app);
    const r = routes(baseUrl);
    expect((await drain(await r.graphql())).status).toBe(200);
    expect((await drain(await r.rest())).status).toBe(202);
    expect((await drain(await r.pixel())).status).toBe(200);

    const graphql = await r.graphql();
    expect(graphql.status).toBe(429);
    expect(Number(graphql.headers.get('retry-after'))).toBeGreaterThan(900);
    const body = (await graphql.json()) as { errors: { extensions: { code: string; retryAfter: number } }[] };
    expect(body.errors[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });

    const rest = await r.rest();
    expect(rest.status).toBe(429);
    expect(rest.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(rest.headers.get('access-control-allow-origin')).toBe('*');
    expect(await rest.json()).toMatchObject({ status: 'error', code: 'RATE_LIMITED' });

    const pixel = await r.pixel();
    expect(pixel.status).toBe(429);
    expect(pixel.headers.get('retry-after')).toMatch(/^\d+$/);
    await pixel.arrayBuffer();

    // Nothing refused was taken; the routes that record nothing are not limited.
    expect(t.app.buffer.size).toBe(3);
    expect((await drain(await fetch(`${baseUrl}/healthz`))).status).toBe(200);
    expect((await drain(await fetch(`${baseUrl}/stats?site_id=s&date=2025-11-15`))).status).toBe(200);
    expect((await drain(await fetch(`${baseUrl}/event`, { method: 'OPTIONS' }))).status).toBe(204);
    expect(metricValue(await scrape(baseUrl), 'pulse_ingest_refused_total', { reason: 'rate_limited' })).toBe(3);
  });

  it('is off by default, and never applies to loopback clients unless PULSE_RATE_LIMIT_LOOPBACK is set', async () => {
    for (const overrides of [{}, SLOW]) {
      const t = await testApp(overrides);
      const { baseUrl } = await listen(t.app);
      const r = routes(baseUrl);
      for (let i = 0; i < 10; i++) expect((await drain(await r.rest())).status).toBe(202);
    }
  });

  it('believes X-Forwarded-For only with PULSE_TRUST_PROXY, giving each forwarded client its own bucket', async () => {
    const spoofed = await testApp({ ...SLOW });
    const plain = routes((await listen(spoofed.app)).baseUrl, { 'x-forwarded-for': '203.0.113.7' });
    // Not trusted: the header is ignored, the client is the loopback peer, which is exempt.
    for (let i = 0; i < 6; i++) expect((await drain(await plain.rest())).status).toBe(202);

    const t = await testApp({ ...SLOW, PULSE_TRUST_PROXY: 1 });
    const { baseUrl } = await listen(t.app);
    const a = routes(baseUrl, { 'x-forwarded-for': '203.0.113.7' });
    const b = routes(baseUrl, { 'x-forwarded-for': '6.6.6.6, 198.51.100.2' });
    for (let i = 0; i < 3; i++) expect((await drain(await a.rest())).status).toBe(202);
    expect((await drain(await a.rest())).status).toBe(429);
    // b's own address is the one our proxy appended (198.51.100.2): a fresh bucket
    for (let i = 0; i < 3; i++) expect((await drain(await b.rest())).status).toBe(202);
    expect((await drain(await b.rest())).status).toBe(429);
    // a client cannot escape its bucket by prepending addresses of its own
    const aSpoofing = routes(baseUrl, { 'x-forwarded-for': '192.0.2.99, 203.0.113.7' });
    expect((await drain(await aSpoofing.rest())).status).toBe(429);
  });

  it('limits operations over WebSocket with a per-operation RATE_LIMITED error, keeping the socket', async () => {
    const t = await testApp({ ...SLOW, PULSE_RATE_LIMIT_LOOPBACK: true });
    const { wsUrl } = await listen(t.app);
    const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
    const messages: { id?: string; type: string; payload?: unknown }[] = [];
    const waiting: (() => void)[] = [];
    ws.on('message', (data) => {
      messages.push(JSON.parse(String(data)));
      waiting.shift()?.();
    });
    const next = async () => {
      if (!messages.length) await new Promise<void>((r) => waiting.push(r));
      return messages.shift() as { id?: string; type: string; payload?: unknown };
    };
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'connection_init' }));
    expect((await next()).type).toBe('connection_ack');
    const outcomes: string[] = [];
    for (let i = 1; i <= 5; i++) {
      ws.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query: '{ __typename }' } }));
      const first = await next();
      if (first.type === 'next') expect((await next()).type).toBe('complete');
      else expect(JSON.stringify(first.payload)).toContain('RATE_LIMITED');
      outcomes.push(first.type);
    }
    expect(outcomes).toEqual(['next', 'next', 'next', 'error', 'error']);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});
