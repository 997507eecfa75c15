// Daily-rotating salts for anonymous visitor ids: the same visitor has the same id all day and a
// different one the next day, and a day's salt is deleted by the first refresh two days later,
// so an old id can never be recomputed (refreshes run every 15 minutes).
import { expect, it } from 'vitest';
import { VisitorIds } from '../../src/ingestion/visitor-id.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/port.js';
import { testApp } from '../helpers/app.js';
import { describeBackends, rawQuery } from '../helpers/backends.js';

const DAY = 86_400_000;

async function saltDays(storage: Storage): Promise<string[]> {
  return (await rawQuery<{ day: string }>(storage, 'SELECT day FROM visitor_salts ORDER BY day')).map((r) => r.day);
}

describeBackends('visitor id salts', (backend) => {
  it('rotate daily and are deleted within 48 hours of the end of their day', async () => {
    const t = await testApp({}, backend);
    const saltDaysOf = () => saltDays(t.app.storage);
    const visitors = new VisitorIds(t.app.storage);
    // A day well after the real one, so the app's own salts count as old too.
    const d0 = Date.UTC(new Date().getUTCFullYear() + 1, 0, 10, 9, 30);
    const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

    await visitors.refresh(d0);
    const morning = visitors.derive('site', '198.51.100.4', 'UA', d0);
    expect(visitors.derive('site', '198.51.100.4', 'UA', d0 + 10 * 3_600_000)).toBe(morning);
    expect(visitors.derive('other-site', '198.51.100.4', 'UA', d0)).not.toBe(morning);
    expect(morning).not.toContain('198.51.100.4');
    expect((await saltDaysOf()).filter((d) => d >= dayOf(d0 - DAY))).toEqual([dayOf(d0), dayOf(d0 + DAY)]);

    // day 0's id holds to its last millisecond; the next day's (its salt is loaded ahead) from midnight
    const midnight = Math.floor(d0 / DAY) * DAY + DAY;
    expect(visitors.derive('site', '198.51.100.4', 'UA', midnight - 1)).toBe(morning);
    const nextDay = visitors.derive('site', '198.51.100.4', 'UA', midnight);
    expect(nextDay).not.toBe(morning);

    // the next day: a new id for the same visitor
    await visitors.refresh(d0 + DAY);
    expect(visitors.derive('site', '198.51.100.4', 'UA', d0 + DAY)).toBe(nextDay);
    expect(await saltDaysOf()).toContain(dayOf(d0));

    // two days on, day 0's salt is gone (and nothing older than yesterday is left)
    await visitors.refresh(d0 + 2 * DAY);
    const left = await saltDaysOf();
    expect(left).not.toContain(dayOf(d0));
    expect(left.every((day) => day >= dayOf(d0 + DAY))).toBe(true);
    visitors.stop();
  });
});

describeBackends('visitor id salts, many instances', (backend) => {
  it('are the same for every instance on the database, however many create them at once', async () => {
    const t = await testApp({}, backend);
    const others = await Promise.all([1, 2, 3].map(() => openStorage(t.url)));
    try {
      const d0 = Date.UTC(new Date().getUTCFullYear() + 2, 5, 1, 12);
      const instances = [t.app.storage, ...others].map((s) => new VisitorIds(s));
      await Promise.all(instances.map((v) => v.refresh(d0)));
      const ids = instances.map((v) => v.derive('site', '203.0.113.9', 'UA', d0));
      expect(new Set(ids).size).toBe(1);
    } finally {
      await Promise.all(others.map((s) => s.close()));
    }
  });
});
