// The page's tables and chips from a siteStats answer: top paths, event types, the breakdown
// panels (each row a button that adds its value as a filter) and the active filters, each chip
// with a button that removes it (docs/dashboard.md, "Panels" and "Filtering").
import { aliasOf, filterLabel, PANELS, valueLabel } from './panels.js';
import type { Row as BreakdownRow, Stats } from './queries.js';
import { type Row, setRows } from './render.js';
import type { Dimension, Filter } from './view.js';

export interface TableOptions {
  /** the campaign panel's field (its switch) */
  campaignBy: Dimension;
  /** a row was chosen: filter the page by it */
  onPick: (filter: Filter) => void;
}

function filterRow(opts: TableOptions, dimension: Dimension, value: string | null, count: number, users?: number): Row {
  const filter = { dimension, value };
  return {
    label: valueLabel(dimension, value),
    count,
    users,
    pick: () => opts.onPick(filter),
    pickName: `Filter by ${filterLabel(filter)}`,
  };
}

/** The breakdown panels (the tbody of each has the panel's id). */
export function renderPanels(stats: Stats, opts: TableOptions): void {
  for (const panel of PANELS) {
    const by = panel.dimensions.includes(opts.campaignBy) ? opts.campaignBy : (panel.dimensions[0] as Dimension);
    const rows = (stats[aliasOf(by)] as BreakdownRow[] | undefined) ?? [];
    const tbody = document.getElementById(panel.id);
    if (!tbody) continue;
    setRows(
      tbody,
      rows.map((r) => filterRow(opts, by, r.value, r.views, r.uniqueUsers)),
      panel.empty,
    );
  }
}

/** Top paths and event types, then the breakdown panels. */
export function renderTables(stats: Stats, el: { paths: HTMLElement; types: HTMLElement }, opts: TableOptions): void {
  const paths =
    // (as topPaths: the paths with page views)
    stats.pathRows?.filter((r) => r.views > 0).map((r) => filterRow(opts, 'PATH', r.value, r.views, r.uniqueUsers)) ??
    stats.topPaths?.map((p) => filterRow(opts, 'PATH', p.path, p.views)) ??
    [];
  setRows(el.paths, paths, 'No page views in this period.');
  const types =
    stats.typeRows?.map((r) => filterRow(opts, 'EVENT_TYPE', r.value, r.events ?? 0, r.uniqueUsers)) ??
    stats.eventTypes?.map((t) => filterRow(opts, 'EVENT_TYPE', t.eventType, t.events)) ??
    [];
  setRows(el.types, types, 'No events in this period.');
  renderPanels(stats, opts);
}

/** The active filters as chips (li), each with a button that removes it. */
export function renderChips(list: HTMLElement, filters: readonly Filter[], onRemove: (filter: Filter) => void): void {
  list.replaceChildren(
    ...filters.map((f) => {
      const li = document.createElement('li');
      li.className = 'chip';
      const text = document.createElement('span');
      text.textContent = filterLabel(f);
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'remove';
      remove.textContent = '×';
      remove.setAttribute('aria-label', `Remove filter ${filterLabel(f)}`);
      remove.addEventListener('click', () => onRemove(f));
      li.append(text, remove);
      return li;
    }),
  );
}
