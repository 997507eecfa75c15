// siteStats, series, GET /stats and liveStats in a time zone, on both backends: days and hours of
// the zone (DST days of 23 and 25 hours, Asia/Kathmandu's hours at :15 UTC, Asia/Kolkata's days
// at 18:30 UTC), GET /stats with time_zone and a filter giving siteStats' numbers, and liveStats
// pushing the zone's today.
import { expect, it } from 'vitest';
import type { EventRecord } from '../../src/core/event.js';
import { dayString } from '../../src/core/time.js';
import { zoneDayStart, zoneToday } from '../../src/core/zone.js';
import { testApp } from '../helpers/app.js';
import { type Backend, describeBackends, withIds } from '../helpers/backends.js';
import { readSse } from '../helpers/e2e.js';
import { listen } from '../helpers/hardening.js';

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const ev = (timestamp: string, over: Partial<EventRecord> = {}): EventRecord => ({
  siteId: 'z',
  eventType: 'page_view',
  path: '/',
  userId: 'u1',
  timestamp: Date.parse(timestamp),
  ...over,
});

async function withEvents(backend: Backend, events: EventRecord[]) {
  const t = await testApp({}, backend);
  await t.app.storage.writeBatch(withIds(events, 1));
  return t;
}

const STATS = `query($date: Date, $from: Date, $to: Date, $tz: String, $filters: [StatsFilter!]) {
  siteStats(siteId: "z", date: $date, from: $from, to: $to, timeZone: $tz, filters: $filters) {
    date from to totalViews uniqueUsers totalEvents topPaths { path views }
  }
}`;
const SERIES = `query($date: Date, $from: Date, $to: Date, $tz: String, $interval: Interval!) {
  siteStats(siteId: "z", date: $date, from: $from, to: $to, timeZone: $tz) {
    series(interval: $interval) { start views events uniqueUsers }
  }
}`;

interface Bucket {
  start: string;
  views: number;
  events: number;
  uniqueUsers: number;
}
type StatsData = { siteStats: Record<string, unknown> };
type SeriesData = { siteStats: { series: Bucket[] } };

describeBackends('time zones', (backend) => {
  it('an event at 2026-03-08T04:30Z is on 03-07 in America/New_York and on 03-08 in UTC', async () => {
    const { gql } = await withEvents(backend, [ev('2026-03-08T04:30:00Z')]);
    const ny = async (date: string) =>
      (await gql<StatsData>(STATS, { date, tz: 'America/New_York' })).body.data?.siteStats;
    expect(await ny('2026-03-07')).toMatchObject({ date: '2026-03-07', totalEvents: 1, uniqueUsers: 1 });
    expect(await ny('2026-03-08')).toMatchObject({ date: '2026-03-08', totalEvents: 0, uniqueUsers: 0 });
    const utc = await gql<StatsData>(STATS, { date: '2026-03-08', tz: 'UTC' });
    expect(utc.body.data?.siteStats).toMatchObject({ totalEvents: 1 });
    const byDefault = await gql<StatsData>(STATS, { date: '2026-03-08' });
    expect(byDefault.body.data?.siteStats).toMatchObject({ totalEvents: 1 });
    const range = await gql<StatsData>(STATS, { from: '2026-03-01', to: '2026-03-07', tz: 'America/New_York' });
    expect(range.body.data?.siteStats).toMatchObject({
      date: null,
      from: '2026-03-01',
      to: '2026-03-07',
      totalEvents: 1,
    });
  });

  it('the spring-forward day in America/New_York has 23 hour buckets, the fall-back day 25', async () => {
    const { gql } = await withEvents(backend, [
      ev('2026-03-08T06:59:59Z'), // 01:59:59 EST
      ev('2026-03-08T07:00:00Z', { userId: 'u2' }), // 03:00 EDT
      ev('2026-11-01T05:30:00Z', { userId: 'u3' }), // 01:30 EDT
      ev('2026-11-01T06:30:00Z', { userId: 'u3' }), // 01:30 EST
    ]);
    const spring = await gql<SeriesData>(SERIES, { date: '2026-03-08', tz: 'America/New_York', interval: 'HOUR' });
    const hours = spring.body.data?.siteStats.series ?? [];
    expect(hours).toHaveLength(23);
    expect(hours[0]?.start).toBe('2026-03-08T05:00:00.000Z');
    expect(hours[22]?.start).toBe('2026-03-09T03:00:00.000Z');
    expect(hours[1]).toEqual({ start: '2026-03-08T06:00:00.000Z', views: 1, events: 1, uniqueUsers: 1 });
    expect(hours[2]).toEqual({ start: '2026-03-08T07:00:00.000Z', views: 1, events: 1, uniqueUsers: 1 });
    for (let i = 1; i < hours.length; i++) {
      expect(Date.parse(hours[i]?.start ?? '') - Date.parse(hours[i - 1]?.start ?? '')).toBe(HOUR);
    }
    const fall = await gql<SeriesData>(SERIES, { date: '2026-11-01', tz: 'America/New_York', interval: 'HOUR' });
    const fallHours = fall.body.data?.siteStats.series ?? [];
    expect(fallHours).toHaveLength(25);
    expect(fallHours[0]?.start).toBe('2026-11-01T04:00:00.000Z');
    expect(fallHours.filter((b) => b.events > 0).map((b) => [b.start, b.events])).toEqual([
      ['2026-11-01T05:00:00.000Z', 1],
      ['2026-11-01T06:00:00.000Z', 1],
    ]);
    // the day series of the week around it: one bucket per local day, the DST day included
    const days = await gql<SeriesData>(SERIES, {
      from: '2026-10-31',
      to: '2026-11-02',
      tz: 'America/New_York',
      interval: 'DAY',
    });
    expect(days.body.data?.siteStats.series).toEqual([
      { start: '2026-10-31T04:00:00.000Z', views: 0, events: 0, uniqueUsers: 0 },
      { start: '2026-11-01T04:00:00.000Z', views: 2, events: 2, uniqueUsers: 1 },
      { start: '2026-11-02T05:00:00.000Z', views: 0, events: 0, uniqueUsers: 0 },
    ]);
  });

  it('Asia/Kathmandu hour buckets start at :15 UTC; its day starts at 18:15 UTC the day before', async () => {
    const { gql } = await withEvents(backend, [
      ev('2026-03-09T18:14:59Z'), // 23:59:59 on 03-09 in Kathmandu
      ev('2026-03-09T18:15:00Z', { userId: 'u2' }), // 00:00 on 03-10
      ev('2026-03-10T00:20:00Z', { userId: 'u3', eventType: 'click' }),
      ev('2026-03-10T18:14:59Z', { userId: 'u3' }), // 23:59:59 on 03-10
    ]);
    const res = await gql<SeriesData>(SERIES, { date: '2026-03-10', tz: 'Asia/Kathmandu', interval: 'HOUR' });
    const hours = res.body.data?.siteStats.series ?? [];
    expect(hours).toHaveLength(24);
    expect(hours.every((b) => b.start.slice(13) === ':15:00.000Z')).toBe(true);
    expect(hours[0]).toEqual({ start: '2026-03-09T18:15:00.000Z', views: 1, events: 1, uniqueUsers: 1 });
    expect(hours[6]).toEqual({ start: '2026-03-10T00:15:00.000Z', views: 0, events: 1, uniqueUsers: 1 });
    expect(hours[23]).toEqual({ start: '2026-03-10T17:15:00.000Z', views: 1, events: 1, uniqueUsers: 1 });
    const day = await gql<StatsData>(STATS, { date: '2026-03-10', tz: 'Asia/Kathmandu' });
    expect(day.body.data?.siteStats).toMatchObject({ totalEvents: 3, totalViews: 2, uniqueUsers: 2 });
    const before = await gql<StatsData>(STATS, { date: '2026-03-09', tz: 'Asia/Kathmandu' });
    expect(before.body.data?.siteStats).toMatchObject({ totalEvents: 1, uniqueUsers: 1 });
  });

  it('Asia/Kolkata days start at 18:30 UTC; an open range runs from the zone day of the first event', async () => {
    const { gql } = await withEvents(backend, [
      ev('2026-03-09T18:29:59Z', { path: '/a' }), // 23:59:59 on 03-09 in Kolkata
      ev('2026-03-09T18:30:00Z', { path: '/b', userId: 'u2' }), // 00:00 on 03-10
      ev('2026-03-11T10:00:00Z', { path: '/b', userId: 'u2' }),
    ]);
    const res = await gql<SeriesData>(SERIES, { tz: 'Asia/Kolkata', interval: 'DAY' });
    expect(res.body.data?.siteStats.series).toEqual([
      { start: '2026-03-08T18:30:00.000Z', views: 1, events: 1, uniqueUsers: 1 },
      { start: '2026-03-09T18:30:00.000Z', views: 1, events: 1, uniqueUsers: 1 },
      { start: '2026-03-10T18:30:00.000Z', views: 1, events: 1, uniqueUsers: 1 },
    ]);
    const open = await gql<StatsData>(STATS, { from: '2026-03-10', tz: 'Asia/Kolkata' });
    expect(open.body.data?.siteStats).toMatchObject({
      from: '2026-03-10',
      to: null,
      totalEvents: 2,
      uniqueUsers: 1,
      topPaths: [{ path: '/b', views: 2 }],
    });
    const upTo = await gql<StatsData>(STATS, { to: '2026-03-09', tz: 'Asia/Kolkata' });
    expect(upTo.body.data?.siteStats).toMatchObject({ totalEvents: 1, topPaths: [{ path: '/a', views: 1 }] });
  });

  it('GET /stats with time_zone and a filter answers siteStats numbers', async () => {
    const t = await withEvents(backend, [
      ev('2026-03-08T04:30:00Z', { path: '/a', country: 'US', source: 'news.example' }),
      ev('2026-03-08T04:40:00Z', { path: '/b', userId: 'u2', country: 'US' }),
      ev('2026-03-08T04:50:00Z', { path: '/b', userId: 'u3', country: 'DE' }),
      ev('2026-03-08T12:00:00Z', { path: '/a', userId: 'u4', country: 'US' }), // 03-08 in New York
    ]);
    const { baseUrl } = await listen(t.app);
    const rest = async (params: string) => {
      const res = await fetch(`${baseUrl}/stats?site_id=z&date=2026-03-07&${params}`);
      expect(res.status).toBe(200);
      return res.json();
    };
    const gqlStats = async (filters: unknown[]) => {
      const res = await t.gql<{ siteStats: { totalViews: number; uniqueUsers: number; topPaths: unknown[] } }>(STATS, {
        date: '2026-03-07',
        tz: 'America/New_York',
        filters,
      });
      const s = res.body.data?.siteStats;
      return {
        site_id: 'z',
        date: '2026-03-07',
        total_views: s?.totalViews,
        unique_users: s?.uniqueUsers,
        top_paths: s?.topPaths,
      };
    };
    expect(await rest('time_zone=America%2FNew_York&country=US')).toEqual({
      site_id: 'z',
      date: '2026-03-07',
      total_views: 2,
      unique_users: 2,
      top_paths: [
        { path: '/a', views: 1 },
        { path: '/b', views: 1 },
      ],
    });
    expect(await rest('time_zone=America%2FNew_York&country=US')).toEqual(
      await gqlStats([{ dimension: 'COUNTRY', value: 'US' }]),
    );
    // an empty value is "none": the events without a source
    expect(await rest('time_zone=America%2FNew_York&source=')).toEqual(
      await gqlStats([{ dimension: 'SOURCE', value: null }]),
    );
    expect(await rest('time_zone=America%2FNew_York&source=')).toMatchObject({ total_views: 2 });
    // without time_zone the day is UTC's: 03-07 has none of these events
    expect(await rest('country=US')).toMatchObject({ total_views: 0, unique_users: 0, top_paths: [] });
  });

  it("liveStats with a time zone pushes that zone's today", async () => {
    // Of these two, one is on another date than UTC at any moment (+14 h and -11 h).
    const now = Date.now();
    const zone = ['Pacific/Kiritimati', 'Pacific/Pago_Pago'].find(
      (z) => zoneToday(z, now) !== zoneToday('UTC', now),
    ) as string;
    const today = zoneToday(zone, now);
    const t = await testApp({ PULSE_LIVE_INTERVAL_MS: 10 }, backend);
    const controller = new AbortController();
    const res = await t.app.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        query: 'subscription($tz: String) { liveStats(siteId: "z", timeZone: $tz) { date totalEvents } }',
        variables: { tz: zone },
      }),
      signal: controller.signal,
    });
    if (!res.body) throw new Error('no body');
    const pushes = readSse(res.body);
    const nextPush = async () => {
      for (;;) {
        const { value, done } = await pushes.next();
        if (done) throw new Error('stream ended');
        if (value.event === 'next') return JSON.parse(value.data) as { data?: { liveStats: unknown } };
      }
    };
    try {
      expect(await nextPush()).toEqual({ data: { liveStats: { date: dayString(today), totalEvents: 0 } } });
      // the last instant of the zone's yesterday does not count; its today's first instant does
      const start = zoneDayStart(today, zone);
      const accepted = await t.gql('mutation($i: [EventInput!]!) { recordEvents(inputs: $i) { accepted } }', {
        i: [
          { siteId: 'z', eventType: 'page_view', timestamp: iso(start - 1) },
          { siteId: 'z', eventType: 'page_view', timestamp: iso(start) },
        ],
      });
      expect(accepted.body.data).toEqual({ recordEvents: { accepted: 2 } });
      await t.app.flusher.flush();
      expect(await nextPush()).toEqual({ data: { liveStats: { date: dayString(today), totalEvents: 1 } } });
    } finally {
      controller.abort();
    }
  });
});
