// Rollups of a batch of events, computed in JS before the flush writes them in the same
// transaction as the events: event counts per (site, hour|day, type, path) and the distinct
// users per (site, hour), (site, day) and site. Counting and de-duplicating here turns thousands
// of events into a few hundred upserts. A bounded cache of user keys already stored skips the
// users SQLite would only ignore (returning visitors), which is most of them once a day is busy.
import type { EventRecord } from '../ingestion/event.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Rows of the batch's rollup deltas, as the JSON arrays the flush statements read. */
export interface RollupRows {
  /** [siteId, hour, eventType, path ('' for none), events] */
  hourly: (string | number)[][];
  /** [siteId, day, eventType, path, events] */
  daily: (string | number)[][];
  /** [siteId, hour, userId] */
  hourlyUsers: (string | number)[][];
  /** [siteId, day, userId] */
  dailyUsers: (string | number)[][];
  /** [siteId, userId] */
  siteUsers: string[][];
  /** user keys to remember once the transaction has committed */
  newUserKeys: string[];
}

const SEP = '\u0000';

/**
 * Remembers which (site, hour|day|all, user) keys are stored. Bounded: when full it forgets
 * everything, which only costs SQLite some ignored inserts.
 */
export class StoredUserKeys {
  private keys = new Set<string>();
  constructor(private readonly limit = 500_000) {}
  has(key: string): boolean {
    return this.keys.has(key);
  }
  addAll(keys: readonly string[]): void {
    if (this.keys.size + keys.length > this.limit) this.keys = new Set();
    for (const k of keys) this.keys.add(k);
  }
  clear(): void {
    this.keys = new Set();
  }
}

export function rollupRows(events: readonly EventRecord[], stored: StoredUserKeys): RollupRows {
  const hourly = new Map<string, (string | number)[]>();
  const daily = new Map<string, (string | number)[]>();
  const users = new Map<string, (string | number)[]>();
  const rows: RollupRows = { hourly: [], daily: [], hourlyUsers: [], dailyUsers: [], siteUsers: [], newUserKeys: [] };
  const addUser = (key: string, row: (string | number)[], into: (string | number)[][]) => {
    if (stored.has(key) || users.has(key)) return;
    users.set(key, row);
    into.push(row);
    rows.newUserKeys.push(key);
  };
  for (const e of events) {
    const hour = Math.floor(e.timestamp / HOUR_MS);
    const day = Math.floor(e.timestamp / DAY_MS);
    const path = e.path ?? '';
    const hk = `${e.siteId}${SEP}${hour}${SEP}${e.eventType}${SEP}${path}`;
    const h = hourly.get(hk);
    if (h) (h[4] as number)++;
    else hourly.set(hk, [e.siteId, hour, e.eventType, path, 1]);
    const dk = `${e.siteId}${SEP}${day}${SEP}${e.eventType}${SEP}${path}`;
    const d = daily.get(dk);
    if (d) (d[4] as number)++;
    else daily.set(dk, [e.siteId, day, e.eventType, path, 1]);
    if (e.userId !== null) {
      addUser(`h${SEP}${e.siteId}${SEP}${hour}${SEP}${e.userId}`, [e.siteId, hour, e.userId], rows.hourlyUsers);
      addUser(`d${SEP}${e.siteId}${SEP}${day}${SEP}${e.userId}`, [e.siteId, day, e.userId], rows.dailyUsers);
      addUser(`s${SEP}${e.siteId}${SEP}${e.userId}`, [e.siteId, e.userId], rows.siteUsers as (string | number)[][]);
    }
  }
  rows.hourly = [...hourly.values()];
  rows.daily = [...daily.values()];
  return rows;
}

/** The statements that apply RollupRows; each reads one JSON array parameter. */
export const ROLLUP_SQL = {
  hourly: `INSERT INTO rollup_hourly (site_id, hour, event_type, path, events)
    SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?) WHERE true
    ON CONFLICT DO UPDATE SET events = events + excluded.events`,
  daily: `INSERT INTO rollup_daily (site_id, day, event_type, path, events)
    SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?) WHERE true
    ON CONFLICT DO UPDATE SET events = events + excluded.events`,
  hourlyUsers: `INSERT OR IGNORE INTO rollup_hourly_users (site_id, hour, user_id)
    SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)`,
  dailyUsers: `INSERT OR IGNORE INTO rollup_daily_users (site_id, day, user_id)
    SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)`,
  siteUsers: `INSERT OR IGNORE INTO rollup_site_users (site_id, user_id)
    SELECT value ->> 0, value ->> 1 FROM json_each(?)`,
} as const;

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

/** floor(timestamp / hour) in SQL (SQLite's integer division truncates toward zero). */
const HOUR_OF_TS = `(timestamp / ${HOUR_MS} - (timestamp < 0 AND timestamp % ${HOUR_MS} != 0))`;
const DAY_OF_HOUR = '(hour / 24 - (hour < 0 AND hour % 24 != 0))';
