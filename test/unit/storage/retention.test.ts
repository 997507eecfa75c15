// Retention (PULSE_RETENTION_DAYS, storage/retention.ts): keeps the last N whole UTC days of raw
// events, today included, and nothing before; prunes at start and then every hour, so the cutoff
// follows the clock past midnight. The rollups (and so the stats of pruned days) are kept.
import { afterEach, expect, it, vi } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { configWith } from '../../../src/config.js';
import type { EventRecord } from '../../../src/core/event.js';
import { createLogger } from '../../../src/logger.js';
import { openStorage } from '../../../src/storage/open.js';
import { startRetention } from '../../../src/storage/retention.js';
import { countStored, describeBackends, freshStorageUrl, rawQuery } from '../../helpers/backends.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** "now" in these tests: 2026-12-01 15:00 UTC */
const NOW = Date.UTC(2026, 11, 1, 15);
const TODAY = Date.UTC(2026, 11, 1);

const event = (id: number, timestamp: number): EventRecord => ({
  id,
  siteId: 's',
  eventType: 'page_view',
  path: '/',
  userId: `u${id}`,
  timestamp,
});

/** The events at these instants, ids 1, 2, … */
const at = (...instants: number[]) => instants.map((t, i) => event(i + 1, t));

async function storedInstants(storage: Awaited<ReturnType<typeof openStorage>>): Promise<number[]> {
  const rows = await rawQuery<{ timestamp: string | number }>(
    storage,
    'SELECT timestamp FROM events ORDER BY timestamp',
  );
  return rows.map((r) => Number(r.timestamp));
}

/** A promise and what settles it (Promise.withResolvers is newer than Node 20). */
function signal() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

afterEach(() => {
  vi.useRealTimers();
});

describeBackends('retention', (backend) => {
  it('with PULSE_RETENTION_DAYS=1 keeps today (UTC) and nothing before, and the stats of the pruned days', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const { url } = await freshStorageUrl(backend);
    const before = await openStorage(url);
    const kept = [TODAY, TODAY + 1, NOW - 1, NOW];
    const pruned = [TODAY - 2 * DAY, TODAY - DAY, TODAY - DAY + 1, TODAY - 1];
    await before.writeBatch(at(...pruned, ...kept));
    const totalsBefore = await before.totals({ siteId: 's', start: null, end: null, filters: [] });
    await before.close();

    const app = await buildApp(configWith({ DATABASE_URL: url, PULSE_RETENTION_DAYS: 1 }), createLogger('error'));
    try {
      // the app prunes once at start
      await vi.waitFor(async () => expect(await countStored(app.storage)).toBe(kept.length), { timeout: 10_000 });
      expect(await storedInstants(app.storage)).toEqual(kept);
      expect(await app.storage.totals({ siteId: 's', start: null, end: null, filters: [] })).toEqual(totalsBefore);
      expect(totalsBefore.totalEvents).toBe(8);
    } finally {
      await app.stop();
    }
  });

  it('prunes again every hour, so the cutoff moves on at midnight, until stopped', async () => {
    // 23:30 UTC: one hour later it is tomorrow
    const now = TODAY + 23.5 * HOUR;
    vi.useFakeTimers({ now, toFake: ['Date', 'setInterval', 'clearInterval'] });
    const storage = await openStorage((await freshStorageUrl(backend)).url);
    try {
      await storage.writeBatch(at(TODAY - 1, TODAY, now, TODAY + DAY, TODAY + DAY + HOUR));
      const runs: { deleted: number; cutoff: number }[] = [];
      let done = signal();
      const stop = startRetention(
        storage,
        1,
        (deleted, cutoff) => {
          runs.push({ deleted, cutoff });
          done.resolve();
        },
        (error) => done.reject(error),
      );
      await done.promise;
      expect(runs).toEqual([{ deleted: 1, cutoff: TODAY }]);

      // 59 minutes on: nothing runs
      done = signal();
      await vi.advanceTimersByTimeAsync(59 * 60_000);
      expect(runs).toHaveLength(1);
      // the hour is up: it is 00:30 tomorrow, and today's events are pruned
      await vi.advanceTimersByTimeAsync(60_000);
      await done.promise;
      expect(runs[1]).toEqual({ deleted: 2, cutoff: TODAY + DAY });
      expect(await storedInstants(storage)).toEqual([TODAY + DAY, TODAY + DAY + HOUR]);

      done = signal();
      await vi.advanceTimersByTimeAsync(HOUR);
      await done.promise;
      expect(runs[2]).toEqual({ deleted: 0, cutoff: TODAY + DAY });

      stop();
      await vi.advanceTimersByTimeAsync(3 * DAY);
      expect(runs).toHaveLength(3);
      expect(await countStored(storage)).toBe(2);
    } finally {
      await storage.close();
    }
  });
});
