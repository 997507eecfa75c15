// The REST and pixel routes' answers and defaults on the real server, branch by branch of their
// request paths (src/http/rest.ts, src/http/pixel.ts): CORS headers on every POST /event answer,
// the content types it takes, and where a pixel hit's path, UTM values and timestamp come from.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/e2e.js';
import { serverForFile } from '../helpers/server.js';

const file = serverForFile({ PULSE_FLUSH_INTERVAL_MS: '50', PULSE_MAX_BODY_BYTES: '2048' });

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const TS = '2025-11-15T18:30:01Z';

interface Row {
  path: string | null;
  user_id: string | null;
  event_type: string;
  timestamp: number;
  utm_source: string | null;
  utm_medium: string | null;
}

function rows(siteId: string): Row[] {
  const db = new Database(file.dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT path, user_id, event_type, CAST(timestamp AS INTEGER) AS timestamp, utm_source, utm_medium
         FROM events WHERE site_id = ? ORDER BY rowid`,
      )
      .all(siteId) as Row[];
  } finally {
    db.close();
  }
}

const stored = (siteId: string, count: number) =>
  waitUntil(
    () => rows(siteId),
    (r) => r.length >= count,
  );

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '86400',
};

function corsOf(res: Response): Record<string, string | null> {
  return Object.fromEntries(Object.keys(CORS).map((name) => [name, res.headers.get(name)]));
}

const post = (body: string, contentType: string, method = 'POST') =>
  fetch(`${file.server.baseUrl}/event`, {
    method,
    headers: { 'content-type': contentType },
    body: method === 'GET' ? undefined : body,
  });

const event = (siteId: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ site_id: siteId, event_type: 'page_view', path: '/p', timestamp: TS, ...extra });

describe('POST /event answers', () => {
  it('carry every CORS header, whatever the outcome', async () => {
    const answers: [string, Response, number][] = [
      ['accepted', await post(event('cors-site'), 'application/json'), 202],
      ['preflight', await post('', 'application/json', 'OPTIONS'), 204],
      ['wrong method', await post('', 'application/json', 'GET'), 405],
      ['wrong type', await post(event('cors-site'), 'application/xml'), 415],
      ['not JSON', await post('{', 'application/json'), 400],
      ['not an object', await post('[1]', 'application/json'), 400],
      ['bad field', await post(event('cors-site', { path: 'no-slash' }), 'application/json'), 400],
      ['too large', await post(event('cors-site', { user_id: 'u'.repeat(3000) }), 'application/json'), 413],
    ];
    for (const [what, res, status] of answers) {
      expect(res.status, what).toBe(status);
      expect(corsOf(res), what).toEqual(CORS);
      await res.arrayBuffer();
    }
  });

  it('answers 202 with the queued body and a JSON content type', async () => {
    const res = await post(event('accepted-site'), 'application/json');
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe('{"status":"success","message":"Event queued for processing"}');
  });

  it('takes JSON with parameters and any case, and text/plain as a browser hit (anonymous visitor id)', async () => {
    const json = await post(event('types-site', { path: '/json' }), 'Application/JSON; charset=utf-8');
    const beacon = await fetch(`${file.server.baseUrl}/event`, {
      method: 'POST',
      headers: { 'content-type': 'TEXT/PLAIN;charset=UTF-8', 'user-agent': FIREFOX },
      body: event('types-site', { path: '/beacon' }),
    });
    expect([json.status, beacon.status]).toEqual([202, 202]);
    const stored2 = await stored('types-site', 2);
    const byPath = Object.fromEntries(stored2.map((r) => [r.path, r.user_id]));
    expect(byPath['/json']).toBeNull();
    expect(byPath['/beacon']).toMatch(/^anon:/);
  });
});

describe('GET /pixel.gif defaults', () => {
  const pixel = (query: string, referer?: string) =>
    fetch(`${file.server.baseUrl}/pixel.gif?${query}`, {
      headers: { 'user-agent': FIREFOX, ...(referer ? { referer } : {}) },
    });

  it('keeps the path parameter and takes no UTM values from a Referer without a query', async () => {
    const res = await pixel('site_id=ref-plain&path=%2Fgiven', 'https://shop.example/landing');
    expect(res.status).toBe(200);
    const [row] = await stored('ref-plain', 1);
    expect(row).toMatchObject({ path: '/given', utm_source: null, utm_medium: null, event_type: 'page_view' });
  });

  it('takes the UTM values (not the path) from a Referer with a query when the path is given', async () => {
    const res = await pixel(
      'site_id=ref-query&path=%2Fgiven',
      'https://shop.example/landing?utm_source=news&utm_medium=email',
    );
    expect(res.status).toBe(200);
    const [row] = await stored('ref-query', 1);
    expect(row).toMatchObject({ path: '/given', utm_source: 'news', utm_medium: 'email' });
  });

  it('ignores a Referer that is no URL', async () => {
    expect((await pixel('site_id=ref-bad&path=%2Fgiven', 'not a url?utm_source=x')).status).toBe(200);
    expect((await pixel('site_id=ref-bad', 'not a url')).status).toBe(200);
    const got = await stored('ref-bad', 2);
    expect(got.map((r) => [r.path, r.utm_source])).toEqual([
      ['/given', null],
      [null, null],
    ]);
  });

  it('takes the last non-empty value of a repeated parameter', async () => {
    expect((await pixel('site_id=repeat&path=%2Fa&path=')).status).toBe(200);
    expect((await pixel('site_id=repeat&path=%2Fb&path=%2Fc&event_type=x&event_type=signup')).status).toBe(200);
    const got = await stored('repeat', 2);
    expect(got.map((r) => [r.path, r.event_type])).toEqual([
      ['/a', 'page_view'],
      ['/c', 'signup'],
    ]);
  });

  it('uses a timestamp parameter when given, and now when absent or invalid input names the other fields', async () => {
    expect((await pixel(`site_id=stamped&path=%2Ft&timestamp=${encodeURIComponent(TS)}`)).status).toBe(200);
    const [row] = await stored('stamped', 1);
    expect(row?.timestamp).toBe(Date.parse(TS));

    // Without a timestamp parameter, a refusal names only the fields that are wrong.
    const bad = await pixel(`site_id=stamped&event_type=${'e'.repeat(65)}`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      status: 'error',
      code: 'BAD_USER_INPUT',
      message: 'Invalid pixel parameters: event_type: must be 1-64 characters',
      errors: [{ field: 'event_type', message: 'must be 1-64 characters' }],
    });
    const badTime = await pixel('site_id=stamped&timestamp=yesterday');
    expect(await badTime.json()).toMatchObject({
      errors: [{ field: 'timestamp', message: 'must be an ISO 8601 date-time with an offset or Z' }],
    });
  });
});
