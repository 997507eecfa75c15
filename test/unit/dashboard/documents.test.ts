// The dashboard's GraphQL documents (src/dashboard/queries.ts) are valid against the committed
// schema, with and without the Visitors column, and its labels for values and filters.
import { readFileSync } from 'node:fs';
import { buildSchema, isEnumType, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { aliasOf, filterLabel, PANELS, valueLabel } from '../../../src/dashboard/panels.js';
import { LIVE_SIGNAL, liveQuery, SITES, statsQuery } from '../../../src/dashboard/queries.js';
import { DIMENSIONS } from '../../../src/dashboard/view.js';

const schema = buildSchema(readFileSync(new URL('../../../schema.graphql', import.meta.url), 'utf8'));

describe('dashboard documents', () => {
  it('validate against schema.graphql', () => {
    for (const doc of [SITES, statsQuery(false), statsQuery(true), liveQuery(false), liveQuery(true), LIVE_SIGNAL]) {
      expect(validate(schema, parse(doc)).map((e) => e.message)).toEqual([]);
    }
  });

  it("name the API's dimensions, and ask for uniqueUsers per row only with the Visitors column", () => {
    const type = schema.getType('Dimension');
    const enumValues = isEnumType(type) ? type.getValues().map((v) => v.name) : [];
    expect(enumValues.sort()).toEqual([...DIMENSIONS].sort());
    const panels = PANELS.flatMap((p) => p.dimensions);
    expect(panels).toEqual([
      'SOURCE',
      'UTM_SOURCE',
      'UTM_MEDIUM',
      'UTM_CAMPAIGN',
      'BROWSER',
      'OS',
      'DEVICE',
      'COUNTRY',
    ]);
    for (const d of panels)
      expect(statsQuery(false)).toContain(`${aliasOf(d)}: breakdown(by: ${d}, limit: 10) { value views }`);
    expect(statsQuery(false)).not.toMatch(/breakdown\([^)]*\) \{[^}]*uniqueUsers/);
    expect(statsQuery(true)).toContain('country: breakdown(by: COUNTRY, limit: 10) { value views uniqueUsers }');
  });
});

describe('dashboard labels', () => {
  it('shows none per dimension, countries by name, devices capitalised', () => {
    expect(valueLabel('SOURCE', null)).toBe('Direct / none');
    expect(valueLabel('UTM_CAMPAIGN', null)).toBe('(none)');
    expect(valueLabel('COUNTRY', null)).toBe('Unknown');
    expect(valueLabel('BROWSER', null)).toBe('Unknown');
    expect(valueLabel('COUNTRY', 'DE')).toBe('Germany (DE)');
    expect(valueLabel('COUNTRY', 'XZ')).toBe('XZ');
    expect(valueLabel('DEVICE', 'tablet')).toBe('Tablet');
    expect(valueLabel('UTM_CAMPAIGN', '(none)')).toBe('(none)');
    expect(filterLabel({ dimension: 'SOURCE', value: 'news.example' })).toBe('Source: news.example');
  });
});
