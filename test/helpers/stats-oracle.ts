// The storage reads' answers computed in plain JavaScript from every raw event (SELECT * FROM
// events), independent of the SQL under test: the definition the property test holds each
// backend's totals, bounds, seriesCounts, eventTypes and breakdown to (docs/api.md).
import { PAGE_VIEW } from '../../src/core/event.js';
import {
  type BreakdownRow,
  type BreakdownSort,
  type BucketCounts,
  DIMENSION_COLUMN,
  type Dimension,
  type EventTypeCount,
  type SiteTotals,
  type StatsRange,
  TOP_PATHS,
} from '../../src/core/stats.js';
import type { Storage } from '../../src/storage/port.js';
import { rawQuery } from './raw-sql.js';

type Row = Record<string, unknown> & { site_id: string; event_type: string; user_id: string | null };
type Stored = Row & { ts: number };

/** Text in byte order of its UTF-8 (as SQLite and PostgreSQL's "C" collation compare it). */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** null after every value */
const compareValues = (a: string | null, b: string | null) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : compareBytes(a, b);

export class StatsOracle {
  private constructor(private readonly events: Stored[]) {}

  /** how many events it holds */
  get size(): number {
    return this.events.length;
  }

  static async load(storage: Storage): Promise<StatsOracle> {
    const rows = await rawQuery<Row>(storage, 'SELECT * FROM events');
    return new StatsOracle(rows.map((r) => ({ ...r, ts: Number(r.timestamp) })));
  }

  private select(range: StatsRange, lo = -Infinity, hi = Infinity): Stored[] {
    return this.events.filter(
      (e) =>
        e.site_id === range.siteId &&
        (range.start === null || e.ts >= range.start) &&
        (range.end === null || e.ts < range.end) &&
        e.ts >= lo &&
        e.ts < hi &&
        range.filters.every((f) => (e[DIMENSION_COLUMN[f.dimension]] ?? null) === f.value),
    );
  }

  totals(range: StatsRange): SiteTotals {
    const events = this.select(range);
    const views = events.filter((e) => e.event_type === PAGE_VIEW);
    const paths = new Map<string, number>();
    for (const e of views) if (e.path !== null) paths.set(e.path as string, (paths.get(e.path as string) ?? 0) + 1);
    return {
      totalViews: views.length,
      uniqueUsers: users(events),
      totalEvents: events.length,
      topPaths: [...paths]
        .map(([path, n]) => ({ path, views: n }))
        .sort((a, b) => b.views - a.views || compareBytes(a.path, b.path))
        .slice(0, TOP_PATHS),
    };
  }

  bounds(range: StatsRange): [number, number] | null {
    const ts = this.select(range).map((e) => e.ts);
    return ts.length === 0 ? null : [Math.min(...ts), Math.max(...ts)];
  }

  /** Every bucket with events (the reads may leave empty ones out). */
  seriesCounts(range: StatsRange, edges: readonly number[]): BucketCounts[] {
    const out: BucketCounts[] = [];
    for (let i = 0; i + 1 < edges.length; i++) {
      const events = this.select(range, edges[i], edges[i + 1]);
      if (events.length === 0) continue;
      out.push({
        bucket: i,
        events: events.length,
        views: events.filter((e) => e.event_type === PAGE_VIEW).length,
        uniqueUsers: users(events),
      });
    }
    return out;
  }

  eventTypes(range: StatsRange): EventTypeCount[] {
    const counts = new Map<string, number>();
    for (const e of this.select(range)) counts.set(e.event_type, (counts.get(e.event_type) ?? 0) + 1);
    return [...counts]
      .map(([eventType, events]) => ({ eventType, events }))
      .sort((a, b) => b.events - a.events || compareBytes(a.eventType, b.eventType));
  }

  breakdown(
    range: StatsRange,
    by: Dimension,
    limit: number,
    sortBy: BreakdownSort,
    withUsers: boolean,
  ): BreakdownRow[] {
    const groups = new Map<string | null, Stored[]>();
    for (const e of this.select(range)) {
      const value = (e[DIMENSION_COLUMN[by]] ?? null) as string | null;
      const group = groups.get(value) ?? [];
      group.push(e);
      groups.set(value, group);
    }
    const counted = withUsers || sortBy === 'UNIQUE_USERS';
    const key = { VIEWS: 'views', EVENTS: 'events', UNIQUE_USERS: 'uniqueUsers' } as const;
    return [...groups]
      .map(([value, events]) => ({
        value,
        views: events.filter((e) => e.event_type === PAGE_VIEW).length,
        events: events.length,
        uniqueUsers: counted ? users(events) : 0,
      }))
      .sort((a, b) => b[key[sortBy]] - a[key[sortBy]] || compareValues(a.value, b.value))
      .slice(0, limit);
  }
}

function users(events: Stored[]): number {
  return new Set(events.filter((e) => e.user_id !== null).map((e) => e.user_id)).size;
}
