// A liveStats subscriber that leaves a quiet site is gone at once: not counted, no listener kept,
// even though no update ever arrived to wake the iterator (graphql-ws calls return() on complete
// or when the socket closes).
import { describe, expect, it } from 'vitest';
import { createLivePubSub, LiveStats } from '../../../src/live/live-stats.js';
import type { SiteStats } from '../../../src/stats/scope.js';

const stats = (siteId: string, totalEvents = 0) => ({ siteId, totalEvents }) as unknown as SiteStats;

describe('LiveStats.subscribe', () => {
  it('ends a waiting subscription at once on return(), and stops counting it', async () => {
    const pubsub = createLivePubSub();
    const live = new LiveStats({ pubsub, intervalMs: 10, loadToday: async (siteId) => stats(siteId) });
    const a = live.subscribe('quiet');
    const b = live.subscribe('quiet');
    expect(await a.next()).toEqual({ done: false, value: stats('quiet') });
    await b.next();
    expect(live.subscriberCount).toBe(2);

    const waiting = a.next();
    expect(await a.return?.()).toEqual({ done: true, value: undefined });
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(live.subscriberCount).toBe(1);

    // the one still there gets updates; the one that left gets nothing more
    const next = b.next();
    pubsub.publish('liveStats', 'quiet', stats('quiet', 3));
    expect(await next).toEqual({ done: false, value: stats('quiet', 3) });
    expect(await a.next()).toEqual({ done: true, value: undefined });
    await b.return?.();
    expect(live.subscriberCount).toBe(0);
  });

  it('leaves when the first load fails, passing the error on', async () => {
    const live = new LiveStats({
      pubsub: createLivePubSub(),
      intervalMs: 10,
      loadToday: async () => {
        throw new Error('database is locked');
      },
    });
    const it = live.subscribe('s');
    await expect(it.next()).rejects.toThrow('database is locked');
    expect(live.subscriberCount).toBe(0);
  });
});
