// The sites query on PostgreSQL: every site with stored events, from rollup_days.
import type { SiteSummary } from '../../core/stats.js';
import type { Count } from '../rows.js';
import { type PgDb, queryRows } from './db.js';

// Totals from rollup_days (one row per site and day, grouped in key order); the newest event is
// one seek per site on the events' (site_id, timestamp) index.
const SITES_SQL = `SELECT s.site_id, s.events,
    (SELECT max(e.timestamp) FROM events e WHERE e.site_id = s.site_id) AS last_ts
  FROM (SELECT site_id, sum(events) AS events FROM rollup_days GROUP BY site_id) s
  ORDER BY s.site_id COLLATE "C"`;

export async function sites(db: PgDb): Promise<SiteSummary[]> {
  const rows = await queryRows<{ site_id: string; events: Count; last_ts: Count }>(db, SITES_SQL);
  return rows.map((r) => ({
    siteId: r.site_id,
    totalEvents: Number(r.events),
    lastEventAt: r.last_ts === null ? null : Number(r.last_ts),
  }));
}
