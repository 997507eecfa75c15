// eventTypes: the count of each event type in a scope, most frequent first, ties by name.
import { queryRows } from '../db.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { MAX_DAY, MIN_DAY, type StatsScope } from './scope.js';

export interface EventTypeCount {
  eventType: string;
  events: number;
}

export async function eventTypes(db: PrismaClient, scope: StatsScope): Promise<EventTypeCount[]> {
  const rows = await queryRows<{ event_type: string; events: string | number }>(
    db,
    `SELECT event_type, sum(events) AS events FROM rollup_daily
      WHERE site_id = ? AND day BETWEEN ? AND ?
      GROUP BY event_type ORDER BY events DESC, event_type ASC`,
    scope.siteId,
    scope.fromDay ?? MIN_DAY,
    scope.toDay ?? MAX_DAY,
  );
  return rows.map((r) => ({ eventType: r.event_type, events: Number(r.events) }));
}
