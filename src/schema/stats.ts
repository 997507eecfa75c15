// Reporting over GraphQL: SiteStats (with series, eventTypes and breakdown), PathViews, the
// dimensions, filters and time zones of a scope, the siteStats query and the liveStats subscription.
import { builder } from '../builder.js';
import type { PulseContext } from '../context.js';
import { DIMENSIONS, MAX_BREAKDOWN_LIMIT } from '../core/stats.js';
import { UTC } from '../core/zone.js';
import { InputError, toGraphQLError, unauthenticated } from '../errors.js';
import { parseDate, siteIdProblem } from '../ingestion/request.js';
import type { BreakdownRow } from '../stats/breakdown.js';
import type { EventTypeCount } from '../stats/event-types.js';
import {
  dayOf,
  type PathViews,
  type SiteStats,
  type StatsFilter,
  type StatsScope,
  scopeFields,
} from '../stats/scope.js';
import { scopeFromInput } from '../stats/scope-input.js';
import { type SeriesBucket, TooManyBucketsError } from '../stats/series.js';
import { selects } from './selects.js';

const PathViewsRef = builder.objectRef<PathViews>('PathViews').implement({
  description: 'Page views of one path.',
  fields: (t) => ({
    path: t.exposeString('path'),
    views: t.exposeInt('views'),
  }),
});

const IntervalEnum = builder.enumType('Interval', {
  description: 'The width of a series bucket: an hour or a day of the time zone of siteStats.',
  values: ['HOUR', 'DAY'] as const,
});

const DimensionEnum = builder.enumType('Dimension', {
  description:
    'What a breakdown groups by and a filter names: the path, the event type, the source (referring host), the UTM source, medium and campaign, the browser, operating system, device class and country.',
  values: DIMENSIONS,
});

const BreakdownSortEnum = builder.enumType('BreakdownSort', {
  description: 'The count a breakdown is sorted by (descending).',
  values: ['VIEWS', 'EVENTS', 'UNIQUE_USERS'] as const,
});

const BreakdownRowRef = builder.objectRef<BreakdownRow>('BreakdownRow').implement({
  description: 'The counts of one value of a dimension.',
  fields: (t) => ({
    value: t.exposeString('value', {
      nullable: true,
      description: 'null: none (direct traffic, no campaign, unknown browser or country, no path)',
    }),
    views: t.exposeInt('views', { description: 'page_view events' }),
    events: t.exposeInt('events', { description: 'all events' }),
    uniqueUsers: t.exposeInt('uniqueUsers', {
      description:
        "distinct non-null userId among the row's events: without filters a HyperLogLog estimate within 4.9%, with filters exact (docs/api.md)",
    }),
  }),
});

const StatsFilterInput = builder.inputType('StatsFilter', {
  description: 'Only the events whose dimension has this value (null: none). Filters combine with AND.',
  fields: (t) => ({
    dimension: t.field({ type: DimensionEnum, required: true }),
    value: t.string({ description: 'the value as breakdown returns it; null matches events without one' }),
  }),
});

const SeriesBucketRef = builder.objectRef<SeriesBucket>('StatsBucket').implement({
  description: 'Counts of one hour or day of the time zone.',
  fields: (t) => ({
    start: t.field({
      type: 'DateTime',
      description: 'start of the bucket (as an instant, in UTC)',
      resolve: (b) => new Date(b.start).toISOString(),
    }),
    views: t.exposeInt('views', { description: 'page_view events' }),
    events: t.exposeInt('events', { description: 'all events' }),
    uniqueUsers: t.exposeInt('uniqueUsers', {
      description: 'distinct non-null userId in the bucket (under one filter a HyperLogLog estimate within 4.9%)',
    }),
  }),
});

const EventTypeCountRef = builder.objectRef<EventTypeCount>('EventTypeCount').implement({
  description: 'How many events of one type.',
  fields: (t) => ({
    eventType: t.exposeString('eventType'),
    events: t.exposeInt('events'),
  }),
});

const inputError = (field: string, message: string) => toGraphQLError(new InputError([{ field, message }]));

const SiteStatsRef = builder.objectRef<SiteStats>('SiteStats').implement({
  description:
    'Counts for one site over one day, a range of days, or all time (days of timeZone), honouring every filter.',
  fields: (t) => ({
    siteId: t.exposeString('siteId'),
    date: t.expose('date', {
      type: 'Date',
      nullable: true,
      description: 'the day (of timeZone), when the stats cover exactly one day; null for ranges and all time',
    }),
    from: t.expose('from', {
      type: 'Date',
      nullable: true,
      description: 'first day covered (of timeZone); null when open',
    }),
    to: t.expose('to', { type: 'Date', nullable: true, description: 'last day covered (of timeZone); null when open' }),
    totalViews: t.exposeInt('totalViews', { description: 'events with eventType "page_view"' }),
    uniqueUsers: t.exposeInt('uniqueUsers', {
      description:
        'distinct non-null userId over all events in scope (under one filter a HyperLogLog estimate within 4.9%)',
    }),
    totalEvents: t.exposeInt('totalEvents', { description: 'all events in scope, any type' }),
    topPaths: t.expose('topPaths', {
      type: [PathViewsRef],
      description: 'the 10 paths with most page_view events; ties by path ascending',
    }),
    series: t.field({
      type: [SeriesBucketRef],
      description:
        'views, events and unique users per hour or day of timeZone over the scope, empty buckets included (all time: first to last day with events; at most 10000 buckets)',
      args: { interval: t.arg({ type: IntervalEnum, required: true }) },
      resolve: async (stats, { interval }, ctx) => {
        try {
          return await ctx.pulse.series(stats.scope, interval);
        } catch (error) {
          if (error instanceof TooManyBucketsError) throw inputError('series.interval', error.message);
          throw error;
        }
      },
    }),
    eventTypes: t.field({
      type: [EventTypeCountRef],
      description: 'events per type in scope, most frequent first, ties by name',
      resolve: (stats, _args, ctx) => ctx.pulse.eventTypes(stats.scope),
    }),
    breakdown: t.field({
      type: [BreakdownRowRef],
      description: `the values of one dimension in scope: sorted descending by sortBy, ties by value ascending, null (none) last; limit 1-${MAX_BREAKDOWN_LIMIT}`,
      args: {
        by: t.arg({ type: DimensionEnum, required: true }),
        limit: t.arg.int({ defaultValue: 10 }),
        sortBy: t.arg({ type: BreakdownSortEnum, defaultValue: 'VIEWS' }),
      },
      resolve: (stats, args, ctx, info) => {
        const limit = args.limit ?? 10;
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_BREAKDOWN_LIMIT) {
          throw inputError('breakdown.limit', `must be 1-${MAX_BREAKDOWN_LIMIT}, got ${limit}`);
        }
        return ctx.pulse.breakdown(stats.scope, {
          by: args.by,
          limit,
          sortBy: args.sortBy ?? 'VIEWS',
          // unique users are the costly count: only when asked for (or sorted by)
          withUsers: selects(info, 'uniqueUsers'),
        });
      },
    }),
  }),
});

/** The checks both root fields share: the API key, then the siteId rule. */
function checkAccess(ctx: PulseContext, siteId: string): void {
  if (!ctx.authorized) throw toGraphQLError(unauthenticated());
  const problem = siteIdProblem(siteId);
  if (problem) throw inputError('siteId', problem);
}

const dayArg = (date: string | null | undefined): number | null => (date ? dayOf(parseDate(date) as number) : null);

interface ScopeArgs {
  siteId: string;
  date?: string | null;
  from?: string | null;
  to?: string | null;
  timeZone?: string | null;
  filters?: readonly { dimension: StatsFilter['dimension']; value?: string | null }[] | null;
}

/** date, or from/to (inclusive, either may be open), or nothing for all time; days of timeZone. */
function scopeOf(args: ScopeArgs): StatsScope {
  const result = scopeFromInput({
    siteId: args.siteId,
    date: dayArg(args.date),
    from: dayArg(args.from),
    to: dayArg(args.to),
    timeZone: args.timeZone,
    filters: args.filters?.map((f) => ({ dimension: f.dimension, value: f.value ?? null })),
  });
  if (!result.ok) throw toGraphQLError(new InputError(result.problems));
  return result.scope;
}

/** The SiteStats fields storage.totals answers; the rest resolve against the scope. */
const TOTALS = ['totalViews', 'uniqueUsers', 'totalEvents', 'topPaths'] as const;
const NO_TOTALS = { totalViews: 0, uniqueUsers: 0, totalEvents: 0, topPaths: [] };

builder.queryField('siteStats', (t) =>
  t.field({
    type: SiteStatsRef,
    description:
      'Stats of a site for one day (date), a range of days (from/to, inclusive), or all time (none); days of timeZone. Every number honours the filters.',
    args: {
      siteId: t.arg.string({ required: true }),
      date: t.arg({ type: 'Date', description: 'one day of timeZone; omit (and from/to) for all time' }),
      from: t.arg({ type: 'Date', description: 'first day of a range (inclusive), of timeZone; open when omitted' }),
      to: t.arg({ type: 'Date', description: 'last day of a range (inclusive), of timeZone; open when omitted' }),
      timeZone: t.arg.string({
        defaultValue: UTC,
        description: 'IANA time zone name (e.g. "Europe/Berlin") whose days and hours the stats count',
      }),
      filters: t.arg({
        type: [StatsFilterInput],
        description: 'only events matching every filter (AND), at most one per dimension',
      }),
    },
    resolve: (_root, args, ctx, info) => {
      checkAccess(ctx, args.siteId);
      const scope = scopeOf(args);
      // A query for breakdowns, series or event types alone need not count the totals (unique
      // users over a range that is not whole UTC days read every user-hour of it).
      if (!TOTALS.some((field) => selects(info, field))) return { ...scopeFields(scope), ...NO_TOTALS };
      return ctx.pulse.stats(scope);
    },
  }),
);

builder.subscriptionField('liveStats', (t) =>
  t.field({
    type: SiteStatsRef,
    description:
      "The site's stats for the current day of timeZone at once, then again whenever newly stored events change them (coalesced).",
    args: {
      siteId: t.arg.string({ required: true }),
      timeZone: t.arg.string({ defaultValue: UTC, description: 'IANA time zone name whose today is watched' }),
    },
    subscribe: (_root, { siteId, timeZone }, ctx) => {
      checkAccess(ctx, siteId);
      const zone = scopeOf({ siteId, timeZone }).timeZone ?? UTC;
      return ctx.pulse.live.subscribe(siteId, zone);
    },
    resolve: (stats) => stats,
  }),
);
