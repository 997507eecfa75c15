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
  const seenUsers = new Set<string>();
  const rows: RollupRows = { hourly: [], daily: [], hourlyUsers: [], dailyUsers: [], siteUsers: [], newUserKeys: [] };
  const remember = (key: string, row: (string | number)[], into: (string | number)[][]) => {
    if (stored.has(key) || seenUsers.has(key)) return;
    seenUsers.add(key);
    into.push(row);
    rows.newUserKeys.push(key);
  };
  for (const e of events) {
    const hour = Math.floor(e.timestamp / HOUR_MS);
    const path = e.path ?? '';
    const hk = `${e.siteId}${SEP}${hour}${SEP}${e.eventType}${SEP}${path}`;
    const h = hourly.get(hk);
    if (h) (h[4] as number)++;
    else hourly.set(hk, [e.siteId, hour, e.eventType, path, 1]);
    if (e.userId === null) continue;
    // The three keys of a user are stored together, so a known hour key means the day and
    // site keys are known too: a returning visitor costs one lookup.
    const userKey = `${e.siteId}${SEP}${e.userId}`;
    const hourKey = `h${hour}${SEP}${userKey}`;
    if (stored.has(hourKey) || seenUsers.has(hourKey)) continue;
    const day = Math.floor(hour / 24);
    remember(hourKey, [e.siteId, hour, e.userId], rows.hourlyUsers);
    remember(`d${day}${SEP}${userKey}`, [e.siteId, day, e.userId], rows.dailyUsers);
    remember(`s${SEP}${userKey}`, [e.siteId, e.userId], rows.siteUsers as (string | number)[][]);
  }
  // Daily counts from the hourly groups: a few hundred rows instead of every event again.
  const daily = new Map<string, (string | number)[]>();
  for (const row of hourly.values()) {
    const [siteId, hour, eventType, path, n] = row as [string, number, string, string, number];
    const day = Math.floor(hour / 24);
    const dk = `${siteId}${SEP}${day}${SEP}${eventType}${SEP}${path}`;
    const d = daily.get(dk);
    if (d) (d[4] as number) += n;
    else daily.set(dk, [siteId, day, eventType, path, n]);
    rows.hourly.push(row);
  }
  rows.daily = [...daily.values()];
  // In primary-key order each upsert lands next to the previous one in the B-tree.
  rows.hourly.sort(byKey);
  rows.daily.sort(byKey);
  rows.hourlyUsers.sort(byKey);
  rows.dailyUsers.sort(byKey);
  rows.siteUsers.sort(byKey);
  return rows;
}

function byKey(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
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
