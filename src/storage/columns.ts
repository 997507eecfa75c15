// The events columns and the attribute dimensions as both backends' SQL names them
// (core/stats.ts, DIMENSION_COLUMN): what the flush writes, what the rollups group by.
import { DIMENSION_COLUMN, type Dimension } from '../core/stats.js';

/** The events columns a flush writes, in the order of storage/batch.ts (eventsJson). */
export const EVENT_COLUMNS =
  'id, site_id, event_type, path, user_id, timestamp, client_event_id, ' +
  'source, utm_source, utm_medium, utm_campaign, browser, os, device, country';

/** The dimensions rollup_dims_hourly / rollup_dims_daily count (PATH and EVENT_TYPE: rollup_hourly / daily). */
export const ATTRIBUTE_DIMENSIONS = [
  'SOURCE',
  'UTM_SOURCE',
  'UTM_MEDIUM',
  'UTM_CAMPAIGN',
  'BROWSER',
  'OS',
  'DEVICE',
  'COUNTRY',
] as const satisfies readonly Dimension[];
export type AttributeDimension = (typeof ATTRIBUTE_DIMENSIONS)[number];

export const isAttributeDimension = (d: Dimension): d is AttributeDimension =>
  (ATTRIBUTE_DIMENSIONS as readonly string[]).includes(d);

/** The attribute dimensions as a one-column table `dim` (SQL valid on both backends). */
export const DIMS_TABLE_SQL = `(${ATTRIBUTE_DIMENSIONS.map((d, i) => `SELECT '${d}'${i === 0 ? ' AS dim' : ''}`).join(' UNION ALL ')})`;

/** The value of the events row's attribute named by the SQL expression `dim` ('' for none). */
export const attributeValueSql = (dim: string) =>
  `coalesce(CASE ${dim} ${ATTRIBUTE_DIMENSIONS.map((d) => `WHEN '${d}' THEN ${DIMENSION_COLUMN[d]}`).join(' ')} END, '')`;
