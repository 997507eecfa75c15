// Property tests (fast-check) against every route of an in-process app on a real port:
// 1. random and malformed requests (methods, paths, query strings, headers, bodies) never get a
//    5xx and never bring the server down, and whatever they got stored is a valid event;
// 2. random candidate events, valid and invalid, sent through every ingest route (GraphQL one and
//    batch, REST JSON and beacon, pixel) are accepted exactly when the rules of docs/api.md say
//    they are valid, and exactly the accepted ones are stored.
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/port.js';
import { testApp } from '../helpers/app.js';
import { describeBackends, rawQuery } from '../helpers/backends.js';
import { RECORD_EVENT, RECORD_EVENTS } from '../helpers/e2e.js';
import { BROWSER_UA, listen } from '../helpers/hardening.js';

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request: no URL normalisation, any method, any header value, any body. */
function send(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const withBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
  // Node's client sends an OPTIONS or DELETE body without a length unless told: a malformed request.
  if (withBody) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (withBody) req.end(body);
    else req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// The rules of docs/api.md ("Schema", "Tracking pixel", "REST routes"), written out again
// independently of src/ingestion/request.ts.

const SITE_RE = /^[A-Za-z0-9._:-]{1,128}$/;

interface Candidate {
  siteId: unknown;
  eventType: unknown;
  path: unknown;
  userId: unknown;
  timestamp: unknown;
  /** whether `timestamp`, when it is a string, is a real ISO 8601 date-time with an offset or Z */
  timestampOk: boolean;
}

type Route = 'graphql' | 'graphqlBatch' | 'restJson' | 'beacon' | 'pixel';

/** What the pixel sees: query parameters are strings, and an empty one counts as absent. */
function pixelValue(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isValid(route: Route, c: Candidate): boolean {
  const pixel = route === 'pixel';
  const get = (v: unknown) => (pixel ? pixelValue(v) : v);
  const siteId = get(c.siteId);
  if (typeof siteId !== 'string' || !SITE_RE.test(siteId)) return false;
  const eventType = get(c.eventType);
  if (!(pixel && eventType === undefined)) {
    if (typeof eventType !== 'string' || eventType.length < 1 || eventType.length > 64) return false;
  }
  const path = get(c.path);
  if (path !== undefined && path !== null) {
    if (typeof path !== 'string' || path.length > 2048 || !path.startsWith('/')) return false;
  }
  const userId = get(c.userId);
  if (userId !== undefined && userId !== null) {
    if (typeof userId !== 'string' || userId.length < 1 || userId.length > 256) return false;
  }
  const timestamp = get(c.timestamp);
  if (pixel && timestamp === undefined) return true;
  return typeof timestamp === 'string' && c.timestampOk;
}

// ---------------------------------------------------------------------------------------------
// Generators: near the edges of every rule, and plain junk.

const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant({}));
const anyText = (maxLength: number) => fc.string({ maxLength, unit: 'grapheme' });
const sized = (min: number, max: number, prefix = '') =>
  fc.integer({ min, max }).map((n) => prefix + 'x'.repeat(Math.max(0, n - prefix.length)));

const siteIdArb = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/),
  sized(127, 130),
  anyText(12),
  fc.constant(''),
  notAString,
);
const eventTypeArb = fc.oneof(
  fc.constantFrom('page_view', 'click', 'signup'),
  sized(63, 66),
  anyText(70),
  fc.constant(''),
  notAString,
);
const pathArb = fc.oneof(
  anyText(20).map((s) => `/${s}`),
  sized(2047, 2050, '/'),
  anyText(10),
  fc.constant(''),
  notAString,
);
const userIdArb = fc.oneof(
  fc.stringMatching(/^u[0-9]{1,3}$/),
  sized(255, 258),
  anyText(10),
  fc.constant(''),
  notAString,
);

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
const validTimestamp = fc
  .record({
    ms: fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) }),
    offsetMinutes: fc.oneof(fc.constant(0), fc.integer({ min: -14 * 60, max: 14 * 60 })),
    millis: fc.boolean(),
    z: fc.boolean(),
  })
  .map(({ ms, offsetMinutes, millis, z }) => {
    const offset = z ? 0 : offsetMinutes;
    const local = new Date(ms + offset * 60_000).toISOString();
    const base = millis ? local.slice(0, 23) : local.slice(0, 19);
    const suffix =
      z || offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
    return { timestamp: base + suffix, timestampOk: true };
  });
const invalidTimestamp = fc
  .oneof(
    fc.constantFrom(
      '2025-11-15T10:00:00', // no offset
      '2025-11-15',
      '2025-02-30T00:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-11-15T24:00:00Z',
      '2025-11-15T10:00:00+25:00',
      '2025-11-15 10:00:00Z',
      'yesterday',
      '',
    ),
    anyText(25).filter((s) => !/^\d{4}-/.test(s)),
  )
  .map((timestamp) => ({ timestamp, timestampOk: false }));
const timestampArb = fc.oneof(
  { weight: 4, arbitrary: validTimestamp },
  { weight: 2, arbitrary: invalidTimestamp },
  { weight: 1, arbitrary: notAString.map((timestamp) => ({ timestamp, timestampOk: false })) },
);

/** Mostly-valid candidates (so both outcomes are common), with any field possibly bad. */
const candidateArb: fc.Arbitrary<Candidate> = fc
  .record({
    siteId: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('prop-a', 'prop.b', 'p:c') },
      { weight: 1, arbitrary: siteIdArb },
    ),
    eventType: fc.oneof({ weight: 3, arbitrary: fc.constant('page_view') }, { weight: 1, arbitrary: eventTypeArb }),
    path: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: pathArb }),
    userId: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: userIdArb }),
    ts: timestampArb,
  })
  .map(({ ts, ...rest }) => ({ ...rest, ...ts }));

function camel(c: Candidate): Record<string, unknown> {
  const { timestampOk: _, ...fields } = c;
  return fields;
}

function snake(c: Candidate): Record<string, unknown> {
  return { site_id: c.siteId, event_type: c.eventType, path: c.path, user_id: c.userId, timestamp: c.timestamp };
}

/** A stored row obeys the rules (whatever route it came in by). */
async function storedRowsAreValid(storage: Storage): Promise<{ total: number; invalid: unknown[] }> {
  {
    const rows = await rawQuery<{
      site_id: string;
      event_type: string;
      path: string | null;
      user_id: string | null;
      timestamp: number | string;
    }>(storage, 'SELECT site_id, event_type, path, user_id, timestamp FROM events');
    const invalid = rows.filter(
      (r) =>
        !SITE_RE.test(r.site_id) ||
        r.event_type.length < 1 ||
        r.event_type.length > 64 ||
        (r.path !== null && (r.path.length > 2048 || !r.path.startsWith('/'))) ||
        (r.user_id !== null && (r.user_id.length < 1 || r.user_id.length > 256)) ||
        !Number.isFinite(Number(r.timestamp)),
    );
    return { total: rows.length, invalid };
  }
}

// ---------------------------------------------------------------------------------------------

describeBackends('property: random and malformed requests', (backend) => {
  it('never answer 5xx, never crash the server, and store only valid events', async () => {
    const t = await testApp({}, backend);
    const { baseUrl } = await listen(t.app);
    const PATHS = [
      '/graphql',
      '/event',
      '/pixel.gif',
      '/stats',
      '/healthz',
      '/readyz',
      '/metrics',
      '/',
      '/nope',
      '/graphql/',
    ];
    const queryPart = fc
      .array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom('site_id', 'event_type', 'path', 'user_id', 'timestamp', 'date', 'query', 'variables'),
            anyText(6),
          ),
          anyText(30),
        ),
        { maxLength: 5 },
      )
      .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
    const junkQuery = fc.constantFrom('', '%', '%zz', 'a=%E0%A4%A', '&&==&', 'query=%7B', 'variables=%7B%22a');
    const contentType = fc.oneof(
      fc.constantFrom(
        'application/json',
        'text/plain',
        'application/graphql',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=latin1',
        '',
      ),
      anyText(20).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
    );
    const accept = fc.constantFrom(
      undefined,
      '*/*',
      'application/json',
      'application/graphql-response+json',
      'text/html',
      'text/event-stream;q=0',
      'multipart/mixed',
      'image/gif',
      'nonsense',
    );
    const body = fc.oneof(
      anyText(200),
      fc.json(),
      fc.anything().map((v) => JSON.stringify(v) ?? 'undefined'),
      fc
        .record({
          query: fc.oneof(
            anyText(80),
            fc.constantFrom(
              RECORD_EVENT,
              RECORD_EVENTS,
              '{ siteStats(siteId: "s") { totalEvents } }',
              'subscription { liveStats(siteId: "s") { totalEvents } }',
            ),
          ),
          variables: fc.oneof(
            fc.jsonValue(),
            fc.dictionary(fc.constantFrom('input', 'inputs', 'siteId'), fc.jsonValue()),
          ),
          operationName: fc.oneof(fc.constant(undefined), anyText(5), fc.integer()),
        })
        .map((v) => JSON.stringify(v)),
      fc
        .record(
          Object.fromEntries(['site_id', 'event_type', 'path', 'user_id', 'timestamp'].map((k) => [k, fc.jsonValue()])),
        )
        .map((v) => JSON.stringify(v)),
    );
    const requestArb = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'),
      path: fc.constantFrom(...PATHS),
      query: fc.oneof(queryPart, junkQuery),
      contentType,
      accept,
      userAgent: fc.constantFrom(BROWSER_UA, 'Googlebot/2.1', '', 'curl/8.5.0'),
      body,
    });

    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const headers: Record<string, string> = { 'user-agent': r.userAgent };
        if (r.contentType) headers['content-type'] = r.contentType;
        if (r.accept) headers.accept = r.accept;
        const answer = await send(baseUrl, r.method, r.query ? `${r.path}?${r.query}` : r.path, headers, r.body);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expect(
          answer.status,
          `${r.method} ${r.path}?${r.query} -> ${answer.status} ${answer.body.slice(0, 300)}`,
        ).toBeLessThan(500);
        expect(answer.body).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
      }),
      { numRuns: Number(process.env.PULSE_FC_RUNS ?? 400) },
    );
    // the server is still up and every stored event is a valid one
    expect((await send(baseUrl, 'GET', '/healthz', {})).status).toBe(200);
    await t.app.flusher.flush();
    expect((await storedRowsAreValid(t.app.storage)).invalid).toEqual([]);
    // the run exercised refusals and successes both
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
  });
});

describeBackends('property: candidate events through every ingest route', (backend) => {
  it('are accepted exactly when valid, and exactly the accepted ones are stored', async () => {
    const t = await testApp({}, backend);
    const { baseUrl } = await listen(t.app);
    let accepted = 0;
    const outcomes = { accepted: 0, refused: 0 };

    const sendVia = async (route: Route, batch: Candidate[]): Promise<boolean> => {
      switch (route) {
        case 'graphql':
        case 'graphqlBatch': {
          const single = route === 'graphql';
          const body = single
            ? { query: RECORD_EVENT, variables: { input: camel(batch[0] as Candidate) } }
            : { query: RECORD_EVENTS, variables: { inputs: batch.map(camel) } };
          const a = await send(
            baseUrl,
            'POST',
            '/graphql',
            { 'content-type': 'application/json' },
            JSON.stringify(body),
          );
          // 200, or 400 for variables that do not coerce (as Yoga answers them)
          expect([200, 400]).toContain(a.status);
          const json = JSON.parse(a.body) as {
            data?: Record<string, { accepted: unknown }> | null;
            errors?: { extensions?: { code?: string } }[];
          };
          if (json.errors) {
            expect(json.errors.map((e) => e.extensions?.code)).toContain('BAD_USER_INPUT');
            expect(json.data ?? null).toBeNull();
            return false;
          }
          expect(json.data).toEqual(
            single ? { recordEvent: { accepted: true } } : { recordEvents: { accepted: batch.length } },
          );
          return true;
        }
        case 'restJson':
        case 'beacon': {
          const a = await send(
            baseUrl,
            'POST',
            '/event',
            {
              'content-type': route === 'beacon' ? 'text/plain;charset=UTF-8' : 'application/json',
              'user-agent': BROWSER_UA,
            },
            JSON.stringify(snake(batch[0] as Candidate)),
          );
          if (a.status === 202) return true;
          expect(a.status, a.body).toBe(400);
          expect(JSON.parse(a.body)).toMatchObject({ status: 'error', code: 'BAD_USER_INPUT' });
          return false;
        }
        case 'pixel': {
          const c = batch[0] as Candidate;
          const params = Object.entries(snake(c))
            .filter(([, v]) => typeof v === 'string')
            .map(([k, v]) => `${k}=${encodeURIComponent(v as string)}`)
            .join('&');
          const a = await send(baseUrl, 'GET', `/pixel.gif?${params}`, { 'user-agent': BROWSER_UA });
          if (a.status === 200) {
            expect(a.headers['content-type']).toBe('image/gif');
            return true;
          }
          expect(a.status, a.body).toBe(400);
          return false;
        }
      }
    };

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Route>('graphql', 'graphqlBatch', 'restJson', 'beacon', 'pixel'),
        fc.array(candidateArb, { minLength: 1, maxLength: 3 }),
        async (route, candidates) => {
          const batch = route === 'graphqlBatch' ? candidates : candidates.slice(0, 1);
          const valid = batch.every((c) => isValid(route === 'graphqlBatch' ? 'graphql' : route, c));
          const ok = await sendVia(route, batch);
          expect(ok, `${route} ${JSON.stringify(batch)}`).toBe(valid);
          if (ok) accepted += batch.length;
          outcomes[ok ? 'accepted' : 'refused']++;
        },
      ),
      { numRuns: Number(process.env.PULSE_FC_RUNS ?? 500) },
    );
    await t.app.flusher.flush();
    const stored = await storedRowsAreValid(t.app.storage);
    expect(stored.invalid).toEqual([]);
    expect(stored.total).toBe(accepted);
    // both outcomes were common (the generators are near the edges)
    expect(outcomes.accepted).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(50);
  });
});

describe('cases the properties found', () => {
  it('bad JSON in the variables or extensions of a GET or form request answers 400, not 500', async () => {
    const t = await testApp();
    const { baseUrl } = await listen(t.app);
    const csrf = { 'x-graphql-csrf': '1' };
    for (const query of ['variables=%20', 'variables=%7B%22a', 'query=%7B__typename%7D&extensions=nope']) {
      const get = await send(baseUrl, 'GET', `/graphql?${query}`, { ...csrf });
      expect(get.status, query).toBe(400);
      expect(JSON.parse(get.body).errors[0].extensions.code).toBe('BAD_REQUEST');
      const form = await send(
        baseUrl,
        'POST',
        '/graphql',
        { ...csrf, 'content-type': 'application/x-www-form-urlencoded' },
        query,
      );
      expect(form.status, query).toBe(400);
    }
  });
});
