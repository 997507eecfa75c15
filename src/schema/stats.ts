// Reporting over GraphQL: SiteStats, PathViews, the siteStats query and the liveStats subscription.
import { builder } from '../builder.js';
import type { PulseContext } from '../context.js';
import { InputError, toGraphQLError, unauthenticated } from '../errors.js';
import { parseDate, siteIdProblem } from '../ingestion/request.js';
import type { PathViews, SiteStats } from '../stats/site-stats.js';

const PathViewsRef = builder.objectRef<PathViews>('PathViews').implement({
  description: 'Page views of one path.',
  fields: (t) => ({
    path: t.exposeString('path'),
    views: t.exposeInt('views'),
  }),
});

const SiteStatsRef = builder.objectRef<SiteStats>('SiteStats').implement({
  description: 'Counts for one site over one UTC day, or all time.',
  fields: (t) => ({
    siteId: t.exposeString('siteId'),
    date: t.expose('date', { type: 'Date', nullable: true, description: 'null when the stats cover all time' }),
    totalViews: t.exposeInt('totalViews', { description: 'events with eventType "page_view"' }),
    uniqueUsers: t.exposeInt('uniqueUsers', { description: 'distinct non-null userId over all events in scope' }),
    totalEvents: t.exposeInt('totalEvents', { description: 'all events in scope, any type' }),
    topPaths: t.expose('topPaths', {
      type: [PathViewsRef],
      description: 'the 10 paths with most page_view events; ties by path ascending',
    }),
  }),
});

/** The checks both root fields share: the API key, then the siteId rule. */
function checkAccess(ctx: PulseContext, siteId: string): void {
  if (!ctx.authorized) throw toGraphQLError(unauthenticated());
  const problem = siteIdProblem(siteId);
  if (problem) throw toGraphQLError(new InputError([{ field: 'siteId', message: problem }]));
}

builder.queryField('siteStats', (t) =>
  t.field({
    type: SiteStatsRef,
    description: 'Stats of a site for one UTC day (date) or all time (no date).',
    args: {
      siteId: t.arg.string({ required: true }),
      date: t.arg({ type: 'Date', description: 'UTC day; omit for all time' }),
    },
    resolve: (_root, { siteId, date }, ctx) => {
      checkAccess(ctx, siteId);
      return ctx.pulse.stats({ siteId, dayStart: date ? parseDate(date) : null });
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
