// The rollups on SQLite, kept by the flush in the same transaction as the events (ROLLUP_NEW_EVENTS_SQL)
// and rebuilt from the raw events by rebuildSql:
//   rollup_hourly, rollup_daily   events per (site, UTC hour | day, event type, path)
//   rollup_days                   events and page views per (site, day)
//   rollup_paths                  page views per (site, path), all time
//   rollup_hours                  events and page views per (site, UTC hour)
//   rollup_dims_hourly, _daily    events and page views per (site, attribute dimension, UTC hour |
//                                 day, value ('' for none)): breakdowns by SOURCE … COUNTRY
//   rollup_dims_total             the same per (site, dimension, value) over all time, PATH and
//                                 EVENT_TYPE included: all-time breakdowns
//   rollup_hourly_users           the distinct users of each (site, hour)
//   rollup_daily_users            the days each user was active on, per site
//   rollup_daily_uniques          users per (site, day, previous active day)
// The distinct users of days [from, to] are exactly the users active in the range whose previous
// active day is before `from`: sum(users) over rollup_daily_uniques WHERE day BETWEEN from AND to
// AND prev_day < from. That reads at most (days × distinct previous days) rows, where counting
// DISTINCT over the per-day user sets reads every user-day of the range (npm run bench:stats, the
// busiest site's 30 days: 49 ms with COUNT(DISTINCT), 4.8 ms with this sum).

import { PAGE_VIEW } from '../../core/event.js';
import { DIMENSION_COLUMN } from '../../core/stats.js';
import { DAY_MS, HOUR_MS, NO_PREVIOUS_DAY } from '../../core/time.js';
import { ATTRIBUTE_DIMENSIONS, attributeValueSql, DIMS_TABLE_SQL, EVENT_COLUMNS } from '../columns.js';

export { EVENT_COLUMNS };

/** floor(timestamp / hour) in SQL (SQLite's integer division truncates toward zero). */
const HOUR_OF_TS = `(timestamp / ${HOUR_MS} - (timestamp < 0 AND timestamp % ${HOUR_MS} != 0))`;
const DAY_OF_HOUR = '(hour / 24 - (hour < 0 AND hour % 24 != 0))';
const DAY_OF_TS = `(timestamp / ${DAY_MS} - (timestamp < 0 AND timestamp % ${DAY_MS} != 0))`;

/** The latest active day of user `u` at site `s` before day `d`, or NO_PREVIOUS_DAY. */
const previousDay = (s: string, u: string, d: string) =>
  `coalesce((SELECT max(p.day) FROM rollup_daily_users p
     WHERE p.site_id = ${s} AND p.user_id = ${u} AND p.day < ${d}), ${NO_PREVIOUS_DAY})`;

/**
 * Per (site, dimension, value): the attribute dimensions from `dims` (rows of flush_dims), PATH
 * and EVENT_TYPE from `paths` (rows of flush_paths).
 */
const DIMS_TOTAL_OF = (paths: string, dims: string) =>
  `SELECT site_id, dim, value, sum(events) AS events, sum(views) AS views FROM ${dims} GROUP BY 1, 2, 3
   UNION ALL SELECT site_id, 'PATH', path, sum(events), sum(${VIEWS_OF_PATHS}) FROM ${paths} GROUP BY 1, 3
   UNION ALL SELECT site_id, 'EVENT_TYPE', event_type, sum(events), sum(${VIEWS_OF_PATHS}) FROM ${paths} GROUP BY 1, 3`;

/** Per-flush scratch tables (TEMP: on the writer's connection only, never in the database file). */
export const FLUSH_EVENTS = 'temp.flush_events';
const NEW_DAYS = 'temp.flush_new_user_days';
const FLUSH_DIMS = 'temp.flush_dims';
const FLUSH_PATHS = 'temp.flush_paths';
const VIEWS_OF_PATHS = `CASE WHEN event_type = '${PAGE_VIEW}' THEN events ELSE 0 END`;
const MOVED_DAYS = 'temp.flush_moved_user_days';

/** The scratch tables, created once per connection. */
export const FLUSH_TABLES_SQL = [
  `CREATE TEMP TABLE IF NOT EXISTS flush_events (
    id INTEGER, site_id TEXT NOT NULL, event_type TEXT NOT NULL, path TEXT, user_id TEXT,
    timestamp INTEGER NOT NULL, client_event_id TEXT, source TEXT, utm_source TEXT, utm_medium TEXT,
    utm_campaign TEXT, browser TEXT, os TEXT, device TEXT, country TEXT)`,
  `CREATE TEMP TABLE IF NOT EXISTS flush_paths (
    site_id TEXT NOT NULL, hour INTEGER NOT NULL, event_type TEXT NOT NULL, path TEXT NOT NULL, events INTEGER NOT NULL)`,
  `CREATE TEMP TABLE IF NOT EXISTS flush_dims (
    site_id TEXT NOT NULL, dim TEXT NOT NULL, hour INTEGER NOT NULL, value TEXT NOT NULL,
    events INTEGER NOT NULL, views INTEGER NOT NULL)`,
  `CREATE TEMP TABLE IF NOT EXISTS flush_new_user_days (
    site_id TEXT NOT NULL, user_id TEXT NOT NULL, day INTEGER NOT NULL,
    PRIMARY KEY (site_id, user_id, day)) WITHOUT ROWID`,
  `CREATE TEMP TABLE IF NOT EXISTS flush_moved_user_days (
    site_id TEXT NOT NULL, day INTEGER NOT NULL, old_prev INTEGER NOT NULL, new_prev INTEGER NOT NULL)`,
];

/**
 * The batch's counts per (site, hour, type, path) into temp.flush_paths, grouped once: the
 * counters below read them.
 */
export const FILL_PATHS_SQL = `INSERT INTO ${FLUSH_PATHS} (site_id, hour, event_type, path, events)
      SELECT site_id, ${HOUR_OF_TS}, event_type, coalesce(path, ''), count(*) FROM ${FLUSH_EVENTS}
      GROUP BY 1, 2, 3, 4`;

/** The batch's counts per (site, attribute dimension, hour, value) into temp.flush_dims. */
export const FILL_DIMS_SQL = `INSERT INTO ${FLUSH_DIMS} (site_id, dim, hour, value, events, views)
      ${ATTRIBUTE_DIMENSIONS.map(
        (
          d,
        ) => `SELECT site_id, '${d}', ${HOUR_OF_TS}, coalesce(${DIMENSION_COLUMN[d]}, ''), count(*), sum(event_type = '${PAGE_VIEW}')
        FROM ${FLUSH_EVENTS} GROUP BY 1, 3, 4`,
      ).join('\n      UNION ALL ')}`;

/**
 * The same two tables from groups made in JS (storage/sqlite/aggregate.ts, batchGroups), one
 * JSON parameter each: for a batch whose every event is new.
 */
export const LOAD_PATHS_SQL = `INSERT INTO ${FLUSH_PATHS} (site_id, hour, event_type, path, events)
  SELECT s.value ->> 0, s.value ->> 1, s.value ->> 2, s.value ->> 3, s.value ->> 4 FROM jsonb_each(?) AS s`;
export const LOAD_DIMS_SQL = `INSERT INTO ${FLUSH_DIMS} (site_id, dim, hour, value, events, views)
  SELECT s.value ->> 0, s.value ->> 1, s.value ->> 2, s.value ->> 3, s.value ->> 4, s.value ->> 5 FROM jsonb_each(?) AS s`;

/**
 * The rollups of the rows just inserted (the flush leaves exactly those in temp.flush_events,
 * storage/sqlite/write.ts, and their counts in temp.flush_paths and temp.flush_dims), computed by
 * SQLite inside the flush transaction: its GROUP BY hands the upserts over in key order. Rows already stored
 * (a retried batch, a client's repeated eventId) were taken out of flush_events before the insert,
 * so nothing is counted twice, whichever process wrote them.
 *
 * Users: the batch's (site, user, day) triples not stored yet go to rollup_daily_users, and each
 * adds one user to (day, its previous active day). When a late event lands before a day the user
 * was already seen on, that later day's previous day moves: one user moves from (later day, old
 * previous) to (later day, new previous). In live traffic days only ever come after, and nothing moves.
 */
export const ROLLUPS_OF_GROUPS_SQL: string[] = [
  `INSERT INTO rollup_hourly (site_id, hour, event_type, path, events)
      SELECT site_id, hour, event_type, path, events FROM ${FLUSH_PATHS} WHERE true
      ON CONFLICT DO UPDATE SET events = events + excluded.events`,
  `INSERT INTO rollup_daily (site_id, day, event_type, path, events)
      SELECT site_id, ${DAY_OF_HOUR}, event_type, path, sum(events) FROM ${FLUSH_PATHS}
      GROUP BY 1, 2, 3, 4
      ON CONFLICT DO UPDATE SET events = events + excluded.events`,
  `INSERT INTO rollup_days (site_id, day, events, views)
      SELECT site_id, ${DAY_OF_HOUR}, sum(events), sum(${VIEWS_OF_PATHS}) FROM ${FLUSH_PATHS}
      GROUP BY 1, 2
      ON CONFLICT DO UPDATE SET events = events + excluded.events, views = views + excluded.views`,
  `INSERT INTO rollup_paths (site_id, path, views)
      SELECT site_id, path, sum(events) FROM ${FLUSH_PATHS} WHERE event_type = '${PAGE_VIEW}' AND path != ''
      GROUP BY 1, 2
      ON CONFLICT DO UPDATE SET views = views + excluded.views`,
  `INSERT INTO rollup_hours (site_id, hour, events, views)
      SELECT site_id, hour, sum(events), sum(${VIEWS_OF_PATHS}) FROM ${FLUSH_PATHS}
      GROUP BY 1, 2
      ON CONFLICT DO UPDATE SET events = events + excluded.events, views = views + excluded.views`,
  `INSERT INTO rollup_dims_hourly (site_id, dim, hour, value, events, views)
      SELECT site_id, dim, hour, value, events, views FROM ${FLUSH_DIMS} WHERE true
      ON CONFLICT DO UPDATE SET events = events + excluded.events, views = views + excluded.views`,
  `INSERT INTO rollup_dims_daily (site_id, dim, day, value, events, views)
      SELECT site_id, dim, ${DAY_OF_HOUR}, value, sum(events), sum(views) FROM ${FLUSH_DIMS}
      GROUP BY 1, 2, 3, 4
      ON CONFLICT DO UPDATE SET events = events + excluded.events, views = views + excluded.views`,
  `INSERT INTO rollup_dims_total (site_id, dim, value, events, views)
      SELECT * FROM (${DIMS_TOTAL_OF(FLUSH_PATHS, FLUSH_DIMS)}) WHERE true
      ON CONFLICT DO UPDATE SET events = events + excluded.events, views = views + excluded.views`,
  `DELETE FROM ${FLUSH_DIMS}`,
  `DELETE FROM ${FLUSH_PATHS}`,
  `INSERT OR IGNORE INTO rollup_hourly_users (site_id, hour, user_id)
      SELECT DISTINCT site_id, ${HOUR_OF_TS}, user_id FROM ${FLUSH_EVENTS} WHERE user_id IS NOT NULL`,
  `INSERT INTO ${NEW_DAYS} (site_id, user_id, day)
      SELECT DISTINCT site_id, user_id, day
        FROM (SELECT site_id, user_id, ${DAY_OF_TS} AS day FROM ${FLUSH_EVENTS} WHERE user_id IS NOT NULL) n
       WHERE NOT EXISTS (SELECT 1 FROM rollup_daily_users d
                          WHERE d.site_id = n.site_id AND d.user_id = n.user_id AND d.day = n.day)`,
  `INSERT INTO rollup_daily_users (site_id, user_id, day) SELECT site_id, user_id, day FROM ${NEW_DAYS}`,
  // The stored days that directly follow a new day (of the same user) and were stored before.
  `INSERT INTO ${MOVED_DAYS} (site_id, day, old_prev, new_prev)
      SELECT site_id, day,
             coalesce((SELECT max(p.day) FROM rollup_daily_users p
                        WHERE p.site_id = s.site_id AND p.user_id = s.user_id AND p.day < s.day
                          AND NOT EXISTS (SELECT 1 FROM ${NEW_DAYS} x
                                           WHERE x.site_id = p.site_id AND x.user_id = p.user_id AND x.day = p.day)),
                      ${NO_PREVIOUS_DAY}),
             ${previousDay('s.site_id', 's.user_id', 's.day')}
        FROM (SELECT DISTINCT t.site_id, t.user_id,
                     (SELECT min(q.day) FROM rollup_daily_users q
                       WHERE q.site_id = t.site_id AND q.user_id = t.user_id AND q.day > t.day) AS day
                FROM ${NEW_DAYS} t) s
       WHERE s.day IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM ${NEW_DAYS} x WHERE x.site_id = s.site_id AND x.user_id = s.user_id AND x.day = s.day)`,
  `INSERT INTO rollup_daily_uniques (site_id, day, prev_day, users)
      SELECT site_id, day, prev_day, sum(delta) FROM (
        SELECT site_id, day, ${previousDay('t.site_id', 't.user_id', 't.day')} AS prev_day, 1 AS delta FROM ${NEW_DAYS} t
        UNION ALL SELECT site_id, day, old_prev, -1 FROM ${MOVED_DAYS}
        UNION ALL SELECT site_id, day, new_prev, 1 FROM ${MOVED_DAYS})
      GROUP BY 1, 2, 3
      ON CONFLICT DO UPDATE SET users = users + excluded.users`,
  `DELETE FROM rollup_daily_uniques
      WHERE users = 0 AND (site_id, day, prev_day) IN (SELECT site_id, day, old_prev FROM ${MOVED_DAYS})`,
  `DELETE FROM ${NEW_DAYS}`,
  `DELETE FROM ${MOVED_DAYS}`,
];

/** The rollups of the rows left in temp.flush_events, grouped by SQLite. */
export const ROLLUP_NEW_EVENTS_SQL: string[] = [FILL_PATHS_SQL, FILL_DIMS_SQL, ...ROLLUPS_OF_GROUPS_SQL];

/**
 * Rebuilds the rollups from the raw events (npm run rollups:rebuild), in one transaction. Days
 * before the oldest raw event are kept as they are: retention may have pruned their events, and
 * their rollups are then the only record (all-time path counts are summed again from them).
 */
export function rebuildSql(fromDay: number): string[] {
  const fromHour = fromDay * 24;
  return [
    `DELETE FROM rollup_hourly WHERE hour >= ${fromHour}`,
    `DELETE FROM rollup_daily WHERE day >= ${fromDay}`,
    `DELETE FROM rollup_days WHERE day >= ${fromDay}`,
    'DELETE FROM rollup_paths',
    `DELETE FROM rollup_hourly_users WHERE hour >= ${fromHour}`,
    `DELETE FROM rollup_daily_users WHERE day >= ${fromDay}`,
    `DELETE FROM rollup_daily_uniques WHERE day >= ${fromDay}`,
    `DELETE FROM rollup_hours WHERE hour >= ${fromHour}`,
    `DELETE FROM rollup_dims_hourly WHERE hour >= ${fromHour}`,
    `DELETE FROM rollup_dims_daily WHERE day >= ${fromDay}`,
    'DELETE FROM rollup_dims_total',
    `INSERT INTO rollup_hourly (site_id, hour, event_type, path, events)
      SELECT site_id, ${HOUR_OF_TS}, event_type, coalesce(path, ''), count(*)
      FROM events WHERE timestamp >= ${fromDay * DAY_MS} GROUP BY 1, 2, 3, 4`,
    `INSERT INTO rollup_daily (site_id, day, event_type, path, events)
      SELECT site_id, ${DAY_OF_HOUR}, event_type, path, sum(events)
      FROM rollup_hourly WHERE hour >= ${fromHour} GROUP BY 1, 2, 3, 4`,
    `INSERT INTO rollup_days (site_id, day, events, views)
      SELECT site_id, day, sum(events), sum(CASE WHEN event_type = '${PAGE_VIEW}' THEN events ELSE 0 END)
      FROM rollup_daily WHERE day >= ${fromDay} GROUP BY 1, 2`,
    `INSERT INTO rollup_paths (site_id, path, views)
      SELECT site_id, path, sum(events) FROM rollup_daily
      WHERE event_type = '${PAGE_VIEW}' AND path != '' GROUP BY 1, 2`,
    `INSERT INTO rollup_hours (site_id, hour, events, views)
      SELECT site_id, hour, sum(events), sum(CASE WHEN event_type = '${PAGE_VIEW}' THEN events ELSE 0 END)
      FROM rollup_hourly WHERE hour >= ${fromHour} GROUP BY 1, 2`,
    `INSERT INTO rollup_dims_hourly (site_id, dim, hour, value, events, views)
      SELECT site_id, d.dim, ${HOUR_OF_TS}, ${attributeValueSql('d.dim')}, count(*), sum(event_type = '${PAGE_VIEW}')
        FROM events CROSS JOIN ${DIMS_TABLE_SQL} d WHERE timestamp >= ${fromDay * DAY_MS}
      GROUP BY 1, 2, 3, 4`,
    `INSERT INTO rollup_dims_daily (site_id, dim, day, value, events, views)
      SELECT site_id, dim, ${DAY_OF_HOUR}, value, sum(events), sum(views)
      FROM rollup_dims_hourly WHERE hour >= ${fromHour} GROUP BY 1, 2, 3, 4`,
    // all time, as rollup_paths: from the daily rollups, the days kept before fromDay included
    `INSERT INTO rollup_dims_total (site_id, dim, value, events, views)
      SELECT site_id, dim, value, sum(events), sum(views) FROM rollup_dims_daily GROUP BY 1, 2, 3
      UNION ALL SELECT site_id, 'PATH', path, sum(events), sum(CASE WHEN event_type = '${PAGE_VIEW}' THEN events ELSE 0 END)
        FROM rollup_daily GROUP BY 1, 3
      UNION ALL SELECT site_id, 'EVENT_TYPE', event_type, sum(events),
        sum(CASE WHEN event_type = '${PAGE_VIEW}' THEN events ELSE 0 END) FROM rollup_daily GROUP BY 1, 3`,
    `INSERT INTO rollup_hourly_users (site_id, hour, user_id)
      SELECT DISTINCT site_id, ${HOUR_OF_TS}, user_id
      FROM events WHERE user_id IS NOT NULL AND timestamp >= ${fromDay * DAY_MS}`,
    `INSERT INTO rollup_daily_users (site_id, user_id, day)
      SELECT DISTINCT site_id, user_id, ${DAY_OF_HOUR} FROM rollup_hourly_users WHERE hour >= ${fromHour}`,
    `INSERT INTO rollup_daily_uniques (site_id, day, prev_day, users)
      SELECT site_id, day, ${previousDay('d.site_id', 'd.user_id', 'd.day')}, count(*)
      FROM rollup_daily_users d WHERE day >= ${fromDay} GROUP BY 1, 2, 3`,
  ];
}
