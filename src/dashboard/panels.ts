// The breakdown panels (sources, campaigns, browsers, systems, devices, countries), the names of
// dimensions and how a value is shown: "none" as "Direct / none", "(none)" or "Unknown", a country
// code with its name from Intl.DisplayNames (docs/dashboard.md, "Panels").
import type { Dimension, Filter } from './view.js';

export interface Panel {
  /** the tbody's id and the panel's element ids */
  id: string;
  /** the dimensions it can show (more than one: a switch picks), each asked for under an alias */
  dimensions: Dimension[];
  empty: string;
}

export const PANELS: Panel[] = [
  { id: 'sources', dimensions: ['SOURCE'], empty: 'No sources in this period.' },
  {
    id: 'campaigns',
    dimensions: ['UTM_SOURCE', 'UTM_MEDIUM', 'UTM_CAMPAIGN'],
    empty: 'No campaigns in this period.',
  },
  { id: 'browsers', dimensions: ['BROWSER'], empty: 'No browsers in this period.' },
  { id: 'systems', dimensions: ['OS'], empty: 'No operating systems in this period.' },
  { id: 'devices', dimensions: ['DEVICE'], empty: 'No devices in this period.' },
  { id: 'countries', dimensions: ['COUNTRY'], empty: 'No countries in this period.' },
];

/** Rows per breakdown panel. */
export const BREAKDOWN_LIMIT = 10;

/** The GraphQL alias of a dimension's breakdown: UTM_SOURCE → utmSource. */
export const aliasOf = (d: Dimension): string => d.toLowerCase().replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());

export const DIMENSION_NAME: Record<Dimension, string> = {
  PATH: 'Path',
  EVENT_TYPE: 'Event type',
  SOURCE: 'Source',
  UTM_SOURCE: 'UTM source',
  UTM_MEDIUM: 'UTM medium',
  UTM_CAMPAIGN: 'UTM campaign',
  BROWSER: 'Browser',
  OS: 'Operating system',
  DEVICE: 'Device',
  COUNTRY: 'Country',
};

let regions: Intl.DisplayNames | null | undefined;

/** A country's name in the page's language, or null when the browser has none for the code. */
function countryName(code: string): string | null {
  if (regions === undefined) {
    try {
      regions = new Intl.DisplayNames([globalThis.document?.documentElement.lang || 'en'], {
        type: 'region',
        fallback: 'none',
      });
    } catch {
      regions = null;
    }
  }
  try {
    return regions?.of(code) ?? null;
  } catch {
    // a code that is not a region code at all (RangeError)
    return null;
  }
}

/** How a dimension's value is shown. */
export function valueLabel(dimension: Dimension, value: string | null): string {
  if (value === null || value === '') {
    if (dimension === 'SOURCE') return 'Direct / none';
    if (dimension === 'BROWSER' || dimension === 'OS' || dimension === 'DEVICE' || dimension === 'COUNTRY') {
      return 'Unknown';
    }
    return '(none)';
  }
  if (dimension === 'COUNTRY') {
    const name = countryName(value);
    return name && name !== value ? `${name} (${value})` : value;
  }
  if (dimension === 'DEVICE') return value.charAt(0).toUpperCase() + value.slice(1);
  return value;
}

/** A filter as a chip says it: "Country: Germany (DE)". */
export const filterLabel = (f: Filter): string => `${DIMENSION_NAME[f.dimension]}: ${valueLabel(f.dimension, f.value)}`;
