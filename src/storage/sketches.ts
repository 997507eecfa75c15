// The unique-user sketch rollup (rollup_users_daily: a HyperLogLog of the
// users per site, dimension, UTC day and value, storage/sketch.ts), kept at the end of the
// flush transaction by both backends (storage/sqlite/sketches.ts, storage/postgres/sketches.ts):
// the batch grouped in JS by key, the stored sketches of those keys read in one statement per
// table, merged, and written back in one statement per table (on PostgreSQL under the flush's
// advisory lock, storage/postgres/rollups.ts: no other flush changes them in between). Adding a user to a HyperLogLog is
// idempotent, so a retried batch changes nothing.
import type { EventRecord } from '../core/event.js';
import { DIMENSIONS, type Dimension } from '../core/stats.js';
import { DAY_MS } from '../core/time.js';
import { Hll, pairOf } from './sketch.js';

/**
 * Sketches are kept per UTC day only: hourly ones were 7× the keys a flush merges and tripled the
 * flush's cost (docs/performance.md, "Unique-user sketches"); partial days are read from the raw
 * events instead.
 */
export type SketchUnit = 'day';
export const SKETCH_TABLE: Record<SketchUnit, string> = { day: 'rollup_users_daily' };

/** [site_id, dim, day, value] */
export type SketchKey = [string, string, number, string];
export interface StoredSketch {
  site_id: string;
  dim: string;
  t: number | string;
  value: string;
  users: string;
}

/** What a backend runs inside the flush transaction. */
export interface SketchStore {
  /** The stored rows of these keys (any order, missing keys left out). */
  read(unit: SketchUnit, keys: SketchKey[]): Promise<StoredSketch[]>;
  /** Inserts or replaces these rows ([...key, users]). */
  write(unit: SketchUnit, rows: [string, string, number, string, string][]): Promise<void>;
}

/** An event's value of a dimension as the rollups store it ('' for none). */
export function dimensionValue(e: EventRecord, dim: Dimension): string {
  switch (dim) {
    case 'PATH':
      return e.path ?? '';
    case 'EVENT_TYPE':
      return e.eventType;
    case 'SOURCE':
      return e.source ?? '';
    case 'UTM_SOURCE':
      return e.utmSource ?? '';
    case 'UTM_MEDIUM':
      return e.utmMedium ?? '';
    case 'UTM_CAMPAIGN':
      return e.utmCampaign ?? '';
    case 'BROWSER':
      return e.browser ?? '';
    case 'OS':
      return e.os ?? '';
    case 'DEVICE':
      return e.device ?? '';
    case 'COUNTRY':
      return e.country ?? '';
  }
}

const SEP = '\u0000';
const keyText = (k: SketchKey) => k.join(SEP);

/**
 * The batch's sketches per key, of both units (events with a user id only). Grouped by
 * (site, hour | day), then dimension, then value: two key strings an event, not twenty (the
 * probe test/bench/probes/sketch-flush.ts measured the garbage of the twenty).
 */
export function groupSketches(events: readonly EventRecord[]): Record<SketchUnit, Map<string, [SketchKey, Hll]>> {
  type Groups = Map<string, [site: string, t: number, Map<Dimension, Map<string, Hll>>]>;
  const groups: Record<SketchUnit, Groups> = { day: new Map() };
  const add = (g: Groups, site: string, t: number, e: EventRecord, pair: number) => {
    const text = `${site}${SEP}${t}`;
    let entry = g.get(text);
    if (!entry) {
      entry = [site, t, new Map()];
      g.set(text, entry);
    }
    const dims = entry[2];
    for (const dim of DIMENSIONS) {
      let values = dims.get(dim);
      if (!values) {
        values = new Map();
        dims.set(dim, values);
      }
      const value = dimensionValue(e, dim);
      let h = values.get(value);
      if (!h) {
        h = new Hll();
        values.set(value, h);
      }
      h.addPair(pair);
    }
  };
  for (const e of events) {
    if (e.userId === null || e.userId === undefined) continue;
    const pair = pairOf(e.userId);
    add(groups.day, e.siteId, Math.floor(e.timestamp / DAY_MS), e, pair);
  }
  const flat = (g: Groups) => {
    const out = new Map<string, [SketchKey, Hll]>();
    for (const [site, t, dims] of g.values())
      for (const [dim, values] of dims)
        for (const [value, h] of values) out.set(keyText([site, dim, t, value]), [[site, dim, t, value], h]);
    return out;
  };
  return { day: flat(groups.day) };
}

/** Merges the batch's users into the stored sketches of both units. */
export async function writeSketches(store: SketchStore, events: readonly EventRecord[]): Promise<void> {
  const byUnit = groupSketches(events);
  for (const unit of ['day'] as const) {
    const grouped = byUnit[unit];
    if (grouped.size === 0) continue;
    const keys = [...grouped.values()].map(([k]) => k);
    for (const row of await store.read(unit, keys)) {
      const entry = grouped.get(keyText([row.site_id, row.dim, Number(row.t), row.value]));
      entry?.[1].merge(Hll.decode(row.users));
    }
    const rows = [...grouped.values()].map(
      ([[s, d, t, v], h]) => [s, d, t, v, h.encode()] as [string, string, number, string, string],
    );
    await store.write(unit, rows);
  }
}

/** The events columns a sketch needs, as EventRecord fields (both backends). */
export const SKETCH_EVENT_COLUMNS = `site_id AS "siteId", event_type AS "eventType", path, user_id AS "userId", timestamp,
  source, utm_source AS "utmSource", utm_medium AS "utmMedium", utm_campaign AS "utmCampaign", browser, os, device, country`;

/**
 * rollups:rebuild's part: the sketches of UTC days fromDay … toDay from the raw events, a day at
 * a time (a day's events make all of its hours' and its own sketches; the caller deleted the
 * stored ones from fromDay on, in the same transaction).
 */
export async function rebuildSketches(
  store: SketchStore,
  eventsOf: (lo: number, hi: number) => Promise<EventRecord[]>,
  fromDay: number,
  toDay: number,
): Promise<void> {
  for (let day = fromDay; day <= toDay; day++) {
    const events = await eventsOf(day * DAY_MS, (day + 1) * DAY_MS);
    for (const e of events) e.timestamp = Number(e.timestamp);
    if (events.length > 0) await writeSketches(store, events);
  }
}
