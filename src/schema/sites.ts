// The sites query: every site with stored events (SiteSummary), for pickers such as the dashboard's.
import { builder } from '../builder.js';
import { toGraphQLError, unauthenticated } from '../errors.js';
import type { SiteSummary } from '../stats/sites.js';

const SiteSummaryRef = builder.objectRef<SiteSummary>('SiteSummary').implement({
  description: 'A site with stored events.',
  fields: (t) => ({
    siteId: t.exposeString('siteId'),
    totalEvents: t.exposeInt('totalEvents', { description: 'all stored events of the site, any type, all time' }),
    lastEventAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: "timestamp of the site's newest stored event; null when retention has pruned its raw events",
      resolve: (s) => (s.lastEventAt === null ? null : new Date(s.lastEventAt).toISOString()),
    }),
  }),
});

builder.queryField('sites', (t) =>
  t.field({
    type: [SiteSummaryRef],
    description: 'Every site with stored events, ordered by siteId. Needs a key when PULSE_API_KEYS is set.',
    resolve: (_root, _args, ctx) => {
      if (!ctx.authorized) throw toGraphQLError(unauthenticated());
      return ctx.pulse.sites();
    },
  }),
);
