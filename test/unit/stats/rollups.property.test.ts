// Property 1: for random events (several sites, hour and day boundaries, offsets in the input
// timestamps, written in several flushes, so later flushes carry days before the ones already
// stored), every rollup-backed answer equals the answer computed straight from the raw events.
// On each backend, with two writers (two connections, as two instances have) flushing at once.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { EventRecord } from '../../../src/core/event.js';
import {
  type BreakdownSort,
  type BucketCounts,
  DIMENSIONS,
  type Dimension,
  type StatsRange,
} from '../../../src/core/stats.js';
import { bucketEdges, zoneDayStart } from '../../../src/core/zone.js';
import { validateEvent } from '../../../src/ingestion/request.js';
import { eventTypes } from '../../../src/stats/event-types.js';
import type { StatsScope } from '../../../src/stats/scope.js';
import { series } from '../../../src/stats/series.js';
import { siteStats } from '../../../src/stats/site-stats.js';
import { openStorage } from '../../../src/storage/open.js';
import { SKETCH_BOUND } from '../../../src/storage/sketch.js';
import { describeBackends, freshStorageUrl, rawQuery, withIds } from '../../helpers/backends.js';
import { siteStatsRaw } from '../../helpers/site-stats-raw.js';
import { StatsOracle } from '../../helpers/stats-oracle.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const BASE_DAY = Math.floor(Date.UTC(2025, 10, 14) / DAY);

/** An ISO timestamp with the given offset (minutes east of UTC) for the instant `ms`. */
function isoWithOffset(ms: number, offsetMin: number): string {
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23);
  if (offsetMin === 0) return `${local}Z`;
  const sign = offsetMin > 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

// Instants close to hour and day boundaries, over four days.
const instant = fc
  .record({
    day: fc.integer({ min: 0, max: 3 }),
    hour: fc.constantFrom(0, 1, 12, 22, 23),
    edge: fc.constantFrom(0, 1, 59 * 60_000, HOUR - 1, 30 * 60_000),
  })
  .map(({ day, hour, edge }) => (BASE_DAY + day) * DAY + hour * HOUR + edge);

const rawEvent = fc.record({
  siteId: fc.constantFrom('a', 'b', 'c'),
  eventType: fc.constantFrom('page_view', 'page_view', 'click', 'signup'),
  path: fc.constantFrom(null, '/', '/x', '/y', '/z/1'),
  userId: fc.constantFrom(null, 'u1', 'u2', 'u3', 'u4', 'u5'),
  at: instant,
  offset: fc.constantFrom(0, 60, -300, 330, 840, -720),
});

type RawEvent = typeof rawEvent extends fc.Arbitrary<infer T> ? T : never;

function parse(e: RawEvent): EventRecord {
  const v = validateEvent({ ...e, timestamp: isoWithOffset(e.at, e.offset) });
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return v.value;
}

function modelSeries(events: EventRecord[], scope: StatsScope, width: number) {
  const inScope = events.filter((e) => e.siteId === scope.siteId);
  const days = inScope.map((e) => Math.floor(e.timestamp / DAY));
  if (days.length === 0 && (scope.fromDay === null || scope.toDay === null)) return [];
  const fromDay = scope.fromDay ?? Math.min(...days);
  const toDay = scope.toDay ?? Math.max(...days);
  const out = [];
  for (let start = fromDay * DAY; start < (toDay + 1) * DAY; start += width) {
    const bucket = inScope.filter((e) => e.timestamp >= start && e.timestamp < start + width);
    out.push({
      start,
      events: bucket.length,
      views: bucket.filter((e) => e.eventType === 'page_view').length,
      uniqueUsers: new Set(bucket.filter((e) => e.userId !== null).map((e) => e.userId)).size,
    });
  }
  return out;
}

function modelEventTypes(events: EventRecord[], scope: StatsScope) {
  const counts = new Map<string, number>();
  for (const e of events) {
    const day = Math.floor(e.timestamp / DAY);
    if (e.siteId !== scope.siteId) continue;
    if ((scope.fromDay !== null && day < scope.fromDay) || (scope.toDay !== null && day > scope.toDay)) continue;
    counts.set(e.eventType, (counts.get(e.eventType) ?? 0) + 1);
  }
  return [...counts]
    .map(([eventType, n]) => ({ eventType, events: n }))
    .sort((x, y) => y.events - x.events || (x.eventType < y.eventType ? -1 : 1));
}

describeBackends('rollups', (backend) => {
  it('answer exactly what the raw events answer', async () => {
    await fc.assert(
      fc.asyncProperty(
        // enough events that flushes often add to the same rollup rows
        fc.array(rawEvent, { minLength: 0, maxLength: 200, size: 'large' }),
        fc.integer({ min: 1, max: 6 }),
        async (raws, flushes) => {
          const events = withIds(raws.map(parse), 1);
          const { url } = await freshStorageUrl(backend);
          const [db, other] = [await openStorage(url), await openStorage(url)];
          try {
            // batches alternate between the two writers, two at a time in flight
            const size = Math.ceil(events.length / flushes) || 1;
            const batches = [];
            for (let i = 0; i < events.length; i += size) batches.push(events.slice(i, i + size));
            for (let i = 0; i < batches.length; i += 2) {
              await Promise.all([db.writeBatch(batches[i] ?? []), other.writeBatch(batches[i + 1] ?? [])]);
            }

            const scopes: StatsScope[] = [];
            for (const siteId of ['a', 'b', 'c']) {
              scopes.push({ siteId, fromDay: null, toDay: null });
              for (let d = -1; d <= 4; d++) scopes.push({ siteId, fromDay: BASE_DAY + d, toDay: BASE_DAY + d });
              // every range of two or more days: each start day counts users by their previous day
              for (let from = -1; from <= 3; from++)
                for (let to = from + 1; to <= 4; to++)
                  scopes.push({ siteId, fromDay: BASE_DAY + from, toDay: BASE_DAY + to });
              scopes.push({ siteId, fromDay: BASE_DAY + 1, toDay: null });
              scopes.push({ siteId, fromDay: null, toDay: BASE_DAY + 1 });
            }
            // a user moved to a new previous day leaves no empty (users = 0) row behind
            const [empty] = await rawQuery<{ n: string | number }>(
              db,
              'SELECT count(*) AS n FROM rollup_daily_uniques WHERE users <= 0',
            );
            expect(Number(empty?.n)).toBe(0);
            for (const scope of scopes) {
              expect(await siteStats(db, scope)).toEqual(await siteStatsRaw(db, scope));
              expect(await eventTypes(db, scope)).toEqual(modelEventTypes(events, scope));
              expect(await series(db, scope, 'DAY')).toEqual(modelSeries(events, scope, DAY));
              if (scope.fromDay !== null && scope.fromDay === scope.toDay) {
                expect(await series(db, scope, 'HOUR')).toEqual(modelSeries(events, scope, HOUR));
              }
            }
          } finally {
            await Promise.all([db.close(), other.close()]);
          }
        },
      ),
      { numRuns: 20 },
    );
  }, 180_000);
});

// The storage reads of time zones, filters and breakdowns (totals, bounds, seriesCounts,
// eventTypes, breakdown), against the JS oracle over every raw event (test/helpers/stats-oracle.ts):
// random events with random attributes (nulls, and text whose UTF-16 and UTF-8 orders differ)
// around clock changes (America/New_York 2026-03-08, Australia/Lord_Howe 2026-10-04,
// Europe/Berlin 2026-10-25) at minutes that are hour and half-hour and 45-minute edges, and
// ranges made of the days and hours of zones with such offsets (core/zone.ts).
const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe'] as const;
const CLUSTERS = [Date.UTC(2026, 2, 7), Date.UTC(2026, 9, 3), Date.UTC(2026, 9, 24)].map((ms) => ms / DAY);
const MINUTES = [0, 0, 1, 14, 15, 29, 30, 31, 44, 45, 46, 59];

const zonedInstant = fc
  .record({
    cluster: fc.constantFrom(...CLUSTERS),
    day: fc.integer({ min: 0, max: 2 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.constantFrom(...MINUTES),
    ms: fc.constantFrom(0, 1, 59_999),
  })
  .map(({ cluster, day, hour, minute, ms }) => (cluster + day) * DAY + hour * HOUR + minute * 60_000 + ms);

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const attributeEvent = fc.record({
  siteId: pick('a', 'b'),
  eventType: pick('page_view', 'page_view', 'click', 'signup', 'Zed', 'ümlaut'),
  path: pick(null, '/', '/x', '/y', '/ﬀ', '/😀'),
  userId: pick(null, 'u1', 'u2', 'u3', 'u4', 'u5', 'u6'),
  timestamp: zonedInstant,
  source: pick(null, null, 'google.com', 'news.ycombinator.com', 'ﬀ.example', '😀.example'),
  utmSource: pick(null, null, 'newsletter', 'Newsletter'),
  utmMedium: pick(null, 'email', 'cpc'),
  utmCampaign: pick(null, null, 'spring', 'ünïcode'),
  browser: pick(null, 'Chrome', 'Firefox', 'Safari'),
  os: pick(null, 'Windows', 'macOS', 'iOS'),
  device: pick(null, 'desktop', 'mobile', 'tablet'),
  country: pick(null, 'US', 'DE', 'IN', 'NP'),
});

const FILTER_VALUES: Record<Dimension, (string | null)[]> = {
  PATH: [null, '/', '/x'],
  EVENT_TYPE: ['page_view', 'click'],
  SOURCE: [null, 'google.com'],
  UTM_SOURCE: [null, 'newsletter'],
  UTM_MEDIUM: ['email'],
  UTM_CAMPAIGN: [null, 'spring'],
  BROWSER: ['Chrome', null],
  OS: ['iOS'],
  DEVICE: ['mobile', 'desktop'],
  COUNTRY: ['DE', null],
};
const filter = fc
  .constantFrom(...DIMENSIONS)
  .chain((dimension) => fc.constantFrom(...FILTER_VALUES[dimension]).map((value) => ({ dimension, value })));

const query = fc.record({
  siteId: pick('a', 'b'),
  zone: fc.constantFrom(...ZONES),
  cluster: fc.constantFrom(...CLUSTERS),
  from: fc.integer({ min: -1, max: 3 }),
  days: fc.integer({ min: 0, max: 3 }),
  open: pick('none', 'none', 'none', 'start', 'end', 'both'),
  filters: fc.uniqueArray(filter, { maxLength: 2, selector: (f) => f.dimension }),
  by: fc.constantFrom(...DIMENSIONS),
  limit: pick(1, 3, 10, 1000),
  sortBy: pick<BreakdownSort>('VIEWS', 'EVENTS', 'UNIQUE_USERS'),
  withUsers: fc.boolean(),
  interval: pick<'HOUR' | 'DAY'>('HOUR', 'DAY'),
});
type Query = typeof query extends fc.Arbitrary<infer T> ? T : never;

/** The query's range: days of its zone, either end maybe open; its filters or none. */
function rangeOf(q: Query, withFilters: boolean): { range: StatsRange; fromDay: number; toDay: number } {
  const fromDay = q.cluster + q.from;
  const toDay = fromDay + q.days;
  const start = q.open === 'start' || q.open === 'both' ? null : zoneDayStart(fromDay, q.zone);
  const end = q.open === 'end' || q.open === 'both' ? null : zoneDayStart(toDay + 1, q.zone);
  return { range: { siteId: q.siteId, start, end, filters: withFilters ? q.filters : [] }, fromDay, toDay };
}

const nonEmpty = (buckets: BucketCounts[]) => buckets.filter((b) => b.events > 0);

/**
 * got equals want, except that when `sketched` each uniqueUsers may be off by the sketch's bound
 * (3 standard errors of the true count, rounded down: 0 below 21 users, so the few users here
 * must come out exact, as the sparse sketch counts them). Rows must be in the same order: with
 * estimates exact at these sizes, a sort by UNIQUE_USERS is the oracle's.
 */
function expectUsers<T extends { uniqueUsers: number }>(got: T[], want: T[], sketched: boolean, where: string) {
  if (!sketched) {
    expect(got, where).toEqual(want);
    return;
  }
  const counts = (rows: T[]) => rows.map((r) => ({ ...r, uniqueUsers: 0 }));
  expect(counts(got), where).toEqual(counts(want));
  got.forEach((g, i) => {
    const exact = (want[i] as T).uniqueUsers;
    expect(Math.abs(g.uniqueUsers - exact), where).toBeLessThanOrEqual(Math.floor(SKETCH_BOUND * exact));
  });
}

describeBackends('storage reads', (backend) => {
  it('answer what the raw events answer, in every zone, with filters and breakdowns', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(attributeEvent, { minLength: 0, maxLength: 250, size: 'large' }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(query, { minLength: 4, maxLength: 12 }),
        async (raws, flushes, queries) => {
          const events = withIds(raws, 1);
          const { url } = await freshStorageUrl(backend);
          const [db, other] = [await openStorage(url), await openStorage(url)];
          try {
            const size = Math.ceil(events.length / flushes) || 1;
            const batches = [];
            for (let i = 0; i < events.length; i += size) batches.push(events.slice(i, i + size));
            for (let i = 0; i < batches.length; i += 2) {
              await Promise.all([db.writeBatch(batches[i] ?? []), other.writeBatch(batches[i + 1] ?? [])]);
            }
            const oracle = await StatsOracle.load(db);
            expect(oracle.size).toBe(events.length);
            for (const q of queries) {
              for (const withFilters of [false, true]) {
                if (withFilters && q.filters.length === 0) continue;
                const { range, fromDay, toDay } = rangeOf(q, withFilters);
                const where = JSON.stringify({ q, range });
                // Sketched unique users (one filter; breakdown rows without filters) are compared
                // within the bound docs/api.md states, everything else exactly.
                const sketched = range.filters.length === 1;
                const totals = await db.totals(range);
                const wantTotals = oracle.totals(range);
                expectUsers([totals], [wantTotals], sketched, where);
                expect(await db.bounds(range), where).toEqual(oracle.bounds(range));
                expect(await db.eventTypes(range), where).toEqual(oracle.eventTypes(range));
                expectUsers(
                  await db.breakdown(range, q.by, q.limit, q.sortBy, q.withUsers),
                  oracle.breakdown(range, q.by, q.limit, q.sortBy, q.withUsers),
                  range.filters.length === 0,
                  where,
                );
                const edges = bucketEdges(fromDay, toDay, q.interval, q.zone);
                expectUsers(
                  nonEmpty(await db.seriesCounts(range, edges)),
                  oracle.seriesCounts(range, edges),
                  sketched,
                  where,
                );
              }
            }
          } finally {
            await Promise.all([db.close(), other.close()]);
          }
        },
      ),
      { numRuns: 15 },
    );
  }, 300_000);
});
