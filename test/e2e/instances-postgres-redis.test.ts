// Two built servers on one PostgreSQL database and one Redis, with npm start's defaults (flush every
// 200 ms, live pushes at most every 250 ms): an event accepted by A is in siteStats on B and in a
// liveStats subscription on B within 1 s; one eventId sent to both is stored once; and SIGTERM to
// A under load stores every event A acknowledged while B keeps serving.
import { afterEach, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/open.js';
import { countStored, freshStorageUrl } from '../helpers/backends.js';
import { gql, RECORD_EVENT, RECORD_EVENTS, siteStats, todayUtc, waitUntil } from '../helpers/e2e.js';
import { type LiveSubscription, subscribeLive } from '../helpers/live.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { describeWith, REDIS_URL } from '../helpers/services.js';

const running: RunningServer[] = [];
const subscriptions: LiveSubscription[] = [];
afterEach(async () => {
  await Promise.all(subscriptions.splice(0).map((s) => s.close()));
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** A and B on a fresh PostgreSQL database, both with REDIS_URL, each reporting live: ok. */
async function twoInstances(): Promise<{ a: RunningServer; b: RunningServer; url: string }> {
  const { url } = await freshStorageUrl('postgres');
  const env = { DATABASE_URL: url, REDIS_URL, LOG_LEVEL: 'warn' };
  const [a, b] = (await Promise.all([startServer(env), startServer(env)])) as [RunningServer, RunningServer];
  running.push(a, b);
  for (const s of [a, b]) {
    await waitUntil(
      async () => (await (await fetch(`${s.baseUrl}/readyz`)).json()) as Record<string, unknown>,
      (body) => body.live === 'ok',
    );
  }
  return { a, b, url };
}

async function storedCount(url: string, where: string, ...args: unknown[]): Promise<number> {
  const storage = await openStorage(url);
  try {
    return await countStored(storage, where, ...args);
  } finally {
    await storage.close();
  }
}

describeWith(['PostgreSQL', 'Redis'], 'two instances on PostgreSQL and Redis', () => {
  it('shows an event accepted by A in siteStats and liveStats on B within 1 s', async () => {
    const { a, b } = await twoInstances();
    const siteId = 'pg-redis';
    const live = await subscribeLive(b.wsUrl, siteId);
    subscriptions.push(live);

    const res = await gql(a.graphqlUrl, RECORD_EVENT, {
      input: { siteId, eventType: 'page_view', path: '/a', userId: 'u1', timestamp: new Date().toISOString() },
    });
    expect(res.body).toEqual({ data: { recordEvent: { accepted: true } } });
    const acceptedAt = Date.now();

    const [pushed, stats] = await Promise.all([
      live.waitFor((s) => s.totalEvents === 1).then((s) => ({ s, ms: Date.now() - acceptedAt })),
      waitUntil(
        () => siteStats(b.graphqlUrl, siteId, todayUtc()),
        (s) => s.totalEvents === 1,
      ).then((s) => ({ s, ms: Date.now() - acceptedAt })),
    ]);
    const expected = {
      siteId,
      date: todayUtc(),
      totalViews: 1,
      uniqueUsers: 1,
      totalEvents: 1,
      topPaths: [{ path: '/a', views: 1 }],
    };
    expect(pushed.s).toEqual(expected);
    expect(stats.s).toEqual(expected);
    expect(pushed.ms, 'liveStats push on B, ms after A accepted').toBeLessThanOrEqual(1000);
    expect(stats.ms, 'siteStats on B, ms after A accepted').toBeLessThanOrEqual(1000);
  });

  it('stores an eventId sent to A and to B once', async () => {
    const { a, b, url } = await twoInstances();
    const input = {
      siteId: 'pg-redis-ids',
      eventType: 'purchase',
      eventId: 'order-7',
      timestamp: new Date().toISOString(),
    };
    for (const s of [a, b]) {
      expect((await gql(s.graphqlUrl, RECORD_EVENT, { input })).body).toEqual({
        data: { recordEvent: { accepted: true } },
      });
    }
    // both flushed (each instance flushes within 200 ms; SIGTERM drains what is left)
    await Promise.all([a.stop(), b.stop()]);
    expect(await storedCount(url, 'client_event_id = ?', 'order-7')).toBe(1);
    expect(await storedCount(url, 'site_id = ?', 'pg-redis-ids')).toBe(1);
  });

  it('stores every event A acknowledged when A gets SIGTERM under load, while B keeps serving', async () => {
    const { a, b, url } = await twoInstances();
    const siteId = 'pg-redis-sigterm';
    const live = await subscribeLive(b.wsUrl, siteId);
    subscriptions.push(live);
    let acknowledged = 0;
    let stop = false;
    let batch = 0;
    const load = async () => {
      while (!stop) {
        const n = 25;
        const inputs = Array.from({ length: n }, (_, i) => ({
          siteId,
          eventType: 'page_view',
          path: `/p/${(batch * n + i) % 9}`,
          timestamp: new Date().toISOString(),
        }));
        batch++;
        try {
          const res = await gql<{ recordEvents: { accepted: number } }>(a.graphqlUrl, RECORD_EVENTS, { inputs });
          // a refusal while A stops (`stopping`) acknowledges nothing
          acknowledged += res.body.data?.recordEvents.accepted ?? 0;
        } catch {
          // A closed the connection: nothing was acknowledged
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    };
    const clients = [load(), load(), load()];
    await waitUntil(
      () => acknowledged,
      (n) => n >= 500,
    );
    const exit = a.stop('SIGTERM');
    // B keeps serving while A drains and exits
    await waitUntil(
      () => siteStats(b.graphqlUrl, siteId),
      (s) => s.totalEvents > 0,
    );
    expect(await exit).toBe(0);
    stop = true;
    await Promise.all(clients);

    expect(await storedCount(url, 'site_id = ?', siteId)).toBe(acknowledged);
    expect((await siteStats(b.graphqlUrl, siteId)).totalEvents).toBe(acknowledged);
    await live.waitFor((s) => s.totalEvents === acknowledged);
    expect(live.closes).toBe(0);
  }, 120_000);
});
