// The dashboard's GraphQL documents: one siteStats query for the whole page (numbers, chart, every
// panel's breakdown under an alias), and liveStats either with the same fields (pushes are shown)
// or as a bare change signal (docs/dashboard.md, "Live updates").
import type { Bucket } from './chart.js';
import { aliasOf, BREAKDOWN_LIMIT, PANELS } from './panels.js';

export interface Row {
  value: string | null;
  views: number;
  events?: number;
  uniqueUsers?: number;
}

export interface Stats {
  date: string | null;
  totalViews: number;
  uniqueUsers: number;
  totalEvents: number;
  /** without visitors: topPaths and eventTypes; with them: pathRows and typeRows (breakdowns) */
  topPaths?: { path: string; views: number }[];
  eventTypes?: { eventType: string; events: number }[];
  pathRows?: Row[];
  typeRows?: Row[];
  series?: Bucket[];
  /** the panels' breakdowns, under their aliases (panels.ts) */
  [alias: string]: unknown;
}

export const SITES = 'query DashboardSites { sites { siteId } }';

/** uniqueUsers per row only when the page shows it: it costs the server more than counts. */
function fields(visitors: boolean): string {
  const users = visitors ? ' uniqueUsers' : '';
  const lists = visitors
    ? `pathRows: breakdown(by: PATH, limit: ${BREAKDOWN_LIMIT}) { value views uniqueUsers }
  typeRows: breakdown(by: EVENT_TYPE, limit: ${BREAKDOWN_LIMIT}, sortBy: EVENTS) { value views events uniqueUsers }`
    : 'topPaths { path views } eventTypes { eventType events }';
  const breakdowns = PANELS.flatMap((p) => p.dimensions).map(
    (d) => `${aliasOf(d)}: breakdown(by: ${d}, limit: ${BREAKDOWN_LIMIT}) { value views${users} }`,
  );
  return `totalViews uniqueUsers totalEvents\n  ${lists}\n  ${breakdowns.join('\n  ')}`;
}

export const statsQuery = (visitors: boolean) => `query DashboardStats($siteId: String!, $date: Date, $from: Date,
  $to: Date, $interval: Interval!, $timeZone: String, $filters: [StatsFilter!]) {
  siteStats(siteId: $siteId, date: $date, from: $from, to: $to, timeZone: $timeZone, filters: $filters) {
    date ${fields(visitors)} series(interval: $interval) { start views events uniqueUsers }
  }
}`;

/** today, unfiltered: each push is the page's numbers */
export const liveQuery = (visitors: boolean) => `subscription DashboardLive($siteId: String!, $timeZone: String) {
  liveStats(siteId: $siteId, timeZone: $timeZone) {
    date ${fields(visitors)} series(interval: HOUR) { start views events uniqueUsers }
  }
}`;

/** any other view: a push only says the site changed, and the page reads its own view again */
export const LIVE_SIGNAL = `subscription DashboardChanged($siteId: String!, $timeZone: String) {
  liveStats(siteId: $siteId, timeZone: $timeZone) { date totalEvents }
}`;
