// The document GraphiQL opens on (GET /graphql in a browser): one example of each kind of
// operation, dated today, instead of GraphiQL's generic welcome text.
import { utcDate } from './core/time.js';

export function graphiqlDefaultQuery(now = Date.now()): string {
  const timestamp = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `# Pulse: run one of these with the ▶ button (its menu lists the operations).
# With PULSE_API_KEYS set, reading stats needs a key: add it under Headers as
#   {"Authorization": "Bearer <key>"}
# Run LiveStats, then RecordEvent (in another tab): the subscription shows the new numbers.

mutation RecordEvent {
  recordEvent(input: {
    siteId: "example.com"
    eventType: "page_view"
    path: "/pricing"
    userId: "visitor-1"
    timestamp: "${timestamp}"
  }) {
    accepted
  }
}

query SiteStatsToday {
  siteStats(siteId: "example.com", date: "${utcDate(now)}") {
    totalViews
    uniqueUsers
    totalEvents
    topPaths { path views }
    eventTypes { eventType events }
    series(interval: HOUR) { start views }
    sources: breakdown(by: SOURCE) { value views uniqueUsers }
    countries: breakdown(by: COUNTRY, limit: 5) { value views }
  }
}

subscription LiveStats {
  liveStats(siteId: "example.com") {
    date
    totalViews
    uniqueUsers
    totalEvents
    topPaths { path views }
  }
}
`;
}
