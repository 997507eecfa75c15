// The liveStats subscription on the real server, over WebSocket (graphql-ws) and over SSE: today's
// stats at once, then a push when a newly stored event changes them.
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { gql, LIVE_STATS, RECORD_EVENT, readSse, type SiteStatsData, todayUtc } from '../helpers/e2e.js';
import { serverForFile } from '../helpers/server.js';

const file = serverForFile({ PULSE_FLUSH_INTERVAL_MS: '50', PULSE_LIVE_INTERVAL_MS: '50' });

async function recordPageView(siteId: string, path: string, userId: string): Promise<void> {
  const res = await gql(file.server.graphqlUrl, RECORD_EVENT, {
    input: { siteId, eventType: 'page_view', path, userId, timestamp: new Date().toISOString() },
  });
  expect(res.body).toEqual({ data: { recordEvent: { accepted: true } } });
}

/** Fails a pending wait with a useful message rather than hanging until the test timeout. */
function withTimeout<T>(promise: Promise<T>, what: string, ms = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise
      .catch((error: unknown) => {
        throw closeAsError(error, what);
      })
      .finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    }),
  ]);
}

/** graphql-ws rejects with the socket's CloseEvent; make that a readable Error. */
function closeAsError(error: unknown, what: string): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null || !('code' in error)) return error;
  const { code, reason } = error as { code: unknown; reason?: unknown };
  return new Error(`socket closed while waiting for ${what}: ${String(code)} ${String(reason ?? '')}`);
}

describe('liveStats over WebSocket (graphql-transport-ws)', () => {
  it('emits the empty day at once, then a push after an event is recorded', async () => {
    const siteId = 'live-ws-site';
    const client = createClient({ url: file.server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    try {
      const subscription = client.iterate<{ liveStats: SiteStatsData }>({
        query: LIVE_STATS,
        variables: { siteId },
      });
      const first = await withTimeout(subscription.next(), 'the initial emission');
      expect(first.done).toBe(false);
      expect(first.value).toEqual({
        data: {
          liveStats: {
            siteId,
            date: todayUtc(),
            totalViews: 0,
            uniqueUsers: 0,
            totalEvents: 0,
            topPaths: [],
          },
        },
      });

      await recordPageView(siteId, '/live', 'visitor-1');

      const second = await withTimeout(subscription.next(), 'the push after recordEvent');
      expect(second.done).toBe(false);
      expect(second.value?.errors).toBeUndefined();
      expect(second.value?.data?.liveStats).toEqual({
        siteId,
        date: todayUtc(),
        totalViews: 1,
        uniqueUsers: 1,
        totalEvents: 1,
        topPaths: [{ path: '/live', views: 1 }],
      });
      await subscription.return?.();
    } finally {
      await client.dispose();
    }
  });

  it('runs queries and mutations over the same socket too', async () => {
    const client = createClient({ url: file.server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    try {
      const result = await withTimeout(
        new Promise<unknown>((resolve, reject) => {
          let value: unknown;
          client.subscribe(
            {
              query: RECORD_EVENT,
              variables: {
                input: { siteId: 'ws-mutation', eventType: 'page_view', timestamp: '2025-11-15T18:30:01Z' },
              },
            },
            { next: (v) => (value = v), error: reject, complete: () => resolve(value) },
          );
        }),
        'the mutation over WebSocket',
      );
      expect(result).toEqual({ data: { recordEvent: { accepted: true } } });
    } finally {
      await client.dispose();
    }
  });
});

describe('liveStats over SSE', () => {
  it('streams the empty day at once, then the changed count after an event is recorded', async () => {
    const siteId = 'live-sse-site';
    const controller = new AbortController();
    const res = await fetch(file.server.graphqlUrl, {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ query: LIVE_STATS, variables: { siteId } }),
      signal: controller.signal,
    });
    try {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      if (!res.body) throw new Error('no response body');
      const events = readSse(res.body);
      const nextData = async (what: string) => {
        for (;;) {
          const e = await withTimeout(events.next(), what);
          if (e.done) throw new Error(`stream ended before ${what}`);
          if (e.value.event === 'next') {
            return JSON.parse(e.value.data) as { data?: { liveStats: SiteStatsData }; errors?: unknown };
          }
          // Anything but "next" before our data is an error of the stream.
          expect(e.value.event, `unexpected SSE event ${JSON.stringify(e.value)}`).not.toBe('complete');
        }
      };

      const first = await nextData('the initial emission');
      expect(first).toEqual({
        data: {
          liveStats: { siteId, date: todayUtc(), totalViews: 0, uniqueUsers: 0, totalEvents: 0, topPaths: [] },
        },
      });

      await recordPageView(siteId, '/sse', 'visitor-1');
      await recordPageView(siteId, '/sse', 'visitor-2');

      // The two events may be stored by one flush or two; pushes are coalesced, so wait for the
      // emission that has both (each emission only ever shows more).
      let latest = await nextData('a push after recordEvent');
      expect(latest.errors).toBeUndefined();
      expect(latest.data?.liveStats.totalViews).toBeGreaterThan(0);
      while ((latest.data?.liveStats.totalViews ?? 0) < 2) latest = await nextData('the push with both events');
      expect(latest.data?.liveStats).toEqual({
        siteId,
        date: todayUtc(),
        totalViews: 2,
        uniqueUsers: 2,
        totalEvents: 2,
        topPaths: [{ path: '/sse', views: 2 }],
      });
      await events.return(undefined);
    } finally {
      controller.abort();
    }
  });

  it('serves GET /graphql with Accept: text/event-stream too (the SSE route docs/api.md names)', async () => {
    const siteId = 'live-sse-get';
    const controller = new AbortController();
    const url = new URL(file.server.graphqlUrl);
    url.searchParams.set('query', LIVE_STATS);
    url.searchParams.set('variables', JSON.stringify({ siteId }));
    const res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
    try {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      if (!res.body) throw new Error('no response body');
      const events = readSse(res.body);
      let first = await withTimeout(events.next(), 'the initial emission');
      while (!first.done && first.value.event !== 'next')
        first = await withTimeout(events.next(), 'the initial emission');
      if (first.done) throw new Error('stream ended before the initial emission');
      expect(JSON.parse(first.value.data)).toEqual({
        data: {
          liveStats: { siteId, date: todayUtc(), totalViews: 0, uniqueUsers: 0, totalEvents: 0, topPaths: [] },
        },
      });
      await events.return(undefined);
    } finally {
      controller.abort();
    }
  });
});
