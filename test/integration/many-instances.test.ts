// Several Pulse instances on one database (two in-process apps here, each with its own
// connections, writer and instance number): a client eventId sent to both is stored once, events
// accepted by one are in the other's stats, and with both flushing at once every accepted event
// is stored exactly once.
import { afterEach, expect, it } from 'vitest';
import { buildApp, type PulseApp } from '../../src/app.js';
import { configWith } from '../../src/config.js';
import { dayOf } from '../../src/core/time.js';
import { createLogger } from '../../src/logger.js';
import { siteStats } from '../../src/stats/site-stats.js';
import { openStorage } from '../../src/storage/open.js';
import { type Backend, countStored, describeBackends, freshStorageUrl, rawQuery } from '../helpers/backends.js';
import { RECORD_EVENTS } from '../helpers/e2e.js';

const apps: PulseApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.stop()));
});

async function twoInstances(backend: Backend): Promise<[PulseApp, PulseApp]> {
  const { url } = await freshStorageUrl(backend);
  const config = configWith({ DATABASE_URL: url, PULSE_FLUSH_INTERVAL_MS: 60_000 });
  const pair = (await Promise.all([1, 2].map(() => buildApp(config, createLogger('error'))))) as [PulseApp, PulseApp];
  apps.push(...pair);
  return pair;
}

async function gql(app: PulseApp, query: string, variables: Record<string, unknown>) {
  const res = await app.yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

const event = (path: string, over: Record<string, unknown> = {}) => ({
  siteId: 'multi',
  eventType: 'page_view',
  path,
  userId: `u-${path.length % 7}`,
  timestamp: '2025-11-15T12:00:00Z',
  ...over,
});

describeBackends('many instances on one database', (backend) => {
  it('store a client eventId sent to both once, and each sees what the other stored', async () => {
    const [a, b] = await twoInstances(backend);
    const retried = event('/checkout', { eventId: 'order-42' });
    expect((await gql(a, RECORD_EVENTS, { inputs: [retried, event('/from-a')] })).data).toEqual({
      recordEvents: { accepted: 2 },
    });
    expect((await gql(b, RECORD_EVENTS, { inputs: [retried] })).data).toEqual({ recordEvents: { accepted: 1 } });
    await Promise.all([a.flusher.flush(), b.flusher.flush()]);
    expect(await countStored(a.storage, 'client_event_id = ?', 'order-42')).toBe(1);
    const stats = await gql(
      b,
      '{ siteStats(siteId: "multi", date: "2025-11-15") { totalEvents topPaths { path } } }',
      {},
    );
    expect(stats.data).toEqual({
      siteStats: { totalEvents: 2, topPaths: [{ path: '/checkout' }, { path: '/from-a' }] },
    });
  });

  it('give distinct event ids and store every accepted event once while both flush at once', async () => {
    const [a, b] = await twoInstances(backend);
    let accepted = 0;
    for (let round = 0; round < 10; round++) {
      const sent = await Promise.all(
        [a, b].map((app, i) =>
          gql(app, RECORD_EVENTS, {
            inputs: Array.from({ length: 50 }, (_, k) => event(`/p/${round}/${i}/${k}`, { userId: `u${k % 9}` })),
          }),
        ),
      );
      for (const s of sent) accepted += (s.data?.recordEvents as { accepted: number } | undefined)?.accepted ?? 0;
      await Promise.all([a.flusher.flush(), b.flusher.flush()]);
    }
    expect(accepted).toBe(1000);
    expect(await countStored(a.storage)).toBe(accepted);
    const [ids] = await rawQuery<{ n: string | number }>(a.storage, 'SELECT count(DISTINCT id) AS n FROM events');
    expect(Number(ids?.n)).toBe(accepted);
    const stats = await gql(a, '{ siteStats(siteId: "multi") { totalEvents uniqueUsers } }', {});
    expect(stats.data).toEqual({ siteStats: { totalEvents: 1000, uniqueUsers: 9 } });
  });
});

describeBackends('many writers, the same user on different days', (backend) => {
  it('count the user once over both days however the two flushes interleave', async () => {
    const { url } = await freshStorageUrl(backend);
    const [a, b] = [await openStorage(url), await openStorage(url)];
    try {
      const day5 = Date.UTC(2025, 10, 5, 10);
      const day6 = Date.UTC(2025, 10, 6, 15);
      let id = 1;
      const sites: string[] = [];
      for (let i = 0; i < 30; i++) {
        // no rollup row in common (other day, hour, type and path), so neither flush waits for the other
        const siteId = `race-${i}`;
        sites.push(siteId);
        const one = { id: id++, siteId, eventType: 'click', path: '/a', userId: 'u', timestamp: day5 };
        const other = { id: id++, siteId, eventType: 'signup', path: '/b', userId: 'u', timestamp: day6 };
        await Promise.all([a.writeBatch([one]), b.writeBatch([other])]);
      }
      for (const siteId of sites) {
        const both = await siteStats(a, { siteId, fromDay: dayOf(day5), toDay: dayOf(day6) });
        expect(both.uniqueUsers, siteId).toBe(1);
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
