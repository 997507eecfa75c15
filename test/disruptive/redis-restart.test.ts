// Redis stopped and started again under load, with two instances on one SQLite file (A takes the
// events, B serves a liveStats subscriber): ingestion carries on and stores every accepted event,
// /readyz stays 200 and names `live` degraded while Redis is down, and B's subscriber, still on
// its first socket, gets the next update once Redis is back; a subscriber on A gets A's own changes
// throughout. Redis is always started again.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { countStoredEvents, freshDatabase } from '../helpers/db.js';
import { gql, RECORD_EVENTS, waitUntil } from '../helpers/e2e.js';
import { type LiveSubscription, subscribeLive } from '../helpers/live.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { describeWith, REDIS_URL } from '../helpers/services.js';

const REDIS_START = [
  '--daemonize',
  'yes',
  '--bind',
  '127.0.0.1',
  '-::1',
  '--port',
  '6379',
  '--save',
  '',
  '--appendonly',
  'no',
  '--dir',
  '/var/lib/redis',
  '--logfile',
  '/var/log/redis/ci.log',
];

function redisUp(): boolean {
  try {
    const out = execFileSync('redis-cli', ['-p', '6379', 'ping'], {
      encoding: 'utf8',
      timeout: 2000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.trim() === 'PONG';
  } catch {
    return false;
  }
}

async function startRedis(): Promise<void> {
  if (!redisUp()) execFileSync('redis-server', REDIS_START, { stdio: 'ignore' });
  await waitUntil(redisUp, (up) => up, { timeoutMs: 30_000, intervalMs: 100 });
}

async function readyz(server: RunningServer): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.baseUrl}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describeWith(['Redis'], 'Redis restarted under load', () => {
  const siteId = 'redis-restart';
  let dbPath: string;
  let a: RunningServer;
  let b: RunningServer;
  let live: LiveSubscription | undefined;
  let liveOnA: LiveSubscription | undefined;

  beforeAll(async () => {
    const db = freshDatabase();
    dbPath = db.path;
    const env = { DATABASE_URL: db.url, REDIS_URL, PULSE_FLUSH_INTERVAL_MS: '50', PULSE_LIVE_INTERVAL_MS: '50' };
    a = await startServer(env);
    b = await startServer(env);
    for (const s of [a, b])
      await waitUntil(
        () => readyz(s),
        (r) => r.body.live === 'ok',
      );
  });

  afterAll(async () => {
    try {
      await live?.close();
      await liveOnA?.close();
      await Promise.all([a?.stop(), b?.stop()]);
    } finally {
      await startRedis();
    }
  });

  it('keeps ingesting, reports live degraded, and resumes pushes on the same socket', async () => {
    live = await subscribeLive(b.wsUrl, siteId);
    liveOnA = await subscribeLive(a.wsUrl, siteId);
    let accepted = 0;
    let sent = 0;
    const send = async () => {
      const n = 10;
      const inputs = Array.from({ length: n }, (_, i) => ({
        siteId,
        eventType: 'page_view',
        path: `/p/${(sent + i) % 7}`,
        userId: `u${(sent + i) % 50}`,
        timestamp: new Date().toISOString(),
      }));
      sent += n;
      const res = await gql<{ recordEvents: { accepted: number } }>(a.graphqlUrl, RECORD_EVENTS, { inputs });
      expect(res.body.errors).toBeUndefined();
      accepted += res.body.data?.recordEvents.accepted ?? 0;
    };
    let loading = true;
    const load = (async () => {
      while (loading) {
        await send();
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    try {
      // Redis carries A's changes to B before the outage…
      await live.waitFor((s) => s.totalEvents > 0);

      execFileSync('redis-cli', ['-p', '6379', 'shutdown', 'nosave'], { stdio: 'ignore', timeout: 5000 });
      // …then both instances report the feed degraded, and stay ready.
      for (const s of [a, b]) {
        const down = await waitUntil(
          () => readyz(s),
          (r) => typeof r.body.live === 'string' && r.body.live.startsWith('degraded'),
        );
        expect(down.status).toBe(200);
        expect(down.body).toMatchObject({ status: 'ready', database: 'ok', buffer: 'ok', flush: 'ok' });
      }
      const acceptedWhileDown = accepted;
      // ingestion goes on while Redis is down
      await waitUntil(
        () => accepted,
        (n) => n >= acceptedWhileDown + 100,
      );
      // A's own subscriber still gets A's changes: local pushes do not go through Redis.
      const localSubscriber = liveOnA;
      await localSubscriber.waitFor((st) => st.totalEvents >= acceptedWhileDown + 100);
      expect(redisUp()).toBe(false);
      // A's flushes meanwhile were dropped, not queued
      const metrics = await (await fetch(`${a.baseUrl}/metrics`)).text();
      const dropped = /^pulse_live_feed_messages_total\{kind="dropped"\} (\S+)$/m.exec(metrics)?.[1];
      expect(Number(dropped)).toBeGreaterThan(0);
      expect(metrics).toMatch(/^pulse_live_feed_up 0$/m);
    } finally {
      await startRedis();
    }

    for (const s of [a, b])
      await waitUntil(
        () => readyz(s),
        (r) => r.status === 200 && r.body.live === 'ok',
      );
    loading = false;
    await load;

    // Every accepted event is stored…
    await waitUntil(
      () => countStoredEvents(dbPath, 'site_id = ?', siteId),
      (n) => n === accepted,
    );
    // …and the subscriber that stayed connected sees the next change A flushes.
    await send();
    const total = accepted;
    await waitUntil(
      () => countStoredEvents(dbPath, 'site_id = ?', siteId),
      (n) => n === total,
    );
    const last = await live.waitFor((s) => s.totalEvents === total);
    expect(last.totalViews).toBe(total);
    expect(live.closes).toBe(0);
  }, 90_000);
});
