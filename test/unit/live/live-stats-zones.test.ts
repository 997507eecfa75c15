// LiveStats groups subscribers per (site, time zone): one load per group per change, each group
// loaded with its own zone and pushed only its own stats; leaving one zone keeps the others.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLivePubSub, LiveStats } from '../../../src/live/live-stats.js';
import type { SiteStats } from '../../../src/stats/scope.js';

const INTERVAL = 1000;

describe('LiveStats per time zone', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('loads and pushes each (site, zone) group on its own', async () => {
    let total = 0;
    const loads: string[] = [];
    const live = new LiveStats({
      pubsub: createLivePubSub(),
      intervalMs: INTERVAL,
      loadToday: async (siteId, timeZone) => {
        loads.push(`${siteId} ${timeZone}`);
        return { siteId, date: timeZone, totalEvents: total } as unknown as SiteStats;
      },
    });
    const utc = live.subscribe('s');
    const ny = [live.subscribe('s', 'America/New_York'), live.subscribe('s', 'America/New_York')];
    const ktm = live.subscribe('s', 'Asia/Kathmandu');
    expect((await utc.next()).value).toEqual({ siteId: 's', date: 'UTC', totalEvents: 0 });
    for (const sub of ny) expect((await sub.next()).value).toMatchObject({ date: 'America/New_York' });
    expect((await ktm.next()).value).toMatchObject({ date: 'Asia/Kathmandu' });
    expect(loads.sort()).toEqual(['s America/New_York', 's Asia/Kathmandu', 's UTC']);
    expect(live.subscriberCount).toBe(4);

    loads.length = 0;
    total = 1;
    const next = [utc, ...ny, ktm].map((sub) => sub.next());
    live.sitesChanged(['s']);
    await vi.advanceTimersByTimeAsync(0);
    expect(loads.sort()).toEqual(['s America/New_York', 's Asia/Kathmandu', 's UTC']);
    expect((await Promise.all(next)).map((r) => r.value)).toEqual([
      { siteId: 's', date: 'UTC', totalEvents: 1 },
      { siteId: 's', date: 'America/New_York', totalEvents: 1 },
      { siteId: 's', date: 'America/New_York', totalEvents: 1 },
      { siteId: 's', date: 'Asia/Kathmandu', totalEvents: 1 },
    ]);

    // Kathmandu's only subscriber leaves: its zone is no longer loaded, the others still are
    await ktm.return?.();
    expect(live.subscriberCount).toBe(3);
    loads.length = 0;
    total = 2;
    const again = [utc, ...ny].map((sub) => sub.next());
    live.sitesChanged(['s']);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(loads.sort()).toEqual(['s America/New_York', 's UTC']);
    expect((await Promise.all(again)).map((r) => r.value?.totalEvents)).toEqual([2, 2, 2]);
    for (const sub of [utc, ...ny]) await sub.return?.();
    expect(live.subscriberCount).toBe(0);
    live.stop();
  });
});
