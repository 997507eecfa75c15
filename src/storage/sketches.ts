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
 * The batch's users per sketch key, as their pairs (sketch.ts, pairOf; events with a user id
 * only). Grouped by (site, day), then dimension, then value: one key string an event, not ten
 * (the probe test/bench/probes/sketch-flush.ts measured the garbage of the ten).
 */
export function groupPairs(events: readonly EventRecord[]): Record<SketchUnit, Map<string, [SketchKey, number[]]>> {
  // per (site, day): per dimension (DIMENSIONS' order), value → pairs
  const groups = new Map<string, [site: string, t: number, Map<string, number[]>[]]>();
  for (const e of events) {
    if (e.userId === null || e.userId === undefined) continue;
    const pair = pairOf(e.userId);
    const t = Math.floor(e.timestamp / DAY_MS);
    const text = `${e.siteId}${SEP}${t}`;
    let entry = groups.get(text);
    if (!entry) {
      entry = [e.siteId, t, DIMENSIONS.map(() => new Map())];
      groups.set(text, entry);
    }
    const dims = entry[2];
    for (let d = 0; d < DIMENSIONS.length; d++) {
      const values = dims[d] as Map<string, number[]>;
      const value = dimensionValue(e, DIMENSIONS[d] as Dimension);
      const pairs = values.get(value);
      if (pairs) pairs.push(pair);
      else values.set(value, [pair]);
    }
  }
  const out = new Map<string, [SketchKey, number[]]>();
  for (const [site, t, dims] of groups.values())
    dims.forEach((values, d) => {
      const dim = DIMENSIONS[d] as Dimension;
      for (const [value, pairs] of values) out.set(keyText([site, dim, t, value]), [[site, dim, t, value], pairs]);
    });
  return { day: out };
}

/** The batch's sketches per key (events with a user id only). */
export function groupSketches(events: readonly EventRecord[]): Record<SketchUnit, Map<string, [SketchKey, Hll]>> {
  const out = new Map<string, [SketchKey, Hll]>();
  for (const [text, [key, pairs]] of groupPairs(events).day) {
    const h = new Hll();
    for (const pair of pairs) h.addPair(pair);
    out.set(text, [key, h]);
  }
  return { day: out };
}

/**
 * The stored sketches as the flush last left them, decoded, kept by the SQLite writer between
 * flushes so a flush neither reads nor decodes the sketches it merges into, and writes back only
 * those its batch changed (docs/performance.md, "The flush"). Valid only while this writer's
 * connection is the only one that changed the database: the writer empties it when SQLite's
 * data_version says another connection committed (another process, or the request thread's
 * rollups:rebuild and retention), when a flush fails (its changes to the cached sketches were
 * rolled back with the transaction) and when anything else runs on its connection. PostgreSQL
 * has many writers and keeps none. Bounded: past `maxBytes` it starts over empty.
 */
export class SketchCache {
  private readonly sketches = new Map<string, Hll>();
  private held = 0;
  /** the writer's own mark of the database it last saw (SQLite's data_version) */
  version: unknown = undefined;

  constructor(readonly maxBytes = 16 * 1024 * 1024) {}

  get size(): number {
    return this.sketches.size;
  }

  get(text: string): Hll | undefined {
    return this.sketches.get(text);
  }

  set(text: string, h: Hll): void {
    const old = this.sketches.get(text);
    if (old) this.held -= old.bytes;
    this.sketches.set(text, h);
    this.held += h.bytes;
  }

  /** After a flush changed `h` (cached under `text`): counts its new size. */
  resized(before: number, h: Hll): void {
    this.held += h.bytes - before;
  }

  /** Starts over empty when past maxBytes (the next flushes read their keys again). */
  trim(): void {
    if (this.held > this.maxBytes) this.clear();
  }

  clear(): void {
    this.sketches.clear();
    this.held = 0;
    this.version = undefined;
  }
}

/**
 * Merges the batch's users into the stored sketches. With a cache (SQLite's one writer), only the
 * keys it does not hold are read, and only the sketches the batch changed are written.
 */
export async function writeSketches(
  store: SketchStore,
  events: readonly EventRecord[],
  cache?: SketchCache,
): Promise<void> {
  if (cache) {
    const grouped = groupPairs(events).day;
    if (grouped.size > 0) await writeCached(store, 'day', grouped, cache);
    return;
  }
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

async function writeCached(
  store: SketchStore,
  unit: SketchUnit,
  grouped: Map<string, [SketchKey, number[]]>,
  cache: SketchCache,
): Promise<void> {
  const missing: SketchKey[] = [];
  for (const [text, [key]] of grouped) if (cache.get(text) === undefined) missing.push(key);
  if (missing.length > 0)
    for (const row of await store.read(unit, missing))
      cache.set(keyText([row.site_id, row.dim, Number(row.t), row.value]), Hll.decode(row.users));
  const rows: [string, string, number, string, string][] = [];
  for (const [text, [[s, d, t, v], pairs]] of grouped) {
    let stored = cache.get(text);
    if (stored === undefined) {
      stored = new Hll();
      cache.set(text, stored);
    }
    const before = stored.bytes;
    if (stored.addPairsChanged(pairs)) rows.push([s, d, t, v, stored.encode()]);
    cache.resized(before, stored);
  }
  if (rows.length > 0) await store.write(unit, rows);
  cache.trim();
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
