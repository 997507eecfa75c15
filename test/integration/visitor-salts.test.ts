// Daily-rotating salts for anonymous visitor ids: the same visitor has the same id all day and a
// different one the next day, and a day's salt is deleted by the first refresh two days later,
// so an old id can never be recomputed (refreshes run every 15 minutes).
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { VisitorIds } from '../../src/ingestion/visitor-id.js';
import { testApp } from '../helpers/app.js';

const DAY = 86_400_000;

function saltDays(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT day FROM visitor_salts ORDER BY day').all() as { day: string }[]).map((r) => r.day);
  } finally {
    db.close();
  }
}

describe('visitor id salts', () => {
  it('rotate daily and are deleted within 48 hours of the end of their day', async () => {
    const t = await testApp();
    const visitors = new VisitorIds(t.app.db);
    // A day well after the real one, so the app's own salts count as old too.
    const d0 = Date.UTC(new Date().getUTCFullYear() + 1, 0, 10, 9, 30);
    const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

    await visitors.refresh(d0);
    const morning = visitors.derive('site', '198.51.100.4', 'UA', d0);
    expect(visitors.derive('site', '198.51.100.4', 'UA', d0 + 10 * 3_600_000)).toBe(morning);
    expect(visitors.derive('other-site', '198.51.100.4', 'UA', d0)).not.toBe(morning);
    expect(morning).not.toContain('198.51.100.4');
    expect(saltDays(t.dbPath).filter((d) => d >= dayOf(d0 - DAY))).toEqual([dayOf(d0), dayOf(d0 + DAY)]);

    // day 0's id holds to its last millisecond; the next day's (its salt is loaded ahead) from midnight
    const midnight = Math.floor(d0 / DAY) * DAY + DAY;
    expect(visitors.derive('site', '198.51.100.4', 'UA', midnight - 1)).toBe(morning);
    const nextDay = visitors.derive('site', '198.51.100.4', 'UA', midnight);
    expect(nextDay).not.toBe(morning);

    // the next day: a new id for the same visitor
    await visitors.refresh(d0 + DAY);
    expect(visitors.derive('site', '198.51.100.4', 'UA', d0 + DAY)).toBe(nextDay);
    expect(saltDays(t.dbPath)).toContain(dayOf(d0));

    // two days on, day 0's salt is gone (and nothing older than yesterday is left)
    await visitors.refresh(d0 + 2 * DAY);
    const left = saltDays(t.dbPath);
    expect(left).not.toContain(dayOf(d0));
    expect(left.every((day) => day >= dayOf(d0 + DAY))).toBe(true);
    visitors.stop();
  });
});
