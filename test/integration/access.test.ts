// Access: PULSE_API_KEYS protects every way to read stats (siteStats, liveStats over WebSocket and
// SSE, GET /stats, /metrics) and leaves ingestion public; PULSE_ALLOWED_SITES refuses events for
// other sites, whole requests at a time.
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testApp } from '../helpers/app.js';
import { LIVE_STATS, RECORD_EVENT, RECORD_EVENTS, readSse } from '../helpers/e2e.js';
import { BROWSER_UA, listen } from '../helpers/hardening.js';

const KEY = 'k-secret-1';
const TS = '2025-11-15T10:00:00Z';

async function gqlHttp(url: string, query: string, variables: Record<string, unknown>, headers = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] },
  };
}

const codeOf = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.[0]?.extensions?.code;

describe('PULSE_API_KEYS', () => {
  it('protects siteStats, GET /stats and /metrics: no key or a wrong key is refused, a right key reads', async () => {
    const t = await testApp({ PULSE_API_KEYS: [KEY, 'other'] });
    const { baseUrl, graphqlUrl } = await listen(t.app);
    const query = '{ siteStats(siteId: "s") { totalEvents } }';
    const refused: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: KEY }];
    for (const headers of refused) {
      expect(codeOf((await gqlHttp(graphqlUrl, query, {}, headers)).body)).toBe('UNAUTHENTICATED');
      const stats = await fetch(`${baseUrl}/stats?site_id=s&date=2025-11-15`, { headers });
      expect(stats.status).toBe(401);
      expect(stats.headers.get('www-authenticate')).toBe('Bearer');
      expect(await stats.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect((await fetch(`${baseUrl}/metrics`, { headers })).status).toBe(401);
    }
    const auth = { authorization: `Bearer ${KEY}` };
    expect((await gqlHttp(graphqlUrl, query, {}, auth)).body).toEqual({ data: { siteStats: { totalEvents: 0 } } });
    expect((await fetch(`${baseUrl}/stats?site_id=s&date=2025-11-15`, { headers: auth })).status).toBe(200);
    const metrics = await fetch(`${baseUrl}/metrics`, { headers: { authorization: 'Bearer other' } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('pulse_events_accepted_total');
  });

  it('keeps ingestion public: GraphQL, REST and the pixel take events without a key', async () => {
    const t = await testApp({ PULSE_API_KEYS: [KEY] });
    const { baseUrl, graphqlUrl } = await listen(t.app);
    const one = await gqlHttp(graphqlUrl, RECORD_EVENT, { input: { siteId: 's', eventType: 'e', timestamp: TS } });
    expect(one.body).toEqual({ data: { recordEvent: { accepted: true } } });
    const rest = await fetch(`${baseUrl}/event`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site_id: 's', event_type: 'e', timestamp: TS }),
    });
    expect(rest.status).toBe(202);
    const pixel = await fetch(`${baseUrl}/pixel.gif?site_id=s`, { headers: { 'user-agent': BROWSER_UA } });
    expect(pixel.status).toBe(200);
    expect(t.app.buffer.size).toBe(3);
  });

  it('protects liveStats over SSE with the Authorization header', async () => {
    const t = await testApp({ PULSE_API_KEYS: [KEY] });
    const { graphqlUrl } = await listen(t.app);
    const firstEvent = async (headers: Record<string, string>) => {
      const controller = new AbortController();
      const res = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
        body: JSON.stringify({ query: LIVE_STATS, variables: { siteId: 'live' } }),
        signal: controller.signal,
      });
      if (!res.body) throw new Error('no body');
      for await (const event of readSse(res.body)) {
        if (event.event !== 'next') continue;
        controller.abort();
        return JSON.parse(event.data) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
      }
      throw new Error('stream ended');
    };
    expect(codeOf(await firstEvent({}))).toBe('UNAUTHENTICATED');
    expect(codeOf(await firstEvent({ authorization: 'Bearer nope' }))).toBe('UNAUTHENTICATED');
    expect(await firstEvent({ authorization: `Bearer ${KEY}` })).toMatchObject({
      data: { liveStats: { siteId: 'live', totalEvents: 0 } },
    });
  });

  it('protects liveStats over WebSocket: a wrong key closes with 4403, no key is refused per operation, the key reads', async () => {
    const t = await testApp({ PULSE_API_KEYS: [KEY] });
    const { wsUrl } = await listen(t.app);
    const subscribeOnce = (connectionParams?: Record<string, unknown>) =>
      new Promise<unknown>((resolve) => {
        const client = createClient({
          url: wsUrl,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          lazy: true,
          connectionParams,
        });
        const done = (value: unknown) => {
          void client.dispose();
          resolve(value);
        };
        client.subscribe(
          { query: LIVE_STATS, variables: { siteId: 'live' } },
          {
            next: (value) => done({ next: value }),
            error: (error) => done({ error }),
            complete: () => done('complete'),
          },
        );
      });

    const wrong = (await subscribeOnce({ Authorization: 'Bearer wrong' })) as { error: { code: number } };
    expect(wrong.error.code).toBe(4403);

    // No key at all: the socket stays open (ingestion over WebSocket is public), the stats are refused.
    const none = (await subscribeOnce()) as { next: { data?: unknown; errors?: { extensions?: { code?: string } }[] } };
    expect(none.next.data ?? null).toBeNull();
    expect(codeOf(none.next)).toBe('UNAUTHENTICATED');

    expect(await subscribeOnce({ Authorization: `Bearer ${KEY}` })).toMatchObject({
      next: { data: { liveStats: { siteId: 'live', totalEvents: 0 } } },
    });
  });
});

describe('PULSE_ALLOWED_SITES', () => {
  it('refuses events for other sites with FORBIDDEN / 403, a whole batch at a time', async () => {
    const t = await testApp({ PULSE_ALLOWED_SITES: ['shop.example', 'blog.example'] });
    const { baseUrl, graphqlUrl } = await listen(t.app);
    const event = (siteId: string) => ({ siteId, eventType: 'page_view', timestamp: TS });

    expect((await gqlHttp(graphqlUrl, RECORD_EVENT, { input: event('shop.example') })).body).toEqual({
      data: { recordEvent: { accepted: true } },
    });
    const other = await gqlHttp(graphqlUrl, RECORD_EVENT, { input: event('evil.example') });
    expect(codeOf(other.body)).toBe('FORBIDDEN');
    const mixed = await gqlHttp(graphqlUrl, RECORD_EVENTS, {
      inputs: [event('shop.example'), event('blog.example'), event('evil.example')],
    });
    expect(codeOf(mixed.body)).toBe('FORBIDDEN');
    expect(mixed.body.data ?? null).toBeNull();

    const rest = await fetch(`${baseUrl}/event`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site_id: 'evil.example', event_type: 'e', timestamp: TS }),
    });
    expect(rest.status).toBe(403);
    expect(await rest.json()).toMatchObject({ status: 'error', code: 'FORBIDDEN' });
    const pixel = await fetch(`${baseUrl}/pixel.gif?site_id=evil.example`, { headers: { 'user-agent': BROWSER_UA } });
    expect(pixel.status).toBe(403);
    const allowedPixel = await fetch(`${baseUrl}/pixel.gif?site_id=blog.example`, {
      headers: { 'user-agent': BROWSER_UA },
    });
    expect(allowedPixel.status).toBe(200);

    // Only the two allowed single events were taken; the mixed batch took none.
    expect(t.app.buffer.size).toBe(2);
    expect(t.app.services.ingest.refused.forbidden).toBe(4);
  });
});
