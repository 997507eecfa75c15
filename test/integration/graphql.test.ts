// Every query and mutation through yoga.fetch, in process, on a real SQLite file.
import { print } from 'graphql';
import { expect, it } from 'vitest';
import { RecordEventDocument, RecordEventsDocument, SiteStatsDocument } from '../generated/graphql.js';
import { testApp } from '../helpers/app.js';
import { countStored, describeBackends, rawExecute } from '../helpers/backends.js';

const RECORD_EVENT = print(RecordEventDocument);
const RECORD_EVENTS = print(RecordEventsDocument);
const SITE_STATS = print(SiteStatsDocument);

const event = (over: Record<string, unknown> = {}) => ({
  siteId: 'site-abc-123',
  eventType: 'page_view',
  path: '/pricing',
  userId: 'user-xyz-789',
  timestamp: '2025-11-15T18:30:01Z',
  ...over,
});

describeBackends('recordEvent', (backend) => {
  it('accepts a valid event into the buffer and stores it on flush', async () => {
    const { app, gql } = await testApp({}, backend);
    const res = await gql(RECORD_EVENT, { input: event() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { recordEvent: { accepted: true } } });
    expect(app.buffer.size).toBe(1);
    expect(await countStored(app.storage)).toBe(0);
    await app.flusher.flush();
    expect(await countStored(app.storage)).toBe(1);
  });

  it('rejects invalid fields with BAD_USER_INPUT naming each field and rule, accepting nothing', async () => {
    const { app, gql } = await testApp({}, backend);
    const res = await gql(RECORD_EVENT, { input: event({ siteId: 'bad site', path: 'pricing', eventType: '' }) });
    const error = res.body.errors?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toContain('input.siteId: may contain only A-Z a-z 0-9 . _ : -');
    expect(error?.message).toContain('input.path: must start with "/"');
    expect(error?.message).toContain('input.eventType: must be 1-64 characters');
    expect(app.buffer.size).toBe(0);
  });

  it('rejects a timestamp without an offset in variables, naming the field', async () => {
    const { app, gql } = await testApp({}, backend);
    const res = await gql(RECORD_EVENT, { input: event({ timestamp: '2025-11-15T18:30:01' }) });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/input\.timestamp.*DateTime must be an ISO 8601 date-time/);
    expect(app.buffer.size).toBe(0);
  });

  it('rejects a bad timestamp literal in the document with BAD_USER_INPUT', async () => {
    const { gql } = await testApp({}, backend);
    const res = await gql(
      'mutation { recordEvent(input: {siteId: "s", eventType: "page_view", timestamp: "noon"}) { accepted } }',
    );
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toContain('Expected value of type "DateTime!", found "noon"');
  });

  it('rejects a missing required field with BAD_USER_INPUT', async () => {
    const { gql } = await testApp({}, backend);
    const { siteId: _, ...withoutSite } = event();
    const res = await gql(RECORD_EVENT, { input: withoutSite });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toContain('Field "siteId" of required type "String!" was not provided');
  });

  it('answers OVERLOADED when the buffer is full, and accepts nothing', async () => {
    const { app, gql } = await testApp({ PULSE_BUFFER_CAPACITY: 2, PULSE_FLUSH_BATCH_SIZE: 100 }, backend);
    expect((await gql(RECORD_EVENT, { input: event() })).body.data).toBeTruthy();
    expect((await gql(RECORD_EVENT, { input: event() })).body.data).toBeTruthy();
    const res = await gql(RECORD_EVENT, { input: event() });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('OVERLOADED');
    expect(res.body.errors?.[0]?.message).toMatch(/buffer is full/);
    expect(app.buffer.size).toBe(2);
  });
});

describeBackends('recordEvents', (backend) => {
  it('accepts a batch and reports how many', async () => {
    const { app, gql } = await testApp({}, backend);
    const inputs = Array.from({ length: 25 }, (_, i) => event({ path: `/p${i}` }));
    const res = await gql(RECORD_EVENTS, { inputs });
    expect(res.body).toEqual({ data: { recordEvents: { accepted: 25 } } });
    await app.flusher.flush();
    expect(await countStored(app.storage)).toBe(25);
  });

  it('rejects the whole batch when one event is bad, naming its index', async () => {
    const { app, gql } = await testApp({}, backend);
    const res = await gql(RECORD_EVENTS, { inputs: [event(), event({ userId: '' }), event()] });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toContain('inputs.1.userId: must be 1-256 characters');
    expect(app.buffer.size).toBe(0);
  });

  it('rejects empty and over-1000 batches', async () => {
    const { gql } = await testApp({}, backend);
    const empty = await gql(RECORD_EVENTS, { inputs: [] });
    expect(empty.body.errors?.[0]?.message).toContain('inputs: must hold 1-1000 events, got 0');
    const big = await gql(RECORD_EVENTS, { inputs: Array(1001).fill(event()) });
    expect(big.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('accepts none of a batch that does not fit the buffer (OVERLOADED)', async () => {
    const { app, gql } = await testApp({ PULSE_BUFFER_CAPACITY: 10, PULSE_FLUSH_BATCH_SIZE: 100 }, backend);
    await gql(RECORD_EVENTS, { inputs: Array(8).fill(event()) });
    const res = await gql(RECORD_EVENTS, { inputs: Array(3).fill(event()) });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('OVERLOADED');
    expect(app.buffer.size).toBe(8);
  });
});

describeBackends('siteStats', (backend) => {
  it('answers the day and all-time stats of stored events', async () => {
    const { app, gql } = await testApp({}, backend);
    await gql(RECORD_EVENTS, {
      inputs: [
        event(),
        event({ path: '/', userId: 'u2' }),
        event({ eventType: 'click', userId: 'u3' }),
        event({ timestamp: '2025-11-16T00:30:00+01:00' }), // 23:30Z on the 15th
        event({ timestamp: '2025-11-17T10:00:00Z', userId: 'u4' }),
      ],
    });
    await app.flusher.flush();
    const day = await gql(SITE_STATS, { siteId: 'site-abc-123', date: '2025-11-15' });
    expect(day.body.data).toEqual({
      siteStats: {
        siteId: 'site-abc-123',
        date: '2025-11-15',
        totalViews: 3,
        uniqueUsers: 3,
        totalEvents: 4,
        topPaths: [
          { path: '/pricing', views: 2 },
          { path: '/', views: 1 },
        ],
      },
    });
    const all = await gql(SITE_STATS, { siteId: 'site-abc-123' });
    expect(all.body.data?.siteStats).toMatchObject({ date: null, totalViews: 4, totalEvents: 5, uniqueUsers: 4 });
  });

  it('rejects an impossible date with BAD_USER_INPUT', async () => {
    const { gql } = await testApp({}, backend);
    const res = await gql(SITE_STATS, { siteId: 's', date: '2025-02-30' });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toContain('Date must be a calendar date YYYY-MM-DD');
  });

  it('needs a key when PULSE_API_KEYS is set; ingestion stays open', async () => {
    const { gql } = await testApp({ PULSE_API_KEYS: ['k1', 'k2'] }, backend);
    const none = await gql(SITE_STATS, { siteId: 's' });
    expect(none.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const wrong = await gql(SITE_STATS, { siteId: 's' }, { authorization: 'Bearer nope' });
    expect(wrong.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const right = await gql(SITE_STATS, { siteId: 's' }, { authorization: 'Bearer k2' });
    expect(right.body.data?.siteStats).toMatchObject({ totalEvents: 0 });
    const ingest = await gql(RECORD_EVENT, { input: event() });
    expect(ingest.body.data).toEqual({ recordEvent: { accepted: true } });
  });

  it('never leaks internals: an unexpected failure is masked', async () => {
    const { app, gql } = await testApp({}, backend);
    await rawExecute(app.storage, 'DROP TABLE rollup_days');
    const res = await gql(SITE_STATS, { siteId: 's' });
    expect(res.body.errors?.[0]?.message).toBe('Unexpected error.');
    expect(JSON.stringify(res.body)).not.toMatch(/rollup|sqlite|at .*\.ts/i);
  });
});

describeBackends('siteId rule on the stats fields', (backend) => {
  it('rejects an invalid siteId with BAD_USER_INPUT naming the rule', async () => {
    const { gql } = await testApp({}, backend);
    const res = await gql('query($s: String!) { siteStats(siteId: $s) { totalEvents } }', { s: 'bad site!' });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toContain('siteId: may contain only A-Z a-z 0-9 . _ : -');
  });
});
