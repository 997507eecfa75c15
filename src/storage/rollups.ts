// The rollups: event counts per (site, UTC hour | day, event type, path) and the distinct users
// per (site, hour), (site, day) and site, kept by the flush in the same transaction as the events
// (see ROLLUP_NEW_EVENTS_SQL), and rebuilt from the raw events by rebuildSql.

import { DAY_MS, HOUR_MS } from '../time.js';

/** floor(timestamp / hour) in SQL (SQLite's integer division truncates toward zero). */
const HOUR_OF_TS = `(timestamp / ${HOUR_MS} - (timestamp < 0 AND timestamp % ${HOUR_MS} != 0))`;
const DAY_OF_HOUR = '(hour / 24 - (hour < 0 AND hour % 24 != 0))';
const DAY_OF_TS = `(timestamp / ${DAY_MS} - (timestamp < 0 AND timestamp % ${DAY_MS} != 0))`;

/**
 * The rollups of the rows just inserted (id > ?, the largest id before the insert), computed by
 * SQLite inside the flush transaction: its GROUP BY hands the upserts over in key order, and no
 * rollup row crosses from JS to SQLite. Rows that INSERT OR IGNORE skipped (already stored) are
 * not in the range, so a retried batch is never counted twice.
 */
export const ROLLUP_NEW_EVENTS_SQL = [
  `INSERT INTO rollup_hourly (site_id, hour, event_type, path, events)
    SELECT site_id, ${HOUR_OF_TS}, event_type, coalesce(path, ''), count(*) FROM events WHERE id > ?
    GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET events = events + excluded.events`,
  `INSERT INTO rollup_daily (site_id, day, event_type, path, events)
    SELECT site_id, ${DAY_OF_TS}, event_type, coalesce(path, ''), count(*) FROM events WHERE id > ?
    GROUP BY 1, 2, 3, 4
    ON CONFLICT DO UPDATE SET events = events + excluded.events`,
  `INSERT OR IGNORE INTO rollup_hourly_users (site_id, hour, user_id)
    SELECT DISTINCT site_id, ${HOUR_OF_TS}, user_id FROM events WHERE id > ? AND user_id IS NOT NULL`,
  `INSERT OR IGNORE INTO rollup_daily_users (site_id, day, user_id)
    SELECT DISTINCT site_id, ${DAY_OF_TS}, user_id FROM events WHERE id > ? AND user_id IS NOT NULL`,
  `INSERT OR IGNORE INTO rollup_site_users (site_id, user_id)
    SELECT DISTINCT site_id, user_id FROM events WHERE id > ? AND user_id IS NOT NULL`,
];

/**
 * Rebuilds the rollups from the raw events (npm run rollups:rebuild), in one transaction. Days
 * before the oldest raw event are kept as they are: retention may have pruned their events, and
 * their rollups are then the only record. All-time site users are only added to, for the same reason.
 */
export function rebuildSql(fromDay: number): string[] {
  const fromHour = fromDay * 24;
  return [
    `DELETE FROM rollup_hourly WHERE hour >= ${fromHour}`,
    `DELETE FROM rollup_daily WHERE day >= ${fromDay}`,
    `DELETE FROM rollup_hourly_users WHERE hour >= ${fromHour}`,
    `DELETE FROM rollup_daily_users WHERE day >= ${fromDay}`,
    `INSERT INTO rollup_hourly (site_id, hour, event_type, path, events)
      SELECT site_id, ${HOUR_OF_TS}, event_type, coalesce(path, ''), count(*)
      FROM events WHERE timestamp >= ${fromDay * DAY_MS} GROUP BY 1, 2, 3, 4`,
    `INSERT INTO rollup_daily (site_id, day, event_type, path, events)
      SELECT site_id, ${DAY_OF_HOUR}, event_type, path, sum(events)
      FROM rollup_hourly WHERE hour >= ${fromHour} GROUP BY 1, 2, 3, 4`,
    `INSERT INTO rollup_hourly_users (site_id, hour, user_id)
      SELECT DISTINCT site_id, ${HOUR_OF_TS}, user_id
      FROM events WHERE user_id IS NOT NULL AND timestamp >= ${fromDay * DAY_MS}`,
    `INSERT INTO rollup_daily_users (site_id, day, user_id)
      SELECT DISTINCT site_id, ${DAY_OF_HOUR}, user_id FROM rollup_hourly_users WHERE hour >= ${fromHour}`,
    'INSERT OR IGNORE INTO rollup_site_users (site_id, user_id) SELECT DISTINCT site_id, user_id FROM rollup_daily_users',
  ];
}
