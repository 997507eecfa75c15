// The stats domain over the storage port, with a recording stand-in for the storage: how a scope's
// days of a time zone become the instants a read covers, how series builds its buckets (open ends
// from bounds, zone hours, at most 10000), and what breakdown asks for; and the scope input rules
// shared by GraphQL and GET /stats.
import { describe, expect, it } from 'vitest';
import type { BucketCounts, StatsRange } from '../../../src/core/stats.js';
import { breakdown } from '../../../src/stats/breakdown.js';
import { dayOf, oneDay, rangeOf, scopeFields } from '../../../src/stats/scope.js';
import { GRAPHQL_NAMES, scopeFromInput } from '../../../src/stats/scope-input.js';
import { MAX_BUCKETS, series, TooManyBucketsError } from '../../../src/stats/series.js';
import type { Storage } from '../../../src/storage/port.js';

const day = (date: string) => dayOf(Date.parse(`${date}T00:00:00Z`));
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A storage that answers bounds and seriesCounts as told and records what it was asked. */
function standIn(bounds: [number, number] | null, counts: (edges: readonly number[]) => BucketCounts[] = () => []) {
  const asked: { read: string; range: StatsRange; rest: unknown[] }[] = [];
  const storage = {
    bounds: async (range: StatsRange) => {
      asked.push({ read: 'bounds', range, rest: [] });
      return bounds;
    },
    seriesCounts: async (range: StatsRange, edges: readonly number[]) => {
      asked.push({ read: 'seriesCounts', range, rest: [edges] });
      return counts(edges);
    },
    breakdown: async (range: StatsRange, ...rest: unknown[]) => {
      asked.push({ read: 'breakdown', range, rest });
      return [];
    },
  } as unknown as Storage;
  return { storage, asked };
}

describe('rangeOf', () => {
  it('turns days of the zone into [start of the first, start of the day after the last)', () => {
    const ny = rangeOf({
      siteId: 's',
      fromDay: day('2026-03-08'),
      toDay: day('2026-03-08'),
      timeZone: 'America/New_York',
    });
    expect([iso(ny.start), iso(ny.end)]).toEqual(['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    const utc = rangeOf(oneDay('s', day('2026-03-08')));
    expect([iso(utc.start), iso(utc.end)]).toEqual(['2026-03-08T00:00:00.000Z', '2026-03-09T00:00:00.000Z']);
    const ktm = rangeOf({ siteId: 's', fromDay: day('2026-03-10'), toDay: null, timeZone: 'Asia/Kathmandu' });
    expect([iso(ktm.start), iso(ktm.end)]).toEqual(['2026-03-09T18:15:00.000Z', null]);
    expect(rangeOf({ siteId: 's', fromDay: null, toDay: null })).toEqual({
      siteId: 's',
      start: null,
      end: null,
      filters: [],
    });
  });

  it('carries the filters, and the answer names the days of the zone', () => {
    const filters = [{ dimension: 'COUNTRY' as const, value: 'DE' }];
    const scope = {
      siteId: 's',
      fromDay: day('2026-03-07'),
      toDay: day('2026-03-07'),
      timeZone: 'Asia/Tokyo',
      filters,
    };
    expect(rangeOf(scope).filters).toEqual(filters);
    expect(scopeFields(scope)).toMatchObject({ date: '2026-03-07', from: '2026-03-07', to: '2026-03-07' });
  });
});

describe('series', () => {
  it('asks for bounds only when the scope is open, and takes the zone days of the first and last event', async () => {
    const first = Date.parse('2026-03-08T04:30:00Z'); // 03-07 in New York
    const last = Date.parse('2026-03-09T12:00:00Z');
    const { storage, asked } = standIn([first, last], () => [{ bucket: 1, events: 3, views: 2, uniqueUsers: 1 }]);
    const buckets = await series(
      storage,
      { siteId: 's', fromDay: null, toDay: null, timeZone: 'America/New_York' },
      'DAY',
    );
    expect(asked.map((a) => a.read)).toEqual(['bounds', 'seriesCounts']);
    expect(buckets.map((b) => iso(b.start))).toEqual([
      '2026-03-07T05:00:00.000Z',
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
    ]);
    expect(buckets[1]).toMatchObject({ events: 3, views: 2, uniqueUsers: 1 });
    expect(asked[1]?.rest[0]).toEqual([...buckets.map((b) => b.start), Date.parse('2026-03-10T04:00:00Z')]);

    const closed = standIn(null);
    await series(closed.storage, oneDay('s', day('2026-03-08'), 'America/New_York'), 'HOUR');
    expect(closed.asked.map((a) => a.read)).toEqual(['seriesCounts']);
    expect(closed.asked[0]?.rest[0]).toHaveLength(24); // 23 buckets and the end
  });

  it('answers nothing for an open scope without events, and refuses more than 10000 buckets', async () => {
    expect(await series(standIn(null).storage, { siteId: 's', fromDay: null, toDay: 5 }, 'DAY')).toEqual([]);
    const { storage, asked } = standIn(null);
    const hours = { siteId: 's', fromDay: 0, toDay: Math.ceil(MAX_BUCKETS / 24), timeZone: 'Europe/Berlin' };
    await expect(series(storage, hours, 'HOUR')).rejects.toThrow(TooManyBucketsError);
    await expect(series(storage, { siteId: 's', fromDay: 0, toDay: MAX_BUCKETS }, 'DAY')).rejects.toThrow(
      /10001 buckets/,
    );
    await expect(series(storage, { siteId: 's', fromDay: 0, toDay: 1e8 }, 'HOUR')).rejects.toThrow(TooManyBucketsError);
    expect(asked).toEqual([]);
    const most = await series(storage, { siteId: 's', fromDay: 0, toDay: MAX_BUCKETS - 1 }, 'DAY');
    expect(most).toHaveLength(MAX_BUCKETS);
  });
});

describe('breakdown', () => {
  it('asks for unique users when selected or sorted by them', async () => {
    const { storage, asked } = standIn(null);
    const scope = oneDay('s', day('2026-03-08'), 'Asia/Kolkata');
    await breakdown(storage, scope, { by: 'SOURCE', limit: 5, sortBy: 'VIEWS', withUsers: false });
    await breakdown(storage, scope, { by: 'SOURCE', limit: 5, sortBy: 'UNIQUE_USERS', withUsers: false });
    await breakdown(storage, scope, { by: 'OS', limit: 1000, sortBy: 'EVENTS', withUsers: true });
    expect(asked.map((a) => a.rest)).toEqual([
      ['SOURCE', 5, 'VIEWS', false],
      ['SOURCE', 5, 'UNIQUE_USERS', true],
      ['OS', 1000, 'EVENTS', true],
    ]);
    expect(iso(asked[0]?.range.start ?? null)).toBe('2026-03-07T18:30:00.000Z');
  });
});

describe('scopeFromInput', () => {
  const base = { siteId: 's', date: null, from: null, to: null, timeZone: undefined, filters: undefined };

  it('defaults to UTC and no filters; keeps a known zone and distinct filters', () => {
    expect(scopeFromInput(base)).toEqual({
      ok: true,
      scope: { siteId: 's', fromDay: null, toDay: null, timeZone: 'UTC' },
    });
    const filters = [
      { dimension: 'SOURCE' as const, value: null },
      { dimension: 'COUNTRY' as const, value: 'DE' },
    ];
    expect(scopeFromInput({ ...base, date: 7, timeZone: 'Asia/Kathmandu', filters })).toEqual({
      ok: true,
      scope: { siteId: 's', fromDay: 7, toDay: 7, timeZone: 'Asia/Kathmandu', filters },
    });
  });

  it('names each zone one way (case, aliases, UTC)', () => {
    const zone = (timeZone: string) => {
      const result = scopeFromInput({ ...base, timeZone });
      return result.ok ? result.scope.timeZone : null;
    };
    expect(zone('america/new_york')).toBe('America/New_York');
    expect(zone('Asia/Kathmandu')).toBe('Asia/Kathmandu');
    expect(zone('Etc/UTC')).toBe('UTC');
    expect(zone('utc')).toBe('UTC');
  });

  it('names every problem at once', () => {
    const result = scopeFromInput({
      ...base,
      from: 9,
      to: 3,
      timeZone: 'Europe/Atlantis',
      filters: [
        { dimension: 'COUNTRY', value: 'DEU' },
        { dimension: 'COUNTRY', value: 'DE' },
      ],
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.map((p) => p.field)).toEqual([
      'from',
      'timeZone',
      'filters.0.value',
      'filters',
    ]);
    expect(GRAPHQL_NAMES.filter({ dimension: 'OS', value: null }, 2)).toBe('filters.2.value');
  });
});
