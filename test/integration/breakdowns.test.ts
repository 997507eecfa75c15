// Breakdowns and filters through GraphQL on both backends: every dimension's rows (values, views,
// events, unique users), each sort order with its ties and the none row, the limit, and filters
// changing every number of a siteStats answer (totals, uniques, top paths, series, event types,
// breakdowns). Events carry explicit attributes, stored through the storage port as the flush
// stores them.
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../src/core/event.js';
import { DIMENSIONS, type Dimension } from '../../src/core/stats.js';
import { testApp } from '../helpers/app.js';
import { type Backend, describeBackends, withIds } from '../helpers/backends.js';

const T = Date.parse('2026-03-10T12:00:00Z');
const at = (minutes: number) => T + minutes * 60_000;

type Attributes = Partial<Omit<EventRecord, 'siteId' | 'timestamp'>>;
const ev = (minutes: number, a: Attributes): EventRecord => ({
  siteId: 'b',
  eventType: 'page_view',
  path: '/',
  userId: null,
  timestamp: at(minutes),
  ...a,
});

const chromeWin = { browser: 'Chrome', os: 'Windows', device: 'desktop' };
const safariIos = { browser: 'Safari', os: 'iOS', device: 'mobile' };
const spring = { utmSource: 'news', utmMedium: 'email', utmCampaign: 'spring' };

/** Ten events; direct traffic (no source) is the biggest source, so its none row comes first by count. */
const EVENTS: EventRecord[] = [
  ev(0, { userId: 'u1', source: 'google.com', ...spring, ...chromeWin, country: 'DE' }),
  ev(1, { userId: 'u2', source: 'google.com', browser: 'Firefox', os: 'Linux', device: 'desktop', country: 'FR' }),
  ev(2, { userId: 'u1', path: '/a', ...spring, browser: 'Chrome', os: 'Android', device: 'mobile', country: 'DE' }),
  ev(3, { userId: 'u3', eventType: 'click', path: '/a', source: 'bing.com', ...safariIos, country: 'US' }),
  ev(4, { path: '/b', source: 'bing.com', browser: 'Safari', os: 'iOS', device: 'tablet' }),
  ev(5, { userId: 'u2', eventType: 'signup', path: null, country: 'FR' }),
  ev(6, { userId: 'u4', path: '/a', ...chromeWin, country: 'DE' }),
  ev(7, { userId: 'u4', eventType: 'click', path: '/a', ...chromeWin, country: 'DE' }),
  ev(8, { userId: 'u5', path: '/b', utmSource: 'news', ...safariIos, country: 'US' }),
  ev(65, { userId: 'u5', path: '/b', utmSource: 'ads', utmCampaign: 'spring', ...safariIos, country: 'US' }),
];

const ATTRIBUTE: Record<Dimension, (e: EventRecord) => string | null | undefined> = {
  PATH: (e) => e.path,
  EVENT_TYPE: (e) => e.eventType,
  SOURCE: (e) => e.source,
  UTM_SOURCE: (e) => e.utmSource,
  UTM_MEDIUM: (e) => e.utmMedium,
  UTM_CAMPAIGN: (e) => e.utmCampaign,
  BROWSER: (e) => e.browser,
  OS: (e) => e.os,
  DEVICE: (e) => e.device,
  COUNTRY: (e) => e.country,
};

interface Row {
  value: string | null;
  views: number;
  events: number;
  uniqueUsers: number;
}
type Sort = 'VIEWS' | 'EVENTS' | 'UNIQUE_USERS';
const SORT_KEY: Record<Sort, keyof Row> = { VIEWS: 'views', EVENTS: 'events', UNIQUE_USERS: 'uniqueUsers' };

/** The contract spelled out over the events above: descending by the sort, ties by value, null after values. */
function expected(events: readonly EventRecord[], by: Dimension, sortBy: Sort = 'VIEWS', limit = 10): Row[] {
  const groups = new Map<string | null, { views: number; events: number; users: Set<string> }>();
  for (const e of events) {
    const value = ATTRIBUTE[by](e) ?? null;
    const g = groups.get(value) ?? { views: 0, events: 0, users: new Set<string>() };
    groups.set(value, g);
    g.events++;
    if (e.eventType === 'page_view') g.views++;
    if (e.userId) g.users.add(e.userId);
  }
  const rows = [...groups].map(([value, g]) => ({
    value,
    views: g.views,
    events: g.events,
    uniqueUsers: g.users.size,
  }));
  const key = SORT_KEY[sortBy];
  rows.sort((a, b) => {
    if (a[key] !== b[key]) return (b[key] as number) - (a[key] as number);
    if (a.value === null) return 1;
    if (b.value === null) return -1;
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  });
  return rows.slice(0, limit);
}

const BREAKDOWN = `query($by: Dimension!, $limit: Int, $sortBy: BreakdownSort, $filters: [StatsFilter!]) {
  siteStats(siteId: "b", date: "2026-03-10", filters: $filters) {
    breakdown(by: $by, limit: $limit, sortBy: $sortBy) { value views events uniqueUsers }
  }
}`;

async function loaded(backend: Backend) {
  const t = await testApp({}, backend);
  await t.app.storage.writeBatch(withIds(EVENTS, 1));
  return t;
}

describeBackends('breakdown', (backend) => {
  it('groups every dimension: values, views, events, unique users, none as null', async () => {
    const { gql } = await loaded(backend);
    for (const by of DIMENSIONS) {
      const res = await gql<{ siteStats: { breakdown: Row[] } }>(BREAKDOWN, { by, limit: 100 });
      expect(res.body.errors, by).toBeUndefined();
      expect(res.body.data?.siteStats.breakdown, by).toEqual(expected(EVENTS, by, 'VIEWS', 100));
    }
  });

  it('spelled out for SOURCE and COUNTRY: direct traffic and unknown countries are null, after ties', async () => {
    const { gql } = await loaded(backend);
    const source = await gql<{ siteStats: { breakdown: Row[] } }>(BREAKDOWN, { by: 'SOURCE' });
    expect(source.body.data?.siteStats.breakdown).toEqual([
      { value: null, views: 4, events: 6, uniqueUsers: 4 },
      { value: 'google.com', views: 2, events: 2, uniqueUsers: 2 },
      { value: 'bing.com', views: 1, events: 2, uniqueUsers: 1 },
    ]);
    const country = await gql<{ siteStats: { breakdown: Row[] } }>(BREAKDOWN, { by: 'COUNTRY', sortBy: 'EVENTS' });
    expect(country.body.data?.siteStats.breakdown).toEqual([
      { value: 'DE', views: 3, events: 4, uniqueUsers: 2 },
      { value: 'US', views: 2, events: 3, uniqueUsers: 2 },
      { value: 'FR', views: 1, events: 2, uniqueUsers: 1 },
      { value: null, views: 1, events: 1, uniqueUsers: 0 },
    ]);
  });

  it('sorts by views, events or unique users, ties by value ascending, null last among ties', async () => {
    const { gql } = await loaded(backend);
    for (const by of ['PATH', 'BROWSER', 'DEVICE', 'UTM_SOURCE', 'EVENT_TYPE'] as const) {
      for (const sortBy of ['VIEWS', 'EVENTS', 'UNIQUE_USERS'] as const) {
        const res = await gql<{ siteStats: { breakdown: Row[] } }>(BREAKDOWN, { by, sortBy });
        expect(res.body.data?.siteStats.breakdown, `${by} by ${sortBy}`).toEqual(expected(EVENTS, by, sortBy));
      }
    }
    // BROWSER by EVENTS: Chrome 4, Safari 4 (a tie, by name), then Firefox 1 and none 1 (none after)
    const browsers = await gql<{ siteStats: { breakdown: Row[] } }>(BREAKDOWN, { by: 'BROWSER', sortBy: 'EVENTS' });
    expect(browsers.body.data?.siteStats.breakdown.map((r) => r.value)).toEqual(['Chrome', 'Safari', 'Firefox', null]);
  });

  it('returns at most limit rows (default 10)', async () => {
    const { gql } = await loaded(backend);
    const two = await gql<{ siteStats: { breakdown: Row[] } }>(BREAKDOWN, { by: 'PATH', limit: 2 });
    expect(two.body.data?.siteStats.breakdown).toEqual(expected(EVENTS, 'PATH', 'VIEWS', 2));
    const one = await gql<{ siteStats: { breakdown: Row[] } }>(BREAKDOWN, { by: 'OS', limit: 1, sortBy: 'EVENTS' });
    expect(one.body.data?.siteStats.breakdown).toEqual([{ value: 'iOS', views: 3, events: 4, uniqueUsers: 2 }]);
    const max = await gql<{ siteStats: { breakdown: Row[] } }>(BREAKDOWN, { by: 'PATH', limit: 1000 });
    expect(max.body.data?.siteStats.breakdown).toHaveLength(4);
  });

  it('sorts by unique users even when they are not selected', async () => {
    const { gql } = await loaded(backend);
    const res = await gql<{ siteStats: { breakdown: { value: string | null }[] } }>(
      '{ siteStats(siteId: "b") { breakdown(by: COUNTRY, sortBy: UNIQUE_USERS) { value } } }',
    );
    expect(res.body.data?.siteStats.breakdown.map((r) => r.value)).toEqual(
      expected(EVENTS, 'COUNTRY', 'UNIQUE_USERS').map((r) => r.value),
    );
    // selected through a fragment, uniqueUsers is counted
    const viaFragment = await gql<{ siteStats: { breakdown: Row[] } }>(
      '{ siteStats(siteId: "b") { breakdown(by: COUNTRY) { ...R } } } fragment R on BreakdownRow { value views events uniqueUsers }',
    );
    expect(viaFragment.body.data?.siteStats.breakdown).toEqual(expected(EVENTS, 'COUNTRY'));
  });
});

const FILTERED = `query($filters: [StatsFilter!], $by: Dimension!) {
  siteStats(siteId: "b", date: "2026-03-10", filters: $filters) {
    totalViews uniqueUsers totalEvents topPaths { path views }
    series(interval: HOUR) { start views events uniqueUsers }
    eventTypes { eventType events }
    breakdown(by: $by) { value views events uniqueUsers }
  }
}`;

interface Filtered {
  siteStats: {
    totalViews: number;
    uniqueUsers: number;
    totalEvents: number;
    topPaths: { path: string; views: number }[];
    series: { start: string; views: number; events: number; uniqueUsers: number }[];
    eventTypes: { eventType: string; events: number }[];
    breakdown: Row[];
  };
}

/** What siteStats should answer over `events` alone (one UTC day, hour series). */
function answerOver(events: readonly EventRecord[], by: Dimension): Filtered['siteStats'] {
  const views = events.filter((e) => e.eventType === 'page_view');
  const users = (es: readonly EventRecord[]) => new Set(es.flatMap((e) => (e.userId ? [e.userId] : []))).size;
  const paths = new Map<string, number>();
  for (const e of views) if (e.path) paths.set(e.path, (paths.get(e.path) ?? 0) + 1);
  const types = new Map<string, number>();
  for (const e of events) types.set(e.eventType, (types.get(e.eventType) ?? 0) + 1);
  const dayStart = Date.parse('2026-03-10T00:00:00Z');
  const series = Array.from({ length: 24 }, (_, h) => {
    const start = dayStart + h * 3_600_000;
    const inHour = events.filter((e) => e.timestamp >= start && e.timestamp < start + 3_600_000);
    return {
      start: new Date(start).toISOString(),
      views: inHour.filter((e) => e.eventType === 'page_view').length,
      events: inHour.length,
      uniqueUsers: users(inHour),
    };
  });
  const byCount = <K extends string>(m: Map<K, number>) =>
    [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    totalViews: views.length,
    uniqueUsers: users(events),
    totalEvents: events.length,
    topPaths: byCount(paths).map(([path, v]) => ({ path, views: v })),
    series,
    eventTypes: byCount(types).map(([eventType, n]) => ({ eventType, events: n })),
    breakdown: expected(events, by),
  };
}

describeBackends('filters', (backend) => {
  const cases: { name: string; filters: { dimension: Dimension; value: string | null }[]; by: Dimension }[] = [
    { name: 'one country', filters: [{ dimension: 'COUNTRY', value: 'DE' }], by: 'BROWSER' },
    { name: 'direct traffic (none)', filters: [{ dimension: 'SOURCE', value: null }], by: 'PATH' },
    { name: 'a campaign', filters: [{ dimension: 'UTM_CAMPAIGN', value: 'spring' }], by: 'UTM_SOURCE' },
    {
      name: 'two filters (AND)',
      filters: [
        { dimension: 'DEVICE', value: 'mobile' },
        { dimension: 'OS', value: 'iOS' },
      ],
      by: 'COUNTRY',
    },
    { name: 'a path', filters: [{ dimension: 'PATH', value: '/a' }], by: 'EVENT_TYPE' },
    { name: 'no path', filters: [{ dimension: 'PATH', value: null }], by: 'COUNTRY' },
    { name: 'an event type', filters: [{ dimension: 'EVENT_TYPE', value: 'click' }], by: 'DEVICE' },
    { name: 'a value nobody has', filters: [{ dimension: 'BROWSER', value: 'Lynx' }], by: 'PATH' },
  ];

  it.each(cases)('$name: every number honours the filter', async ({ filters, by }) => {
    const { gql } = await loaded(backend);
    const matching = EVENTS.filter((e) => filters.every((f) => (ATTRIBUTE[f.dimension](e) ?? null) === f.value));
    const res = await gql<Filtered>(FILTERED, { filters, by });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.siteStats).toEqual(answerOver(matching, by));
  });

  it('the unfiltered answer is the sum over a partition by one dimension', async () => {
    const { gql } = await loaded(backend);
    const all = await gql<Filtered>(FILTERED, { by: 'DEVICE' });
    expect(all.body.data?.siteStats).toEqual(answerOver(EVENTS, 'DEVICE'));
    let events = 0;
    for (const value of ['desktop', 'mobile', 'tablet', null]) {
      const part = await gql<Filtered>(FILTERED, { filters: [{ dimension: 'DEVICE', value }], by: 'DEVICE' });
      events += part.body.data?.siteStats.totalEvents ?? 0;
    }
    expect(events).toBe(EVENTS.length);
  });
});

describe('withUsers', () => {
  it('is asked of the storage only when uniqueUsers is selected or sorted by', async () => {
    const t = await loaded('sqlite');
    const calls: boolean[] = [];
    const read = t.app.storage.breakdown.bind(t.app.storage);
    t.app.storage.breakdown = (range, by, limit, sortBy, withUsers) => {
      calls.push(withUsers);
      return read(range, by, limit, sortBy, withUsers);
    };
    await t.gql('{ siteStats(siteId: "b") { breakdown(by: PATH) { value views } } }');
    await t.gql('{ siteStats(siteId: "b") { breakdown(by: PATH) { value uniqueUsers } } }');
    await t.gql('{ siteStats(siteId: "b") { breakdown(by: PATH, sortBy: UNIQUE_USERS) { value } } }');
    await t.gql('{ siteStats(siteId: "b") { breakdown(by: PATH) { ... on BreakdownRow { uniqueUsers } } } }');
    expect(calls).toEqual([false, true, true, true]);
  });

  it('siteStats counts the totals only when one of them is selected', async () => {
    const t = await loaded('sqlite');
    let totals = 0;
    const read = t.app.storage.totals.bind(t.app.storage);
    t.app.storage.totals = (range) => {
      totals++;
      return read(range);
    };
    const rows = await t.gql<{ siteStats: { date: string; breakdown: { value: string | null }[] } }>(
      '{ siteStats(siteId: "b", date: "2026-03-10") { date breakdown(by: DEVICE, limit: 1) { value } } }',
    );
    expect(rows.body.data?.siteStats).toEqual({ date: '2026-03-10', breakdown: [{ value: 'desktop' }] });
    expect(totals).toBe(0);
    const withTotal = await t.gql<{ siteStats: { n: number } }>(
      '{ siteStats(siteId: "b", date: "2026-03-10") { ... on SiteStats { n: totalEvents } } }',
    );
    expect(withTotal.body.data?.siteStats).toEqual({ n: EVENTS.length });
    expect(totals).toBe(1);
  });
});
