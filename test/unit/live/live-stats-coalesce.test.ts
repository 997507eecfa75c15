// How LiveStats turns "site X changed" reports (from this instance's flushes or, over Redis, from
// other instances) into pushes: one stats load per site per interval for all its subscribers, the
// first change after a quiet spell without waiting, nothing for sites nobody here watches.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLivePubSub, LiveStats } from '../../../src/live/live-stats.js';
import type { SiteStats } from '../../../src/stats/scope.js';

const INTERVAL = 1000;

function setup() {
  const totals = new Map<string, number>();
  const loads: string[] = [];
  const live = new LiveStats({
    pubsub: createLivePubSub(),
    intervalMs: INTERVAL,
    loadToday: async (siteId) => {
      loads.push(siteId);
      return { siteId, totalEvents: totals.get(siteId) ?? 0 } as unknown as SiteStats;
    },
  });
  return { live, totals, loads };
}

describe('LiveStats coalescing', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('loads a site once per interval for all its subscribers, and pushes the same stats to each', async () => {
    const { live, totals, loads } = setup();
    const subs = [live.subscribe('hot'), live.subscribe('hot'), live.subscribe('hot')];
    for (const s of subs) await s.next();
    loads.length = 0;
    const next = subs.map((s) => s.next());

    totals.set('hot', 1);
    live.sitesChanged(['hot']);
    await vi.advanceTimersByTimeAsync(0);
    const pushed = await Promise.all(next);
    expect(loads).toEqual(['hot']);
    expect(pushed.map((p) => p.value)).toEqual([
      { siteId: 'hot', totalEvents: 1 },
      { siteId: 'hot', totalEvents: 1 },
      { siteId: 'hot', totalEvents: 1 },
    ]);

    // three more changes within the interval: one more load, at the end of the interval
    const again = subs.map((s) => s.next());
    for (const n of [2, 3, 4]) {
      totals.set('hot', n);
      live.sitesChanged(['hot']);
      await vi.advanceTimersByTimeAsync(INTERVAL / 10);
    }
    expect(loads).toEqual(['hot']);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(loads).toEqual(['hot', 'hot']);
    expect((await Promise.all(again)).map((p) => p.value)).toEqual(Array(3).fill({ siteId: 'hot', totalEvents: 4 }));
    for (const s of subs) await s.return?.();
    live.stop();
  });

  it('ignores sites with no subscriber here, and pushes nothing when the stats did not change', async () => {
    const { live, totals, loads } = setup();
    const sub = live.subscribe('watched');
    await sub.next();
    loads.length = 0;
    live.sitesChanged(['elsewhere', 'other']);
    await vi.advanceTimersByTimeAsync(INTERVAL * 2);
    expect(loads).toEqual([]);

    // a refresh after missed messages recomputes every watched site…
    const waiting = sub.next();
    totals.set('watched', 7);
    live.refreshAll();
    await vi.advanceTimersByTimeAsync(INTERVAL * 2);
    expect(loads).toEqual(['watched']);
    expect((await waiting).value).toEqual({ siteId: 'watched', totalEvents: 7 });

    // …and pushes nothing when they did not change
    let pushedAgain = false;
    const after = sub.next().then((r) => {
      pushedAgain = !r.done;
    });
    live.refreshAll();
    await vi.advanceTimersByTimeAsync(INTERVAL * 2);
    expect(loads).toEqual(['watched', 'watched']);
    expect(pushedAgain).toBe(false);
    await sub.return?.();
    await after;
    expect(pushedAgain).toBe(false);
    live.stop();
  });
});
