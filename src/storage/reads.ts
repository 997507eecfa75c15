// The stats reads of the storage port (totals, bounds, seriesCounts, eventTypes, breakdown) as SQL
// both backends run: one statement per answer, a UNION ALL of one branch per kind of part of the
// plan (storage/plan.ts: daily rollups, hourly rollups, raw events), each branch joining the
// parts (a JSON parameter) to its table by key. A backend gives its dialect (placeholders, how a
// JSON array becomes rows, byte-order collation) and a function that runs a read.
import { PAGE_VIEW } from '../core/event.js';
import {
  type BreakdownRow,
  type BreakdownSort,
  type BucketCounts,
  DIMENSION_COLUMN,
  type Dimension,
  type EventTypeCount,
  type SiteTotals,
  type StatsFilter,
  type StatsRange,
  TOP_PATHS,
} from '../core/stats.js';
import { HOUR_MS, MAX_DAY, MIN_DAY } from '../core/time.js';
import { isAttributeDimension } from './columns.js';
import { closed, type Part, type Plan, plan } from './plan.js';

export type { Part };

import { type Count, mergeBuckets } from './rows.js';
import { Hll } from './sketch.js';

export interface Dialect {
  /**
   * The parts as a table `p` (columns b, lo, hi): SQLite expands a JSON parameter (added with
   * `param`); PostgreSQL gets them as VALUES, so its planner knows how many parts there are and
   * joins each to its table's index (a JSON parameter, estimated at 100 rows, led it to scan).
   */
  parts(parts: Part[], param: (value: unknown) => string): string;
  /** `FROM parts p` joined to `table alias` on `where` (a condition on p and alias). */
  join(parts: string, table: string, alias: string, where: string): string;
  /** The collation that orders text by its bytes (UTF-8), after a column: '' or ' COLLATE "C"'. */
  bytes: string;
}

/** Runs a read written with $1, $2, … placeholders (a backend renumbers them as it needs). */
export type Read = <T>(sql: string, args: unknown[]) => Promise<T[]>;

/** Parameters as a statement collects them: add() gives the placeholder. */
class Args {
  readonly list: unknown[] = [];
  add(value: unknown): string {
    this.list.push(value);
    return `$${this.list.length}`;
  }
}

const VIEW = `CASE WHEN e.event_type = '${PAGE_VIEW}' THEN 1 ELSE 0 END`;

/** The filters as conditions on events e (AND), their values as parameters. */
function filterSql(args: Args, filters: readonly StatsFilter[]): string {
  let sql = '';
  for (const f of filters) {
    const column = DIMENSION_COLUMN[f.dimension];
    if (!column) throw new Error(`unknown dimension ${String(f.dimension)}`);
    sql += f.value === null ? ` AND e.${column} IS NULL` : ` AND e.${column} = ${args.add(f.value)}`;
  }
  return sql;
}

/** The parts of the plan as JOINs: `p` the part, the table's rows of bucket p.b. */
function from(dialect: Dialect, args: Args, parts: Part[], table: string, on: string): string {
  const [name, alias] = table.split(' ') as [string, string];
  return dialect.join(
    dialect.parts(parts, (value) => args.add(value)),
    name,
    alias,
    on,
  );
}

interface Statement {
  sql: string;
  args: unknown[];
}

/**
 * The rollup table a count of whole days or hours reads, and its condition: rollup_days/hours
 * without filters; with ONE filter (the plan has rollup parts only then) the filter's rows of
 * rollup_dims_daily/hourly (attribute dimensions) or rollup_daily/hourly (PATH, EVENT_TYPE).
 */
function countsTable(
  a: Args,
  unit: 'day' | 'hour',
  filters: readonly StatsFilter[],
): [table: string, on: string, views: string] {
  const [f] = filters;
  if (!f) return [unit === 'day' ? 'rollup_days r' : 'rollup_hours r', '', 'r.views'];
  const value = a.add(f.value ?? '');
  if (isAttributeDimension(f.dimension))
    return [
      unit === 'day' ? 'rollup_dims_daily r' : 'rollup_dims_hourly r',
      ` AND r.dim = ${a.add(f.dimension)} AND r.value = ${value}`,
      'r.views',
    ];
  const column = f.dimension === 'PATH' ? 'r.path' : 'r.event_type';
  return [
    unit === 'day' ? 'rollup_daily r' : 'rollup_hourly r',
    ` AND ${column} = ${value}`,
    `CASE WHEN r.event_type = '${PAGE_VIEW}' THEN r.events ELSE 0 END`,
  ];
}

/** Events and views per bucket. */
function countsStatement(d: Dialect, site: string, p: Plan, filters: readonly StatsFilter[]): Statement | null {
  const a = new Args();
  const s = a.add(site);
  const branches: string[] = [];
  for (const [parts, unit] of [
    [p.days, 'day'],
    [p.hours, 'hour'],
  ] as const) {
    if (parts.length === 0) continue;
    const [table, on, views] = countsTable(a, unit, filters);
    const where = `r.site_id = ${s}${on} AND r.${unit} >= p.lo AND r.${unit} < p.hi`;
    branches.push(`SELECT p.b AS b, sum(r.events) AS events, sum(${views}) AS views
      ${from(d, a, parts, table, where)} GROUP BY p.b`);
  }
  if (p.raw.length > 0) {
    const where = `e.site_id = ${s} AND e.timestamp >= p.lo AND e.timestamp < p.hi${filterSql(a, filters)}`;
    branches.push(`SELECT p.b AS b, count(*) AS events, sum(${VIEW}) AS views
      ${from(d, a, p.raw, 'events e', where)} GROUP BY p.b`);
  }
  if (branches.length === 0) return null;
  const sql = `SELECT b AS bucket, sum(events) AS events, sum(views) AS views FROM (${branches.join(' UNION ALL ')}) x GROUP BY b`;
  return { sql, args: a.list };
}

/** Distinct users per bucket (plan.ts says how). */
function usersStatement(d: Dialect, site: string, p: Plan, filters: readonly StatsFilter[]): Statement | null {
  const a = new Args();
  const s = a.add(site);
  const branches: string[] = [];
  if (p.userDays.length > 0) {
    const on = `u.site_id = ${s} AND u.day >= p.lo AND u.day < p.hi AND u.prev_day < p.lo`;
    branches.push(
      `SELECT p.b AS b, sum(u.users) AS users ${from(d, a, p.userDays, 'rollup_daily_uniques u', on)} GROUP BY p.b`,
    );
  }
  const sets: string[] = [];
  if (p.userHours.length > 0) {
    const on = `h.site_id = ${s} AND h.hour >= p.lo AND h.hour < p.hi`;
    sets.push(`SELECT p.b AS b, h.user_id AS user_id ${from(d, a, p.userHours, 'rollup_hourly_users h', on)}`);
  }
  if (p.raw.length > 0) {
    const where = `e.site_id = ${s} AND e.timestamp >= p.lo AND e.timestamp < p.hi AND e.user_id IS NOT NULL${filterSql(a, filters)}`;
    sets.push(`SELECT p.b AS b, e.user_id AS user_id ${from(d, a, p.raw, 'events e', where)}`);
  }
  if (sets.length > 0)
    branches.push(`SELECT b, count(DISTINCT user_id) AS users FROM (${sets.join(' UNION ALL ')}) y GROUP BY b`);
  if (branches.length === 0) return null;
  const sql = `SELECT b AS bucket, sum(users) AS users FROM (${branches.join(' UNION ALL ')}) x GROUP BY b`;
  return { sql, args: a.list };
}

/**
 * Unique users per bucket and value from the sketches (storage/sketch.ts): the HyperLogLogs of
 * dimension `dim` (only `value`'s, when given) over the plan's whole days and hours, merged with
 * the raw parts' user ids (of events matching `filters`). An estimate: docs/api.md gives its bound.
 */
async function sketchedUsers(
  d: Dialect,
  read: Read,
  site: string,
  p: Plan,
  dim: Dimension,
  value: string | readonly string[] | undefined,
  filters: readonly StatsFilter[],
): Promise<Map<number, Map<string, Hll>>> {
  const only = (a: Args, column: string) =>
    value === undefined
      ? ''
      : typeof value === 'string'
        ? ` AND ${column} = ${a.add(value)}`
        : ` AND ${column} IN (${value.map((v) => a.add(v)).join(', ')})`;
  const out = new Map<number, Map<string, Hll>>();
  const at = (b: number, v: string) => {
    let values = out.get(b);
    if (!values) {
      values = new Map();
      out.set(b, values);
    }
    let h = values.get(v);
    if (!h) {
      h = new Hll();
      values.set(v, h);
    }
    return h;
  };
  const reads: Promise<void>[] = [];
  // Whole UTC days from the daily sketches; whole hours and partial hours from the raw events
  // (sketches are kept per day only: storage/sketches.ts).
  const raw: Part[] = [...p.raw, ...p.hours.map(([b, lo, hi]): Part => [b, lo * HOUR_MS, hi * HOUR_MS])];
  if (p.days.length > 0) {
    const parts = p.days;
    const a = new Args();
    const on = `u.site_id = ${a.add(site)} AND u.dim = ${a.add(dim)}${only(a, 'u.value')} AND u.day >= p.lo AND u.day < p.hi`;
    const table = 'rollup_users_daily u';
    reads.push(
      read<{ b: Count; value: string; users: string }>(
        `SELECT p.b AS b, u.value AS value, u.users AS users ${from(d, a, parts, table, on)}`,
        a.list,
      ).then((rows) => {
        for (const r of rows) at(Number(r.b), r.value).merge(Hll.decode(r.users));
      }),
    );
  }
  if (raw.length > 0) {
    const a = new Args();
    const column = `coalesce(e.${DIMENSION_COLUMN[dim]}, '')`;
    const where = `e.site_id = ${a.add(site)} AND e.timestamp >= p.lo AND e.timestamp < p.hi AND e.user_id IS NOT NULL${filterSql(a, filters)}${typeof value === 'string' ? '' : only(a, column)}`;
    reads.push(
      read<{ b: Count; value: string; user_id: string }>(
        `SELECT p.b AS b, ${column} AS value, e.user_id AS user_id ${from(d, a, raw, 'events e', where)}
          GROUP BY p.b, ${column}, e.user_id`,
        a.list,
      ).then((rows) => {
        for (const r of rows) at(Number(r.b), r.value).add(r.user_id);
      }),
    );
  }
  await Promise.all(reads);
  return out;
}

/** Users per bucket of a range under one filter (sketchedUsers of the filter's value). */
async function filteredUsers(d: Dialect, read: Read, site: string, p: Plan, filter: StatsFilter) {
  const value = filter.value ?? '';
  const byBucket = await sketchedUsers(d, read, site, p, filter.dimension, value, [filter]);
  return [...byBucket].map(([bucket, values]) => ({ bucket, users: values.get(value)?.estimate() ?? 0 }));
}

/** Byte order (UTF-8) of two strings, as the databases order values. */
const byteOrder = (x: string, y: string) => Buffer.compare(Buffer.from(x), Buffer.from(y));

type Grouped = { value: string; events: Count; views: Count; users?: Count };

/**
 * Rows (value, events, views[, users]) of one dimension over the plan's parts, '' for none,
 * sorted and cut as a breakdown is. `withUsers`: the plan is raw events only (one part).
 */
function groupedStatement(
  d: Dialect,
  site: string,
  p: Plan,
  filters: readonly StatsFilter[],
  by: Dimension,
  order: string,
  limit: number,
  withUsers: boolean,
  having = '',
): Statement | null {
  const a = new Args();
  const s = a.add(site);
  const branches: string[] = [];
  const [whole] = p.days;
  const allTime = p.days.length === 1 && whole?.[1] === MIN_DAY && whole[2] === MAX_DAY;
  if (allTime) {
    // all time: one row a value (rollup_dims_total)
    branches.push(`SELECT value, events, views FROM rollup_dims_total WHERE site_id = ${s} AND dim = ${a.add(by)}`);
  }
  const rollup = (parts: Part[], unit: 'day' | 'hour') => {
    if (allTime) return;
    if (parts.length === 0) return;
    const range = `r.site_id = ${s} AND r.${unit} >= p.lo AND r.${unit} < p.hi`;
    if (isAttributeDimension(by)) {
      const table = unit === 'day' ? 'rollup_dims_daily r' : 'rollup_dims_hourly r';
      const dim = a.add(by);
      // the dimension before the range: the key is (site_id, dim, day | hour, value)
      const on = `r.site_id = ${s} AND r.dim = ${dim} AND r.${unit} >= p.lo AND r.${unit} < p.hi`;
      branches.push(`SELECT r.value AS value, sum(r.events) AS events, sum(r.views) AS views
        ${from(d, a, parts, table, on)} GROUP BY r.value`);
    } else {
      const column = by === 'PATH' ? 'r.path' : 'r.event_type';
      const table = unit === 'day' ? 'rollup_daily r' : 'rollup_hourly r';
      branches.push(`SELECT ${column} AS value, sum(r.events) AS events,
          sum(CASE WHEN r.event_type = '${PAGE_VIEW}' THEN r.events ELSE 0 END) AS views
        ${from(d, a, parts, table, range)} GROUP BY ${column}`);
    }
  };
  rollup(p.days, 'day');
  rollup(p.hours, 'hour');
  if (p.raw.length > 0) {
    const column = `coalesce(e.${DIMENSION_COLUMN[by]}, '')`;
    const where = `e.site_id = ${s} AND e.timestamp >= p.lo AND e.timestamp < p.hi${filterSql(a, filters)}`;
    const users = withUsers ? ', count(DISTINCT e.user_id) AS users' : '';
    branches.push(`SELECT ${column} AS value, count(*) AS events, sum(${VIEW}) AS views${users}
      ${from(d, a, p.raw, 'events e', where)} GROUP BY ${column}`);
  }
  if (branches.length === 0) return null;
  const users = withUsers ? ', sum(users) AS users' : '';
  const sql = `SELECT value, sum(events) AS events, sum(views) AS views${users}
    FROM (${branches.join(' UNION ALL ')}) x GROUP BY value ${having}
    ORDER BY ${order}, CASE WHEN value = '' THEN 1 ELSE 0 END, value${d.bytes} ASC LIMIT ${limit}`;
  return { sql, args: a.list };
}

const SORT_COLUMN: Record<BreakdownSort, string> = {
  VIEWS: 'views DESC',
  EVENTS: 'events DESC',
  UNIQUE_USERS: 'users DESC',
};

export interface Reads {
  totals(range: StatsRange): Promise<SiteTotals>;
  bounds(range: StatsRange): Promise<[number, number] | null>;
  seriesCounts(range: StatsRange, edges: readonly number[]): Promise<BucketCounts[]>;
  eventTypes(range: StatsRange): Promise<EventTypeCount[]>;
  breakdown(
    range: StatsRange,
    by: Dimension,
    limit: number,
    sortBy: BreakdownSort,
    withUsers: boolean,
  ): Promise<BreakdownRow[]>;
}

const run = async <T>(read: Read, statement: Statement | null): Promise<T[]> =>
  statement ? read<T>(statement.sql, statement.args) : [];

export function createReads(d: Dialect, read: Read): Reads {
  /** The plan of grouped reads (top paths, event types, breakdowns): from rollups without filters only. */
  const rangePlan = (range: StatsRange) => plan([closed(range.start, range.end)], range.filters.length === 0);
  /** Totals and series: from rollups (and sketches for users) with at most one filter. */
  const sketched = (range: StatsRange) => range.filters.length === 1;
  const countsPlan = (buckets: [number, number][], range: StatsRange) => plan(buckets, range.filters.length <= 1);

  async function topPaths(range: StatsRange, p: Plan) {
    if (range.start === null && range.end === null && range.filters.length === 0) {
      const rows = await read<{ path: string; views: Count }>(
        `SELECT path, views FROM rollup_paths WHERE site_id = $1
          ORDER BY views DESC, path${d.bytes} ASC LIMIT ${TOP_PATHS}`,
        [range.siteId],
      );
      return rows.map((r) => ({ path: r.path, views: Number(r.views) }));
    }
    const rows = await run<Grouped>(
      read,
      groupedStatement(
        d,
        range.siteId,
        p,
        range.filters,
        'PATH',
        'views DESC',
        TOP_PATHS,
        false,
        `HAVING value <> '' AND sum(views) > 0`,
      ),
    );
    return rows.map((r) => ({ path: r.value, views: Number(r.views) }));
  }

  return {
    async totals(range) {
      const p = countsPlan([closed(range.start, range.end)], range);
      const [f] = range.filters;
      const [counts, users, paths] = await Promise.all([
        run<{ events: Count; views: Count }>(read, countsStatement(d, range.siteId, p, range.filters)),
        f && sketched(range)
          ? filteredUsers(d, read, range.siteId, p, f)
          : run<{ users: Count }>(read, usersStatement(d, range.siteId, p, range.filters)),
        topPaths(range, rangePlan(range)),
      ]);
      return {
        totalViews: Number(counts[0]?.views ?? 0),
        uniqueUsers: Number(users[0]?.users ?? 0),
        totalEvents: Number(counts[0]?.events ?? 0),
        topPaths: paths,
      };
    },

    async bounds(range) {
      const [lo, hi] = closed(range.start, range.end);
      const a = new Args();
      const s = a.add(range.siteId);
      const where = `e.site_id = ${s} AND e.timestamp >= ${a.add(lo)} AND e.timestamp < ${a.add(hi)}${filterSql(a, range.filters)}`;
      const [raw] = await read<{ lo: Count; hi: Count }>(
        `SELECT (SELECT min(e.timestamp) FROM events e WHERE ${where}) AS lo,
                (SELECT max(e.timestamp) FROM events e WHERE ${where}) AS hi`,
        a.list,
      );
      let first = raw?.lo === null || raw?.lo === undefined ? null : Number(raw.lo);
      let last = raw?.hi === null || raw?.hi === undefined ? null : Number(raw.hi);
      if (range.filters.length === 0) {
        // Hours whose raw events retention pruned are still in the rollups: the first (last)
        // such hour before (after) the raw events bounds the range at its first (last) instant.
        // (hour numbers of an open end clamped to PostgreSQL's integer: no hour lies beyond)
        const hs = Math.max(Math.ceil(lo / HOUR_MS), -(2 ** 31));
        const he = Math.min(Math.floor(hi / HOUR_MS), 2 ** 31 - 1);
        const [hours] = await read<{ lo: Count; hi: Count }>(
          `SELECT (SELECT min(hour) FROM rollup_hours WHERE site_id = $1 AND hour >= $2 AND hour < $3) AS lo,
                  (SELECT max(hour) FROM rollup_hours WHERE site_id = $1 AND hour >= $2 AND hour < $3) AS hi`,
          [range.siteId, hs, he],
        );
        if (hours?.lo !== null && hours?.lo !== undefined) {
          const h = Number(hours.lo);
          if (first === null || Math.floor(first / HOUR_MS) > h) first = h * HOUR_MS;
        }
        if (hours?.hi !== null && hours?.hi !== undefined) {
          const h = Number(hours.hi);
          if (last === null || Math.floor(last / HOUR_MS) < h) last = (h + 1) * HOUR_MS - 1;
        }
      }
      return first === null || last === null ? null : [first, last];
    },

    async seriesCounts(range, edges) {
      const [lo, hi] = closed(range.start, range.end);
      const buckets: [number, number][] = [];
      for (let i = 0; i + 1 < edges.length; i++)
        buckets.push([Math.max(lo, edges[i] as number), Math.min(hi, edges[i + 1] as number)]);
      const p = countsPlan(buckets, range);
      const [f] = range.filters;
      const [counts, users] = await Promise.all([
        run<{ bucket: number; events: Count; views: Count }>(read, countsStatement(d, range.siteId, p, range.filters)),
        f && sketched(range)
          ? filteredUsers(d, read, range.siteId, p, f)
          : run<{ bucket: number; users: Count }>(read, usersStatement(d, range.siteId, p, range.filters)),
      ]);
      return mergeBuckets(counts, users).sort((x, y) => x.bucket - y.bucket);
    },

    async eventTypes(range) {
      const rows = await run<Grouped>(
        read,
        groupedStatement(d, range.siteId, rangePlan(range), range.filters, 'EVENT_TYPE', 'events DESC', 1e9, false),
      );
      return rows.map((r) => ({ eventType: r.value, events: Number(r.events) }));
    },

    async breakdown(range, by, limit, sortBy, withUsers) {
      const users = withUsers || sortBy === 'UNIQUE_USERS';
      const n = Math.max(0, Math.min(Math.trunc(limit), 1e9));
      if (users && range.filters.length === 0) {
        // Unique users per row from the sketches (estimates, docs/api.md), the counts from the
        // rollups: every value's row, then sorted and cut here.
        const p = rangePlan(range);
        let rows: Grouped[];
        let sketches: Map<number, Map<string, Hll>>;
        if (sortBy === 'UNIQUE_USERS') {
          [rows, sketches] = await Promise.all([
            run<Grouped>(read, groupedStatement(d, range.siteId, p, [], by, 'value', 1e9, false)),
            sketchedUsers(d, read, range.siteId, p, by, undefined, []),
          ]);
        } else {
          // the rows the sort keeps, then the sketches of their values only
          rows = await run<Grouped>(read, groupedStatement(d, range.siteId, p, [], by, SORT_COLUMN[sortBy], n, false));
          const values = rows.map((r) => r.value);
          sketches = values.length === 0 ? new Map() : await sketchedUsers(d, read, range.siteId, p, by, values, []);
        }
        const perValue = sketches.get(0);
        const out = rows.map((r) => ({
          value: r.value,
          views: Number(r.views ?? 0),
          events: Number(r.events ?? 0),
          uniqueUsers: perValue?.get(r.value)?.estimate() ?? 0,
        }));
        const key = sortBy === 'VIEWS' ? 'views' : sortBy === 'EVENTS' ? 'events' : 'uniqueUsers';
        out.sort(
          (x, y) =>
            y[key] - x[key] || (x.value === '' ? 1 : 0) - (y.value === '' ? 1 : 0) || byteOrder(x.value, y.value),
        );
        return out.slice(0, n).map((r) => ({ ...r, value: r.value === '' ? null : r.value }));
      }
      // Unique users per row under filters: exact over the raw events of the whole range (one part).
      const p = users ? plan([closed(range.start, range.end)], false) : rangePlan(range);
      const rows = await run<Grouped>(
        read,
        groupedStatement(d, range.siteId, p, range.filters, by, SORT_COLUMN[sortBy], n, users),
      );
      return rows.map((r) => ({
        value: r.value === '' ? null : r.value,
        views: Number(r.views ?? 0),
        events: Number(r.events ?? 0),
        uniqueUsers: users ? Number(r.users ?? 0) : 0,
      }));
    },
  };
}
