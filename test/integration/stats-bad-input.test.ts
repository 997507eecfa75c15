// Bad input to the breakdown, filter and time zone parts of the stats API (issue #11, test 3): an
// unknown dimension (as a literal and in a variable), an unknown time zone, an over-long filter
// value, two filters on one dimension, a limit out of range: each a BAD_USER_INPUT naming the
// field over GraphQL, and a 400 naming the parameter on GET /stats.
import { describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { describeBackends } from '../helpers/backends.js';
import { listen } from '../helpers/hardening.js';

type Errors = { message: string; extensions?: Record<string, unknown> }[] | undefined;

function expectInputError(errors: Errors, field: string, rule?: RegExp): void {
  expect(errors).toHaveLength(1);
  const error = errors?.[0];
  expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(error?.message).toContain(`${field}:`);
  if (rule) expect(error?.message).toMatch(rule);
}

const BREAKDOWN = 'query($by: Dimension!) { siteStats(siteId: "s") { breakdown(by: $by) { value views } } }';
const FILTERED = 'query($f: [StatsFilter!]) { siteStats(siteId: "s", filters: $f) { totalEvents } }';

describe('an unknown dimension', () => {
  it('as a literal in the document: BAD_USER_INPUT naming breakdown.by', async () => {
    const { gql } = await testApp();
    const res = await gql('{ siteStats(siteId: "s") { breakdown(by: PLANET) { value } } }');
    expect(res.body.data ?? null).toBeNull();
    expectInputError(res.body.errors, 'breakdown.by', /"PLANET" does not exist in "Dimension" enum/);
    // a string where the enum belongs is the same mistake
    const quoted = await gql('{ siteStats(siteId: "s") { breakdown(by: "PATH") { value } } }');
    expectInputError(quoted.body.errors, 'breakdown.by', /Dimension/);
  });

  it('in a variable: BAD_USER_INPUT naming the argument and the variable', async () => {
    const { gql } = await testApp();
    const res = await gql(BREAKDOWN, { by: 'PLANET' });
    expect(res.body.data ?? null).toBeNull();
    expectInputError(res.body.errors, 'breakdown.by', /"PLANET" does not exist in "Dimension" enum.*\$by/);
  });

  it('inside a filter, as a literal and in a variable: names filters.0.dimension', async () => {
    const { gql } = await testApp();
    const literal = await gql(
      '{ siteStats(siteId: "s", filters: [{ dimension: PLANET, value: "x" }]) { totalEvents } }',
    );
    expectInputError(literal.body.errors, 'filters.0.dimension', /PLANET/);
    const variable = await gql(FILTERED, {
      f: [
        { dimension: 'PATH', value: '/' },
        { dimension: 'PLANET', value: 'x' },
      ],
    });
    expectInputError(variable.body.errors, 'filters.1.dimension', /PLANET/);
  });

  it('an unknown sort or interval is named the same way', async () => {
    const { gql } = await testApp();
    const sort = await gql('{ siteStats(siteId: "s") { breakdown(by: PATH, sortBy: LOUDEST) { value } } }');
    expectInputError(sort.body.errors, 'breakdown.sortBy', /BreakdownSort/);
    const interval = await gql('{ siteStats(siteId: "s") { series(interval: WEEK) { start } } }');
    expectInputError(interval.body.errors, 'series.interval', /Interval/);
  });
});

describeBackends('bad scope input on siteStats and liveStats', (backend) => {
  it('an unknown time zone names timeZone', async () => {
    const { gql } = await testApp({}, backend);
    for (const zone of ['Mars/Olympus_Mons', '', 'America/New York', 'x'.repeat(300)]) {
      const res = await gql('query($z: String) { siteStats(siteId: "s", timeZone: $z) { totalEvents } }', { z: zone });
      expect(res.body.data ?? null).toBeNull();
      expectInputError(res.body.errors, 'timeZone', /IANA time zone/);
    }
  });

  it('two filters on one dimension name filters', async () => {
    const { gql } = await testApp({}, backend);
    const res = await gql(FILTERED, {
      f: [
        { dimension: 'COUNTRY', value: 'DE' },
        { dimension: 'PATH', value: '/' },
        { dimension: 'COUNTRY', value: 'FR' },
      ],
    });
    expect(res.body.data ?? null).toBeNull();
    expectInputError(res.body.errors, 'filters', /at most one filter per dimension \(COUNTRY twice\)/);
  });

  it('a filter value over its field length (or empty) names the filter value', async () => {
    const { gql } = await testApp({}, backend);
    const cases: [string, string, string][] = [
      ['UTM_CAMPAIGN', 'c'.repeat(257), '1-256'],
      ['PATH', `/${'p'.repeat(2048)}`, '1-2048'],
      ['COUNTRY', 'DEU', '1-2'],
      ['BROWSER', 'b'.repeat(65), '1-64'],
      ['SOURCE', '', '1-2048'],
    ];
    for (const [dimension, value, rule] of cases) {
      const res = await gql(FILTERED, { f: [{ dimension, value }] });
      expect(res.body.data ?? null).toBeNull();
      expectInputError(res.body.errors, 'filters.0.value', new RegExp(`must be ${rule} characters`));
    }
  });

  it('a breakdown limit outside 1-1000 names breakdown.limit', async () => {
    const { gql } = await testApp({}, backend);
    for (const limit of [0, -1, 1001]) {
      const res = await gql('query($l: Int) { siteStats(siteId: "s") { breakdown(by: PATH, limit: $l) { value } } }', {
        l: limit,
      });
      expect(res.body.data ?? null).toBeNull();
      expectInputError(res.body.errors, 'breakdown.limit', /must be 1-1000/);
    }
  });

  it('liveStats refuses an unknown time zone before subscribing', async () => {
    const t = await testApp({}, backend);
    const res = await t.app.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        query: 'subscription { liveStats(siteId: "s", timeZone: "Nowhere/Land") { totalEvents } }',
      }),
    });
    const text = await res.text();
    expect(text).toContain('BAD_USER_INPUT');
    expect(text).toContain('timeZone:');
    expect(t.app.services.live.subscriberCount).toBe(0);
  });
});

describe('an unknown dimension over a real HTTP server (the node:http fast path and Yoga)', () => {
  it('is BAD_USER_INPUT naming breakdown.by, as a variable and as a literal', async () => {
    const t = await testApp();
    const { graphqlUrl } = await listen(t.app);
    const post = async (body: unknown) => {
      const res = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: Errors } };
    };
    const variable = await post({ query: BREAKDOWN, variables: { by: 'PLANET' } });
    expect(variable.status).toBe(400);
    expectInputError(variable.body.errors, 'breakdown.by', /PLANET/);
    const literal = await post({ query: '{ siteStats(siteId: "s") { breakdown(by: PLANET) { value } } }' });
    expect(literal.status).toBe(400);
    expectInputError(literal.body.errors, 'breakdown.by', /PLANET/);
  });
});

describeBackends('bad parameters on GET /stats', (backend) => {
  it('answers 400 naming the parameter, for each rule', async () => {
    const t = await testApp({}, backend);
    const { baseUrl } = await listen(t.app);
    const get = async (params: string) => {
      const res = await fetch(`${baseUrl}/stats?site_id=s&date=2026-03-08&${params}`);
      return { status: res.status, body: (await res.json()) as { code?: string; errors?: { field: string }[] } };
    };
    const cases: [string, string][] = [
      ['time_zone=Mars%2FOlympus', 'time_zone'],
      ['country=DE&country=FR', 'country'],
      [`utm_campaign=${'c'.repeat(257)}`, 'utm_campaign'],
      ['country=DEU', 'country'],
    ];
    for (const [params, field] of cases) {
      const res = await get(params);
      expect(res.status, params).toBe(400);
      expect(res.body.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.map((e) => e.field)).toEqual([field]);
    }
  });
});
