// The batch's counts per (site, hour, type, path) and per (site, attribute dimension, hour, value),
// grouped in JS on the writer thread, which holds the batch's events already: what
// FILL_PATHS_SQL and FILL_DIMS_SQL (storage/sqlite/rollups.ts) compute from the scratch table,
// for a batch whose every event is new (the usual case: storage/sqlite/write.ts checks). The eight
// attribute GROUP BYs over the scratch table cost 4.4 µs of CPU an event; grouping here and loading
// the groups ~1 (docs/performance.md, "The flush").
import { type EventRecord, PAGE_VIEW } from '../../core/event.js';
import { HOUR_MS } from '../../core/time.js';
import { ATTRIBUTE_DIMENSIONS } from '../columns.js';

const SEP = '\u0000';
type Counts = [events: number, views: number];
interface SiteHour {
  site: string;
  hour: number;
  /** event_type → path → events */
  paths: Map<string, Map<string, number>>;
  /** per attribute dimension (ATTRIBUTE_DIMENSIONS' order): value → counts */
  dims: Map<string, Counts>[];
}

const attribute: ((e: EventRecord) => string | null | undefined)[] = [
  (e) => e.source,
  (e) => e.utmSource,
  (e) => e.utmMedium,
  (e) => e.utmCampaign,
  (e) => e.browser,
  (e) => e.os,
  (e) => e.device,
  (e) => e.country,
];

/**
 * [[site, hour, event_type, path ('' for none), events], …] and [[site, dim, hour, value ('' for
 * none), events, views], …] as JSON, the rows of temp.flush_paths and temp.flush_dims.
 */
export function batchGroups(events: readonly EventRecord[]): { paths: string; dims: string } {
  const groups = new Map<string, SiteHour>();
  for (const e of events) {
    const hour = Math.floor(e.timestamp / HOUR_MS);
    const text = `${e.siteId}${SEP}${hour}`;
    let g = groups.get(text);
    if (!g) {
      g = { site: e.siteId, hour, paths: new Map(), dims: ATTRIBUTE_DIMENSIONS.map(() => new Map()) };
      groups.set(text, g);
    }
    let byPath = g.paths.get(e.eventType);
    if (!byPath) {
      byPath = new Map();
      g.paths.set(e.eventType, byPath);
    }
    const path = e.path ?? '';
    byPath.set(path, (byPath.get(path) ?? 0) + 1);
    const view = e.eventType === PAGE_VIEW ? 1 : 0;
    for (let d = 0; d < attribute.length; d++) {
      const values = g.dims[d] as Map<string, Counts>;
      const value = (attribute[d] as (e: EventRecord) => string | null | undefined)(e) ?? '';
      const c = values.get(value);
      if (c) {
        c[0]++;
        c[1] += view;
      } else values.set(value, [1, view]);
    }
  }
  const paths: unknown[] = [];
  const dims: unknown[] = [];
  for (const { site, hour, paths: p, dims: d } of groups.values()) {
    for (const [type, byPath] of p) for (const [path, n] of byPath) paths.push([site, hour, type, path, n]);
    d.forEach((values, i) => {
      for (const [value, [n, views]] of values) dims.push([site, ATTRIBUTE_DIMENSIONS[i], hour, value, n, views]);
    });
  }
  return { paths: JSON.stringify(paths), dims: JSON.stringify(dims) };
}
