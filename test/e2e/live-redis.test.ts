// liveStats across instances: two built servers on one SQLite file (only A takes events, B reads
// the same file). With REDIS_URL, A's flush reaches a subscriber on B over Redis pub/sub; without
// it, B never hears of A's change although the event is stored (so Redis is what carries it).
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHANGES_CHANNEL } from '../../src/live/change-feed.js';
import { freshDatabase } from '../helpers/db.js';
import { gql, RECORD_EVENT, siteStats, todayUtc, waitUntil } from '../helpers/e2e.js';
import { type LiveSubscription, subscribeLive } from '../helpers/live.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { describeWith, REDIS_URL } from '../helpers/services.js';

const FAST = { PULSE_FLUSH_INTERVAL_MS: '50', PULSE_LIVE_INTERVAL_MS: '50' };

async function recordPageView(server: RunningServer, siteId: string, path: string): Promise<void> {
  const res = await gql(server.graphqlUrl, RECORD_EVENT, {
    input: { siteId, eventType: 'page_view', path, userId: `u-${path}`, timestamp: new Date().toISOString() },
  });
  expect(res.body).toEqual({ data: { recordEvent: { accepted: true } } });
}

async function readyBody(server: RunningServer): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.baseUrl}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const subscriptions: LiveSubscription[] = [];
afterEach(async () => {
  await Promise.all(subscriptions.splice(0).map((s) => s.close()));
});

describeWith(['Redis'], 'liveStats across two instances over Redis', () => {
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    const db = freshDatabase();
    const env = { DATABASE_URL: db.url, REDIS_URL, ...FAST };
    a = await startServer(env);
    b = await startServer(env);
    // Each instance reports its change feed in /readyz once it is subscribed.
    for (const server of [a, b]) {
      await waitUntil(
        () => readyBody(server),
        (r) => r.body.live === 'ok',
      );
    }
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('names live: ok in /readyz beside the other dependencies', async () => {
    const { status, body } = await readyBody(b);
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ready', database: 'ok', buffer: 'ok', flush: 'ok', live: 'ok' });
  });

  it('pushes an event accepted by A to a subscriber on B', async () => {
    const siteId = 'cross-instance';
    const live = await subscribeLive(b.wsUrl, siteId);
    subscriptions.push(live);
    expect(live.received[0]).toMatchObject({ siteId, date: todayUtc(), totalEvents: 0 });

    await recordPageView(a, siteId, '/from-a');
    const pushed = await live.waitFor((s) => s.totalEvents === 1);
    expect(pushed).toEqual({
      siteId,
      date: todayUtc(),
      totalViews: 1,
      uniqueUsers: 1,
      totalEvents: 1,
      topPaths: [{ path: '/from-a', views: 1 }],
    });

    // and the next one too: the feed keeps carrying changes, coalesced per site
    await recordPageView(a, siteId, '/again');
    expect(await live.waitFor((s) => s.totalEvents === 2)).toMatchObject({ totalViews: 2 });
    expect(live.closes).toBe(0);

    // /metrics shows the feed up, A's messages published and B's received
    const metric = async (server: RunningServer, name: string) => {
      const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? Number.NaN : Number(line.slice(name.length + 1));
    };
    expect(await metric(a, 'pulse_live_feed_up')).toBe(1);
    expect(await metric(a, 'pulse_live_feed_messages_total{kind="published"}')).toBeGreaterThanOrEqual(2);
    expect(await metric(b, 'pulse_live_feed_messages_total{kind="received"}')).toBeGreaterThanOrEqual(2);
    expect(await metric(a, 'pulse_live_feed_messages_total{kind="dropped"}')).toBe(0);
  });

  it('skips messages on the channel that are not a change report, and carries on', async () => {
    const siteId = 'junk-on-channel';
    const live = await subscribeLive(b.wsUrl, siteId);
    subscriptions.push(live);
    const redis = new Redis(REDIS_URL);
    try {
      for (const junk of ['not json', '{"from":"x","sites":"nope"}', 'null', '[1,2]', '{"sites":[42]}']) {
        await redis.publish(CHANGES_CHANNEL, junk);
      }
    } finally {
      redis.disconnect();
    }
    await recordPageView(a, siteId, '/after-junk');
    expect(await live.waitFor((s) => s.totalEvents === 1)).toMatchObject({ siteId, totalViews: 1 });
    expect(b.proc.exitCode).toBeNull();
    expect((await readyBody(b)).body.live).toBe('ok');
  });

  it('keeps the Redis password out of logs and /readyz', async () => {
    const db = freshDatabase();
    const secret = 'hunter2-not-the-password';
    const c = await startServer({
      DATABASE_URL: db.url,
      ...FAST,
      // Redis here has no password: AUTH fails, which the instance reports without the secret.
      REDIS_URL: REDIS_URL.replace('redis://', `redis://pulse:${secret}@`),
      LOG_LEVEL: 'info',
    });
    try {
      const ready = await waitUntil(
        () => readyBody(c),
        (r) => typeof r.body.live === 'string' && r.body.live.startsWith('degraded'),
      );
      expect(ready.status).toBe(200);
      await recordPageView(c, 'password-site', '/p');
      await waitUntil(
        () => siteStats(c.graphqlUrl, 'password-site'),
        (s) => s.totalEvents === 1,
      );
      expect(JSON.stringify(ready.body)).not.toContain(secret);
      expect(c.output()).toMatch(/live updates degraded/);
      expect(c.output()).not.toContain(secret);
    } finally {
      await c.stop();
    }
    expect(c.output()).not.toContain(secret);
  });
});

describe('liveStats across two instances without REDIS_URL', () => {
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    const db = freshDatabase();
    a = await startServer({ DATABASE_URL: db.url, ...FAST });
    b = await startServer({ DATABASE_URL: db.url, ...FAST });
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('stores A’s event where B reads it, but B’s subscriber gets no push', async () => {
    const siteId = 'no-fan-out';
    const live = await subscribeLive(b.wsUrl, siteId);
    subscriptions.push(live);
    await recordPageView(a, siteId, '/from-a');
    // B reads the event from the shared file…
    await waitUntil(
      () => siteStats(b.graphqlUrl, siteId),
      (s) => s.totalEvents === 1,
    );
    // …yet within 30 live intervals no push reaches B's subscriber: only B's own flushes tell it.
    await new Promise((r) => setTimeout(r, 1500));
    expect(live.received).toHaveLength(1);
    expect(live.received[0]?.totalEvents).toBe(0);
    const { body } = await readyBody(b);
    expect(body).not.toHaveProperty('live');
  });
});
