// sites: every site with stored events, by siteId, with its event count and newest event.
// Totals come from rollup_days (one row per site and day, grouped in key order); the newest event
// is one seek per site on the events' (site_id, timestamp) index. docs/dashboard.md has the timings.
import { queryRows } from '../db.js';
import type { PrismaClient } from '../generated/prisma/client.js';

export interface SiteSummary {
  siteId: string;
  totalEvents: number;
  /** epoch ms of the site's newest stored raw event; null when retention pruned them all */
  lastEventAt: number | null;
}

const SITES_SQL = `SELECT s.site_id, s.events,
    (SELECT max(e.timestamp) FROM events e WHERE e.site_id = s.site_id) AS last_ts
  FROM (SELECT site_id, sum(events) AS events FROM rollup_days GROUP BY site_id) s
  ORDER BY s.site_id`;

type Row = { site_id: string; events: string | number; last_ts: string | number | null };

export async function sites(db: PrismaClient): Promise<SiteSummary[]> {
  const rows = await queryRows<Row>(db, SITES_SQL);
  return rows.map((r) => ({
    siteId: r.site_id,
    totalEvents: Number(r.events),
    lastEventAt: r.last_ts === null ? null : Number(r.last_ts),
  }));
}
