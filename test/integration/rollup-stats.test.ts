// The stats added with rollups, through GraphQL: ranges, series, eventTypes; retention keeping
// pruned days' stats; client eventIds making retries idempotent.
import { expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { type Backend, countStored, describeBackends } from '../helpers/backends.js';

const RECORD_EVENTS = 'mutation($inputs: [EventInput!]!) { recordEvents(inputs: $inputs) { accepted } }';
const STATS = `query($siteId: String!, $date: Date, $from: Date, $to: Date) {
  siteStats(siteId: $siteId, date: $date, from: $from, to: $to) {
    siteId date from to totalViews uniqueUsers totalEvents topPaths { path views }
    eventTypes { eventType events }
  }
}`;
const SERIES = `query($siteId: String!, $date: Date, $from: Date, $to: Date, $interval: Interval!) {
  siteStats(siteId: $siteId, date: $date, from: $from, to: $to) { series(interval: $interval) { start views events uniqueUsers } }
}`;

const ev = (timestamp: string, over: Record<string, unknown> = {}) => ({
  siteId: 'r',
  eventType: 'page_view',
  path: '/',
  userId: 'u1',
  timestamp,
  ...over,
});

const EVENTS = [
  ev('2025-11-14T23:30:00Z', { userId: 'u9' }),
  ev('2025-11-15T00:10:00Z'),
  ev('2025-11-15T00:50:00Z', { path: '/a', userId: 'u2' }),
  ev('2025-11-15T02:00:00+01:00', { eventType: 'click', userId: 'u3' }), // 01:00Z
  ev('2025-11-16T12:00:00Z', { path: '/a' }),
  ev('2025-11-17T08:00:00Z', { eventType: 'signup', path: null, userId: null }),
];

async function loaded(backend: Backend) {
  const t = await testApp({}, backend);
  expect((await t.gql(RECORD_EVENTS, { inputs: EVENTS })).body.data).toEqual({ recordEvents: { accepted: 6 } });
  await t.app.flusher.flush();
  return t;
}

describeBackends('siteStats ranges', (backend) => {
  it('covers from..to inclusive, open ends, and reports the range', async () => {
    const { gql } = await loaded(backend);
    const range = await gql(STATS, { siteId: 'r', from: '2025-11-15', to: '2025-11-16' });
    expect(range.body.data?.siteStats).toEqual({
      siteId: 'r',
      date: null,
      from: '2025-11-15',
      to: '2025-11-16',
      totalViews: 3,
      uniqueUsers: 3,
      totalEvents: 4,
      topPaths: [
        { path: '/a', views: 2 },
        { path: '/', views: 1 },
      ],
      eventTypes: [
        { eventType: 'page_view', events: 3 },
        { eventType: 'click', events: 1 },
      ],
    });
    const openEnd = await gql(STATS, { siteId: 'r', from: '2025-11-16' });
    expect(openEnd.body.data?.siteStats).toMatchObject({
      from: '2025-11-16',
      to: null,
      totalEvents: 2,
      uniqueUsers: 1,
    });
    const openStart = await gql(STATS, { siteId: 'r', to: '2025-11-14' });
    expect(openStart.body.data?.siteStats).toMatchObject({ from: null, to: '2025-11-14', totalEvents: 1 });
    const oneDay = await gql(STATS, { siteId: 'r', from: '2025-11-15', to: '2025-11-15' });
    expect(oneDay.body.data?.siteStats).toMatchObject({ date: '2025-11-15', totalEvents: 3, uniqueUsers: 3 });
  });

  it('rejects date with from/to, and from after to', async () => {
    const { gql } = await testApp({}, backend);
    const both = await gql(STATS, { siteId: 'r', date: '2025-11-15', from: '2025-11-14' });
    expect(both.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(both.body.errors?.[0]?.message).toContain('date: give either date or from/to, not both');
    const backwards = await gql(STATS, { siteId: 'r', from: '2025-11-16', to: '2025-11-15' });
    expect(backwards.body.errors?.[0]?.message).toContain('from: must not be after to');
  });
});

describeBackends('series', (backend) => {
  it('gives one bucket per UTC hour of the day, empty ones included', async () => {
    const { gql } = await loaded(backend);
    const res = await gql<{
      siteStats: { series: { start: string; views: number; events: number; uniqueUsers: number }[] };
    }>(SERIES, { siteId: 'r', date: '2025-11-15', interval: 'HOUR' });
    const buckets = res.body.data?.siteStats.series ?? [];
    expect(buckets).toHaveLength(24);
    expect(buckets[0]).toEqual({ start: '2025-11-15T00:00:00.000Z', views: 2, events: 2, uniqueUsers: 2 });
    expect(buckets[1]).toEqual({ start: '2025-11-15T01:00:00.000Z', views: 0, events: 1, uniqueUsers: 1 });
    expect(buckets[2]).toEqual({ start: '2025-11-15T02:00:00.000Z', views: 0, events: 0, uniqueUsers: 0 });
  });

  it('gives one bucket per day over all time, from the first to the last day with events', async () => {
    const { gql } = await loaded(backend);
    const res = await gql<{ siteStats: { series: { start: string; events: number; uniqueUsers: number }[] } }>(SERIES, {
      siteId: 'r',
      interval: 'DAY',
    });
    expect(res.body.data?.siteStats.series.map((b) => [b.start.slice(0, 10), b.events, b.uniqueUsers])).toEqual([
      ['2025-11-14', 1, 1],
      ['2025-11-15', 3, 3],
      ['2025-11-16', 1, 1],
      ['2025-11-17', 1, 0],
    ]);
  });

  it('refuses more than 10000 buckets', async () => {
    const { gql } = await testApp({}, backend);
    const res = await gql(SERIES, { siteId: 'r', from: '2020-01-01', to: '2025-01-01', interval: 'HOUR' });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/at most 10000/);
  });
});

describeBackends('retention', (backend) => {
  it('prunes raw events and the pruned days report the same stats', async () => {
    const { gql, app } = await loaded(backend);
    const scopes = [
      { siteId: 'r', date: '2025-11-14' },
      { siteId: 'r', date: '2025-11-15' },
      { siteId: 'r', date: '2025-11-16' },
      { siteId: 'r', from: '2025-11-14', to: '2025-11-16' },
      { siteId: 'r' },
    ];
    const before = await Promise.all(scopes.map((s) => gql(STATS, s)));
    const beforeSeries = await gql(SERIES, { siteId: 'r', date: '2025-11-15', interval: 'HOUR' });
    const deleted = await app.storage.deleteEventsBefore(Date.UTC(2025, 10, 17));
    expect(deleted).toBe(5);
    expect(await countStored(app.storage)).toBe(1);
    const after = await Promise.all(scopes.map((s) => gql(STATS, s)));
    expect(after.map((r) => r.body)).toEqual(before.map((r) => r.body));
    expect((await gql(SERIES, { siteId: 'r', date: '2025-11-15', interval: 'HOUR' })).body).toEqual(beforeSeries.body);
  });
});

describeBackends('client eventId', (backend) => {
  it('stores a retried event once, within a batch and across flushes', async () => {
    const { gql, app } = await testApp({}, backend);
    const e = ev('2025-11-15T10:00:00Z', { eventId: 'evt-1' });
    await gql(RECORD_EVENTS, { inputs: [e, e, ev('2025-11-15T10:00:00Z', { eventId: 'evt-2' })] });
    await app.flusher.flush();
    await gql(RECORD_EVENTS, { inputs: [e] });
    await app.flusher.flush();
    // the same eventId on another site is another event
    await gql(RECORD_EVENTS, { inputs: [{ ...e, siteId: 'other' }] });
    await app.flusher.flush();
    expect(await countStored(app.storage, 'site_id = ?', 'r')).toBe(2);
    expect(await countStored(app.storage, 'site_id = ?', 'other')).toBe(1);
    const stats = await gql(STATS, { siteId: 'r', date: '2025-11-15' });
    expect(stats.body.data?.siteStats).toMatchObject({ totalEvents: 2, totalViews: 2 });
  });
});
