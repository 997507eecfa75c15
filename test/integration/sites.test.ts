// The sites query through yoga.fetch on a real SQLite file: every site with stored events, by
// siteId, with totals and newest event matching the events recorded; a key when keys are set.
import { print } from 'graphql';
import { expect, it } from 'vitest';
import { RecordEventsDocument } from '../generated/graphql.js';
import { testApp } from '../helpers/app.js';
import { describeBackends, rawQuery } from '../helpers/backends.js';

const RECORD_EVENTS = print(RecordEventsDocument);
const SITES = '{ sites { siteId totalEvents lastEventAt } }';

interface Summary {
  siteId: string;
  totalEvents: number;
  lastEventAt: string | null;
}

/** Events over several sites and days, out of time order, some types other than page_view. */
function events() {
  const out: Record<string, unknown>[] = [];
  const sites = ['zeta.example', 'alpha', 'Beta-2', 'm:site_1'];
  for (let i = 0; i < 60; i++) {
    const day = 1 + ((i * 7) % 9);
    const hour = (i * 5) % 24;
    out.push({
      siteId: sites[(i * 3) % sites.length],
      eventType: i % 4 === 0 ? 'click' : 'page_view',
      path: `/p${i % 5}`,
      userId: i % 3 === 0 ? null : `u${i % 7}`,
      timestamp: `2025-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:07.${String(i).padStart(3, '0')}Z`,
    });
  }
  return out;
}

/** What sites should answer, computed from the rows actually stored. */
function expectedFrom(rows: { site_id: string; timestamp: number }[]): Summary[] {
  const bySite = new Map<string, { n: number; last: number }>();
  for (const r of rows) {
    const s = bySite.get(r.site_id) ?? { n: 0, last: Number.NEGATIVE_INFINITY };
    s.n++;
    s.last = Math.max(s.last, r.timestamp);
    bySite.set(r.site_id, s);
  }
  return [...bySite.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((siteId) => {
      const s = bySite.get(siteId) as { n: number; last: number };
      return { siteId, totalEvents: s.n, lastEventAt: new Date(s.last).toISOString() };
    });
}

describeBackends('sites', (backend) => {
  it('answers an empty list before any event is stored', async () => {
    const { gql } = await testApp({}, backend);
    expect((await gql(SITES)).body).toEqual({ data: { sites: [] } });
  });

  it('lists every site with stored events by siteId, with its event count and newest timestamp', async () => {
    const { app, gql } = await testApp({}, backend);
    const inputs = events();
    expect((await gql(RECORD_EVENTS, { inputs })).body).toEqual({ data: { recordEvents: { accepted: 60 } } });
    // A second batch moves one site's newest event later and adds a site.
    const later = [
      { siteId: 'alpha', eventType: 'signup', timestamp: '2025-12-24T23:59:59.999Z' },
      { siteId: 'new-site', eventType: 'page_view', path: '/', timestamp: '2024-02-29T00:00:00Z' },
    ];
    await app.flusher.flush();
    expect((await gql(RECORD_EVENTS, { inputs: later })).body).toEqual({ data: { recordEvents: { accepted: 2 } } });
    await app.flusher.flush();

    const rows = (
      await rawQuery<{ site_id: string; timestamp: string | number }>(
        app.storage,
        'SELECT site_id, timestamp FROM events',
      )
    ).map((r) => ({ site_id: r.site_id, timestamp: Number(r.timestamp) }));
    expect(rows).toHaveLength(62);
    const expected = expectedFrom(rows);
    expect(expected.map((s) => s.siteId)).toEqual(['Beta-2', 'alpha', 'm:site_1', 'new-site', 'zeta.example']);
    expect(expected.find((s) => s.siteId === 'alpha')?.lastEventAt).toBe('2025-12-24T23:59:59.999Z');
    const res = await gql<{ sites: Summary[] }>(SITES);
    expect(res.body).toEqual({ data: { sites: expected } });
  });

  it('needs a key when PULSE_API_KEYS is set: none or a wrong one is UNAUTHENTICATED', async () => {
    const { app, gql } = await testApp({ PULSE_API_KEYS: ['k-1'] }, backend);
    await gql(RECORD_EVENTS, { inputs: [{ siteId: 's', eventType: 'page_view', timestamp: '2025-11-15T10:00:00Z' }] });
    await app.flusher.flush();
    const refused: Record<string, string>[] = [{}, { authorization: 'Bearer k-2' }, { authorization: 'k-1' }];
    for (const headers of refused) {
      const res = await gql(SITES, undefined, headers);
      expect(res.body.data).toBeNull();
      expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const ok = await gql(SITES, undefined, { authorization: 'Bearer k-1' });
    expect(ok.body).toEqual({
      data: { sites: [{ siteId: 's', totalEvents: 1, lastEventAt: '2025-11-15T10:00:00.000Z' }] },
    });
  });
});
