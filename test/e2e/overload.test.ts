// A full buffer on the real server: every route rejects (OVERLOADED / 503 + Retry-After) instead of
// dropping or overwriting, and exactly the accepted events are stored after a graceful stop.
import { afterAll, describe, expect, it } from 'vitest';
import { countStoredEvents, freshDatabase } from '../helpers/db.js';
import { gql, RECORD_EVENT, RECORD_EVENTS } from '../helpers/e2e.js';
import { type RunningServer, startServer } from '../helpers/server.js';

const CAPACITY = 50;
const SITE = 'overload-site';
const TS = '2025-11-15T18:30:01Z';

let server: RunningServer | undefined;
afterAll(async () => {
  await server?.stop();
});

type Outcome = 'accepted' | 'rejected';

describe('a full ingest buffer', () => {
  it('rejects on every route once full, and stores exactly what it accepted', async () => {
    const db = freshDatabase();
    const running = await startServer({
      DATABASE_URL: db.url,
      PULSE_BUFFER_CAPACITY: String(CAPACITY),
      PULSE_FLUSH_INTERVAL_MS: '3600000',
      PULSE_FLUSH_BATCH_SIZE: '100000',
    });
    server = running;
    const { baseUrl, graphqlUrl } = running;

    const graphqlOne = async (n: number): Promise<Outcome> => {
      const res = await gql<{ recordEvent: { accepted: boolean } }>(graphqlUrl, RECORD_EVENT, {
        input: { siteId: SITE, eventType: 'gql', path: `/g/${n}`, timestamp: TS },
      });
      if (res.body.data?.recordEvent?.accepted === true) {
        expect(res.body.errors).toBeUndefined();
        return 'accepted';
      }
      expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(res.body)).toBe('OVERLOADED');
      expect(res.body.data?.recordEvent ?? null).toBeNull();
      return 'rejected';
    };

    const rest = async (n: number): Promise<Outcome> => {
      const res = await fetch(`${baseUrl}/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ site_id: SITE, event_type: 'rest', path: `/r/${n}`, timestamp: TS }),
      });
      if (res.status === 202) return 'accepted';
      expect(res.status).toBe(503);
      const retryAfter = res.headers.get('retry-after');
      expect(retryAfter).toMatch(/^\d+$/);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      // a page on another origin (sendBeacon, fetch) can read the refusal
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const body = (await res.json()) as { status: string; code: string };
      expect(body).toMatchObject({ status: 'error', code: 'OVERLOADED' });
      return 'rejected';
    };

    const pixel = async (n: number): Promise<Outcome> => {
      // A browser's User-Agent: pixel hits from bots (Node's fetch says "node") are not stored.
      const res = await fetch(`${baseUrl}/pixel.gif?site_id=${SITE}&event_type=pixel&path=/p/${n}&user_id=u${n}`, {
        headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' },
      });
      await res.arrayBuffer();
      if (res.status === 200) return 'accepted';
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      return 'rejected';
    };

    // 45 of the 50 slots in one batch.
    const big = await gql<{ recordEvents: { accepted: number } }>(graphqlUrl, RECORD_EVENTS, {
      inputs: Array.from({ length: 45 }, (_, i) => ({
        siteId: SITE,
        eventType: 'batch',
        path: `/b/${i}`,
        timestamp: TS,
      })),
    });
    expect(big.body).toEqual({ data: { recordEvents: { accepted: 45 } } });
    let accepted = 45;

    // A batch of 10 does not fit in the 5 free slots: rejected whole, none of it taken.
    const tooBig = await gql(graphqlUrl, RECORD_EVENTS, {
      inputs: Array.from({ length: 10 }, (_, i) => ({
        siteId: SITE,
        eventType: 'nofit',
        path: `/n/${i}`,
        timestamp: TS,
      })),
    });
    expect(tooBig.body.errors?.[0]?.extensions?.code).toBe('OVERLOADED');
    expect(tooBig.body.data ?? null).toBeNull();

    // Round-robin over the three routes, three requests in flight at a time, well past capacity.
    const seen = {
      graphql: { accepted: 0, rejected: 0 },
      rest: { accepted: 0, rejected: 0 },
      pixel: { accepted: 0, rejected: 0 },
    };
    for (let n = 0; n < 20; n++) {
      const [g, r, p] = await Promise.all([graphqlOne(n), rest(n), pixel(n)]);
      seen.graphql[g]++;
      seen.rest[r]++;
      seen.pixel[p]++;
    }
    accepted += seen.graphql.accepted + seen.rest.accepted + seen.pixel.accepted;

    // Nothing was flushed, so exactly the free slots were given out, and after that every route said no.
    expect(accepted).toBe(CAPACITY);
    expect(seen.graphql.rejected).toBeGreaterThan(0);
    expect(seen.rest.rejected).toBeGreaterThan(0);
    expect(seen.pixel.rejected).toBeGreaterThan(0);
    // Once full, a request on each route is rejected (no route bypasses the buffer).
    expect(await graphqlOne(100)).toBe('rejected');
    expect(await rest(100)).toBe('rejected');
    expect(await pixel(100)).toBe('rejected');

    // Readiness reports the full buffer.
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable' });

    // Nothing is stored yet (no flush ran); the graceful stop writes all accepted events.
    expect(countStoredEvents(db.path)).toBe(0);
    const code = await running.stop('SIGTERM');
    expect(code, running.output()).toBe(0);
    expect(countStoredEvents(db.path)).toBe(accepted);
    expect(countStoredEvents(db.path, 'event_type = ?', 'batch')).toBe(45);
    expect(countStoredEvents(db.path, 'event_type = ?', 'nofit')).toBe(0);
    expect(countStoredEvents(db.path, 'event_type = ?', 'gql')).toBe(seen.graphql.accepted);
    expect(countStoredEvents(db.path, 'event_type = ?', 'rest')).toBe(seen.rest.accepted);
    expect(countStoredEvents(db.path, 'event_type = ?', 'pixel')).toBe(seen.pixel.accepted);
  });
});
