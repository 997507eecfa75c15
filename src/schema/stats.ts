// Reporting over GraphQL: SiteStats (with series and eventTypes), PathViews, the siteStats query
// and the liveStats subscription.
import { builder } from '../builder.js';
import type { PulseContext } from '../context.js';
import { InputError, toGraphQLError, unauthenticated } from '../errors.js';
import { parseDate, siteIdProblem } from '../ingestion/request.js';
import type { EventTypeCount } from '../stats/event-types.js';
import { dayOf, type PathViews, type SiteStats, type StatsScope } from '../stats/scope.js';
import { type SeriesBucket, TooManyBucketsError } from '../stats/series.js';

const PathViewsRef = builder.objectRef<PathViews>('PathViews').implement({
  description: 'Page views of one path.',
  fields: (t) => ({
    path: t.exposeString('path'),
    views: t.exposeInt('views'),
  }),
});

const IntervalEnum = builder.enumType('Interval', {
  description: 'The width of a series bucket (UTC).',
  values: ['HOUR', 'DAY'] as const,
});

const SeriesBucketRef = builder.objectRef<SeriesBucket>('StatsBucket').implement({
  description: 'Counts of one hour or day.',
  fields: (t) => ({
    start: t.field({
      type: 'DateTime',
      description: 'start of the bucket (UTC)',
      resolve: (b) => new Date(b.start).toISOString(),
    }),
    views: t.exposeInt('views', { description: 'page_view events' }),
    events: t.exposeInt('events', { description: 'all events' }),
    uniqueUsers: t.exposeInt('uniqueUsers', { description: 'distinct non-null userId in the bucket' }),
  }),
});

const EventTypeCountRef = builder.objectRef<EventTypeCount>('EventTypeCount').implement({
  description: 'How many events of one type.',
  fields: (t) => ({
    eventType: t.exposeString('eventType'),
    events: t.exposeInt('events'),
  }),
});

const SiteStatsRef = builder.objectRef<SiteStats>('SiteStats').implement({
  description: 'Counts for one site over one UTC day, a range of days, or all time.',
  fields: (t) => ({
    siteId: t.exposeString('siteId'),
    date: t.expose('date', {
      type: 'Date',
      nullable: true,
      description: 'the day, when the stats cover exactly one day; null for ranges and all time',
    }),
    from: t.expose('from', { type: 'Date', nullable: true, description: 'first day covered; null when open' }),
    to: t.expose('to', { type: 'Date', nullable: true, description: 'last day covered; null when open' }),
    totalViews: t.exposeInt('totalViews', { description: 'events with eventType "page_view"' }),
    uniqueUsers: t.exposeInt('uniqueUsers', { description: 'distinct non-null userId over all events in scope' }),
    totalEvents: t.exposeInt('totalEvents', { description: 'all events in scope, any type' }),
    topPaths: t.expose('topPaths', {
      type: [PathViewsRef],
      description: 'the 10 paths with most page_view events; ties by path ascending',
    }),
    series: t.field({
      type: [SeriesBucketRef],
      description:
        'views, events and unique users per UTC hour or day over the scope, empty buckets included (all time: first to last day with events; at most 10000 buckets)',
      args: { interval: t.arg({ type: IntervalEnum, required: true }) },
      resolve: async (stats, { interval }, ctx) => {
        try {
          return await ctx.pulse.series(stats.scope, interval);
        } catch (error) {
          if (error instanceof TooManyBucketsError) {
            throw toGraphQLError(new InputError([{ field: 'series.interval', message: error.message }]));
          }
          throw error;
        }
      },
    }),
    eventTypes: t.field({
      type: [EventTypeCountRef],
      description: 'events per type in scope, most frequent first, ties by name',
      resolve: (stats, _args, ctx) => ctx.pulse.eventTypes(stats.scope),
    }),
  }),
});

/** The checks both root fields share: the API key, then the siteId rule. */
function checkAccess(ctx: PulseContext, siteId: string): void {
  if (!ctx.authorized) throw toGraphQLError(unauthenticated());
  const problem = siteIdProblem(siteId);
  if (problem) throw toGraphQLError(new InputError([{ field: 'siteId', message: problem }]));
}

const dayArg = (date: string | null | undefined): number | null => (date ? dayOf(parseDate(date) as number) : null);

/** date, or from/to (inclusive, either may be open), or nothing for all time. */
function scopeOf(siteId: string, args: { date?: string | null; from?: string | null; to?: string | null }): StatsScope {
  const date = dayArg(args.date);
  const from = dayArg(args.from);
  const to = dayArg(args.to);
  if (date !== null && (from !== null || to !== null)) {
    throw toGraphQLError(new InputError([{ field: 'date', message: 'give either date or from/to, not both' }]));
  }
  if (from !== null && to !== null && from > to) {
    throw toGraphQLError(new InputError([{ field: 'from', message: 'must not be after to' }]));
  }
  return date !== null ? { siteId, fromDay: date, toDay: date } : { siteId, fromDay: from, toDay: to };
}

builder.queryField('siteStats', (t) =>
  t.field({
    type: SiteStatsRef,
    description: 'Stats of a site for one UTC day (date), a range of days (from/to, inclusive), or all time (none).',
    args: {
      siteId: t.arg.string({ required: true }),
      date: t.arg({ type: 'Date', description: 'one UTC day; omit (and from/to) for all time' }),
      from: t.arg({ type: 'Date', description: 'first UTC day of a range (inclusive); open when omitted' }),
      to: t.arg({ type: 'Date', description: 'last UTC day of a range (inclusive); open when omitted' }),
    },
    resolve: (_root, args, ctx) => {
      checkAccess(ctx, args.siteId);
      return ctx.pulse.stats(scopeOf(args.siteId, args));
    },
  }),
);

builder.subscriptionField('liveStats', (t) =>
  t.field({
    type: SiteStatsRef,
    description:
      "The site's stats for the current UTC day at once, then again whenever newly stored events change them (coalesced).",
    args: { siteId: t.arg.string({ required: true }) },
    subscribe: (_root, { siteId }, ctx) => {
      checkAccess(ctx, siteId);
      return ctx.pulse.live.subscribe(siteId);
    },
    resolve: (stats) => stats,
  }),
);
