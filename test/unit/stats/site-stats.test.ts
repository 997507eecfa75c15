import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../src/core/event.js';
import { parseDate, parseDateTime } from '../../../src/ingestion/request.js';
import { dayOf, oneDay } from '../../../src/stats/scope.js';
import { siteStats } from '../../../src/stats/site-stats.js';
import { openStorage } from '../../../src/storage/open.js';
import type { Storage } from '../../../src/storage/port.js';
import { describeBackends, freshStorageUrl, withIds } from '../../helpers/backends.js';
import { siteStatsRaw } from '../../helpers/site-stats-raw.js';

const at = (iso: string) => parseDateTime(iso) as number;
const day = (d: string) => dayOf(parseDate(d) as number);
const ev = (e: Partial<EventRecord> & { ts: string }): EventRecord => ({
  siteId: 'site',
  eventType: 'page_view',
  path: '/',
  userId: null,
  timestamp: at(e.ts),
  ...e,
});

describeBackends('site stats', (backend) => {
  let db: Storage;

  beforeAll(async () => {
    db = await openStorage((await freshStorageUrl(backend, 'file')).url);
    await db.writeBatch(
      withIds(
        [
          // 2025-11-15 UTC, with offsets that land inside the day
          ev({ ts: '2025-11-15T00:00:00Z', path: '/a', userId: 'u1' }),
          ev({ ts: '2025-11-15T23:59:59.999Z', path: '/b', userId: 'u2' }),
          ev({ ts: '2025-11-16T01:00:00+02:00', path: '/b', userId: 'u1' }), // 23:00Z on the 15th
          ev({ ts: '2025-11-15T10:00:00Z', eventType: 'click', path: '/zzz', userId: 'u3' }),
          ev({ ts: '2025-11-15T11:00:00Z', eventType: 'signup', path: null, userId: null }),
          ev({ ts: '2025-11-15T12:00:00Z', path: null, userId: null }),
          // just outside the day on both sides
          ev({ ts: '2025-11-14T23:59:59.999Z', path: '/a', userId: 'u9' }),
          ev({ ts: '2025-11-15T19:00:00-05:00', path: '/a', userId: 'u8' }), // 00:00Z on the 16th
          // another site
          ev({ ts: '2025-11-15T12:00:00Z', siteId: 'other', path: '/a', userId: 'u1' }),
        ],
        1,
      ),
    );
    const events: EventRecord[] = [];
    // /p00../p11 get 1 view each, /hot 3 views: /hot first, then ties in path order, cut at 10
    for (let i = 11; i >= 0; i--)
      events.push(ev({ ts: '2025-12-01T08:00:00Z', siteId: 'ties', path: `/p${String(i).padStart(2, '0')}` }));
    for (let i = 0; i < 3; i++) events.push(ev({ ts: '2025-12-01T09:00:00Z', siteId: 'ties', path: '/hot' }));
    await db.writeBatch(withIds(events, 100));
  });
  afterAll(async () => {
    await db.close();
  });

  describe.each([
    ['siteStats (rollups)', siteStats],
    ['siteStatsRaw (events table)', siteStatsRaw],
  ])('%s', (_name, siteStats) => {
    it('counts one UTC day: views are page_views, events are all types, users are distinct non-null ids', async () => {
      const stats = await siteStats(db, oneDay('site', day('2025-11-15')));
      expect(stats).toEqual({
        scope: oneDay('site', day('2025-11-15')),
        siteId: 'site',
        date: '2025-11-15',
        from: '2025-11-15',
        to: '2025-11-15',
        totalViews: 4,
        totalEvents: 6,
        uniqueUsers: 3,
        topPaths: [
          { path: '/b', views: 2 },
          { path: '/a', views: 1 },
        ],
      });
    });

    it('counts all time when no date is given', async () => {
      const stats = await siteStats(db, { siteId: 'site', fromDay: null, toDay: null });
      expect(stats).toMatchObject({ date: null, totalViews: 6, totalEvents: 8, uniqueUsers: 5 });
      expect(stats.topPaths).toEqual([
        { path: '/a', views: 3 },
        { path: '/b', views: 2 },
      ]);
    });

    it('answers zeros for an unknown site or an empty day', async () => {
      expect(await siteStats(db, { siteId: 'nobody', fromDay: null, toDay: null })).toEqual({
        scope: { siteId: 'nobody', fromDay: null, toDay: null },
        siteId: 'nobody',
        date: null,
        from: null,
        to: null,
        totalViews: 0,
        totalEvents: 0,
        uniqueUsers: 0,
        topPaths: [],
      });
      expect((await siteStats(db, oneDay('site', day('2025-11-20')))).totalEvents).toBe(0);
    });

    it('keeps the 10 most viewed paths, ties by path ascending', async () => {
      const stats = await siteStats(db, oneDay('ties', day('2025-12-01')));
      expect(stats.topPaths.map((p) => p.path)).toEqual([
        '/hot',
        '/p00',
        '/p01',
        '/p02',
        '/p03',
        '/p04',
        '/p05',
        '/p06',
        '/p07',
        '/p08',
      ]);
      expect(stats.topPaths[0]).toEqual({ path: '/hot', views: 3 });
    });
  });
});
