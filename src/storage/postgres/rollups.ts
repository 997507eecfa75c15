// The rollups on PostgreSQL: the same tables and the same arithmetic as storage/sqlite/rollups.ts
// (which explains the unique-users design), written for concurrent writers:
//  * every upsert is INSERT … SELECT … ORDER BY <conflict key> … ON CONFLICT, so two instances'
//    flushes take the rollup rows' locks in one order and never deadlock;
//  * the user-days part (rollup_daily_users, rollup_daily_uniques) reads what other flushes wrote
//    (a user's previous active day), so it runs under one transaction-scoped advisory lock: two
//    flushes carrying the same user on different days would otherwise each miss the other's day.
//    The counters before it run concurrently; the lock is held from there to the commit.
import { PAGE_VIEW } from '../../core/event.js';
import { DAY_MS, HOUR_MS, NO_PREVIOUS_DAY } from '../../core/time.js';
import { attributeValueSql, DIMS_TABLE_SQL, EVENT_COLUMNS } from '../columns.js';

/** floor(ms / unit) as an int (PostgreSQL's integer division truncates toward zero). */
const floorDiv = (ms: string, unit: number) =>
  `((${ms}) / ${unit} - CASE WHEN (${ms}) < 0 AND (${ms}) % ${unit} <> 0 THEN 1 ELSE 0 END)::int`;
const HOUR_OF_TS = floorDiv('timestamp', HOUR_MS);
const DAY_OF_TS = floorDiv('timestamp', DAY_MS);
const DAY_OF_HOUR = floorDiv('hour', 24);

/** The latest active day of user `u` at site `s` before day `d`, or NO_PREVIOUS_DAY. */
const previousDay = (s: string, u: string, d: string) =>
  `coalesce((SELECT max(p.day) FROM rollup_daily_users p
     WHERE p.site_id = ${s} AND p.user_id = ${u} AND p.day < ${d}), ${NO_PREVIOUS_DAY})`;

/** Advisory lock keys ('pulse' in ASCII, then a number): rollup users here, migrations in migrate.ts. */
export const USER_DAYS_LOCK = 0x70756c736501;

/**
 * Per-session scratch tables, emptied at every commit. The new user days are keyed: the moved-days
 * statement looks them up per user (without the key, once per row over the whole table).
 */
export const FLUSH_TABLES_SQL = `
  CREATE TEMP TABLE IF NOT EXISTS flush_events (
    id bigint, site_id text, event_type text, path text, user_id text, timestamp bigint, client_event_id text,
    source text, utm_source text, utm_medium text, utm_campaign text, browser text, os text, device text, country text
  ) ON COMMIT DELETE ROWS;
  CREATE TEMP TABLE IF NOT EXISTS flush_dims (
    site_id text, dim text, hour int, value text, events int, views int
  ) ON COMMIT DELETE ROWS;
  CREATE TEMP TABLE IF NOT EXISTS flush_new_user_days (
    site_id text, user_id text, day int, PRIMARY KEY (site_id, user_id, day)
  ) ON COMMIT DELETE ROWS;
  CREATE TEMP TABLE IF NOT EXISTS flush_moved_user_days (
    site_id text, day int, old_prev int, new_prev int
  ) ON COMMIT DELETE ROWS`;

/**
 * The batch as one array per column ($1 ids … $7 client eventIds, $8 … $15 the attributes; unnested: ~15% faster here than
 * one JSON parameter taken apart with ->>) into events, and the rows actually inserted into
 * flush_events: ON CONFLICT DO NOTHING skips an id stored already (a retried batch) and a client
 * eventId the site has already (from any instance; the unique index waits for a concurrent
 * insert of the same one to commit or roll back). Rows go in id order, as the batch holds them;
 * two instances' batches only meet on a repeated client eventId, where PostgreSQL would break a
 * lock cycle by failing one flush, which then retries.
 */
export const INSERT_EVENTS_SQL = `
  WITH inserted AS (
    INSERT INTO events (${EVENT_COLUMNS})
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[],
                         $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
    ON CONFLICT DO NOTHING
    RETURNING ${EVENT_COLUMNS})
  INSERT INTO flush_events (${EVENT_COLUMNS}) SELECT ${EVENT_COLUMNS} FROM inserted`;

/** The rollups of flush_events, in order; the advisory lock comes before the user days. */
export const ROLLUP_NEW_EVENTS_SQL: string[] = [
  `INSERT INTO rollup_hourly (site_id, hour, event_type, path, events)
    SELECT site_id, ${HOUR_OF_TS}, event_type, coalesce(path, ''), count(*) FROM flush_events
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (site_id, hour, event_type, path) DO UPDATE SET events = rollup_hourly.events + excluded.events`,
  `INSERT INTO rollup_daily (site_id, day, event_type, path, events)
    SELECT site_id, ${DAY_OF_TS}, event_type, coalesce(path, ''), count(*) FROM flush_events
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (site_id, day, event_type, path) DO UPDATE SET events = rollup_daily.events + excluded.events`,
  `INSERT INTO rollup_days (site_id, day, events, views)
    SELECT site_id, ${DAY_OF_TS}, count(*), count(*) FILTER (WHERE event_type = '${PAGE_VIEW}') FROM flush_events
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (site_id, day) DO UPDATE
      SET events = rollup_days.events + excluded.events, views = rollup_days.views + excluded.views`,
  `INSERT INTO rollup_paths (site_id, path, views)
    SELECT site_id, path, count(*) FROM flush_events WHERE event_type = '${PAGE_VIEW}' AND path IS NOT NULL
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (site_id, path) DO UPDATE SET views = rollup_paths.views + excluded.views`,
  `INSERT INTO rollup_hours (site_id, hour, events, views)
    SELECT site_id, ${HOUR_OF_TS}, count(*), count(*) FILTER (WHERE event_type = '${PAGE_VIEW}') FROM flush_events
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (site_id, hour) DO UPDATE
      SET events = rollup_hours.events + excluded.events, views = rollup_hours.views + excluded.views`,
  // Every event once per attribute dimension, grouped once; the hourly and daily rows from that.
  `INSERT INTO flush_dims (site_id, dim, hour, value, events, views)
    SELECT f.site_id, d.dim, ${HOUR_OF_TS}, ${attributeValueSql('d.dim')}, count(*),
           count(*) FILTER (WHERE event_type = '${PAGE_VIEW}')
      FROM flush_events f CROSS JOIN ${DIMS_TABLE_SQL} d
    GROUP BY 1, 2, 3, 4`,
  `INSERT INTO rollup_dims_hourly (site_id, dim, hour, value, events, views)
    SELECT site_id, dim, hour, value, events, views FROM flush_dims ORDER BY 1, 2, 3, 4
    ON CONFLICT (site_id, dim, hour, value) DO UPDATE
      SET events = rollup_dims_hourly.events + excluded.events, views = rollup_dims_hourly.views + excluded.views`,
  `INSERT INTO rollup_dims_daily (site_id, dim, day, value, events, views)
    SELECT site_id, dim, ${DAY_OF_HOUR}, value, sum(events), sum(views) FROM flush_dims
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (site_id, dim, day, value) DO UPDATE
      SET events = rollup_dims_daily.events + excluded.events, views = rollup_dims_daily.views + excluded.views`,
  `INSERT INTO rollup_dims_total (site_id, dim, value, events, views)
    SELECT site_id, dim, value, sum(events), sum(views) FROM (
      SELECT site_id, dim, value, events, views FROM flush_dims
      UNION ALL SELECT site_id, 'PATH', coalesce(path, ''), 1, CASE WHEN event_type = '${PAGE_VIEW}' THEN 1 ELSE 0 END FROM flush_events
      UNION ALL SELECT site_id, 'EVENT_TYPE', event_type, 1, CASE WHEN event_type = '${PAGE_VIEW}' THEN 1 ELSE 0 END FROM flush_events) t
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (site_id, dim, value) DO UPDATE
      SET events = rollup_dims_total.events + excluded.events, views = rollup_dims_total.views + excluded.views`,
  `INSERT INTO rollup_hourly_users (site_id, hour, user_id)
    SELECT DISTINCT site_id, ${HOUR_OF_TS}, user_id FROM flush_events WHERE user_id IS NOT NULL ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING`,
  `SELECT pg_advisory_xact_lock(${USER_DAYS_LOCK})`,
  // The (site, user, day) triples no flush stored before, as this insert decides them.
  `WITH inserted AS (
    INSERT INTO rollup_daily_users (site_id, user_id, day)
    SELECT DISTINCT site_id, user_id, ${DAY_OF_TS} FROM flush_events WHERE user_id IS NOT NULL ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
    RETURNING site_id, user_id, day)
  INSERT INTO flush_new_user_days SELECT site_id, user_id, day FROM inserted`,
  // The stored days that directly follow a new day (of the same user) and were stored before.
  `INSERT INTO flush_moved_user_days (site_id, day, old_prev, new_prev)
    SELECT site_id, day,
           coalesce((SELECT max(p.day) FROM rollup_daily_users p
                      WHERE p.site_id = s.site_id AND p.user_id = s.user_id AND p.day < s.day
                        AND NOT EXISTS (SELECT 1 FROM flush_new_user_days x
                                         WHERE x.site_id = p.site_id AND x.user_id = p.user_id AND x.day = p.day)),
                    ${NO_PREVIOUS_DAY}),
           ${previousDay('s.site_id', 's.user_id', 's.day')}
      FROM (SELECT DISTINCT t.site_id, t.user_id,
                   (SELECT min(q.day) FROM rollup_daily_users q
                     WHERE q.site_id = t.site_id AND q.user_id = t.user_id AND q.day > t.day) AS day
              FROM flush_new_user_days t) s
     WHERE s.day IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM flush_new_user_days x
                        WHERE x.site_id = s.site_id AND x.user_id = s.user_id AND x.day = s.day)`,
  `INSERT INTO rollup_daily_uniques (site_id, day, prev_day, users)
    SELECT site_id, day, prev_day, sum(delta) FROM (
      SELECT site_id, day, ${previousDay('t.site_id', 't.user_id', 't.day')} AS prev_day, 1 AS delta
        FROM flush_new_user_days t
      UNION ALL SELECT site_id, day, old_prev, -1 FROM flush_moved_user_days
      UNION ALL SELECT site_id, day, new_prev, 1 FROM flush_moved_user_days) u
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (site_id, day, prev_day) DO UPDATE SET users = rollup_daily_uniques.users + excluded.users`,
  `DELETE FROM rollup_daily_uniques
    WHERE users = 0 AND (site_id, day, prev_day) IN (SELECT site_id, day, old_prev FROM flush_moved_user_days)`,
];

/**
 * Rebuilds the rollups from the raw events (npm run rollups:rebuild), in one transaction that
 * first blocks new events (SHARE lock on events: flushes wait) and takes the user-days lock.
 * Days before the oldest raw event keep their rollups (retention may have pruned their events).
 */
export function rebuildSql(fromDay: number): string[] {
  const fromHour = fromDay * 24;
  return [
    'LOCK TABLE events IN SHARE MODE',
    `SELECT pg_advisory_xact_lock(${USER_DAYS_LOCK})`,
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
      WHERE event_type = '${PAGE_VIEW}' AND path <> '' GROUP BY 1, 2`,
    `INSERT INTO rollup_hours (site_id, hour, events, views)
      SELECT site_id, hour, sum(events), sum(CASE WHEN event_type = '${PAGE_VIEW}' THEN events ELSE 0 END)
      FROM rollup_hourly WHERE hour >= ${fromHour} GROUP BY 1, 2`,
    `INSERT INTO rollup_dims_hourly (site_id, dim, hour, value, events, views)
      SELECT site_id, d.dim, ${HOUR_OF_TS}, ${attributeValueSql('d.dim')}, count(*),
             count(*) FILTER (WHERE event_type = '${PAGE_VIEW}')
        FROM events CROSS JOIN ${DIMS_TABLE_SQL} d WHERE timestamp >= ${fromDay * DAY_MS}
      GROUP BY 1, 2, 3, 4`,
    `INSERT INTO rollup_dims_daily (site_id, dim, day, value, events, views)
      SELECT site_id, dim, ${DAY_OF_HOUR}, value, sum(events), sum(views)
      FROM rollup_dims_hourly WHERE hour >= ${fromHour} GROUP BY 1, 2, 3, 4`,
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
