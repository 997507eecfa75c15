// The seed's REST routes on the real server: POST /event (JSON and sendBeacon's text/plain) and
// GET /stats, with the seed's curl commands as the first test.
import { describe, expect, it } from 'vitest';
import { countStoredEvents } from '../helpers/db.js';
import { siteStats, storedEvents, waitUntil } from '../helpers/e2e.js';
import { serverForFile } from '../helpers/server.js';

const file = serverForFile({ PULSE_FLUSH_INTERVAL_MS: '50' });

function postEvent(body: string, contentType = 'application/json', headers: Record<string, string> = {}) {
  return fetch(`${file.server.baseUrl}/event`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body,
  });
}

const getStats = (query: string) => fetch(`${file.server.baseUrl}/stats${query}`);

describe('the seed curl commands', () => {
  it('POST /event queues the event and GET /stats reports it in the seed shape', async () => {
    const res = await postEvent(
      JSON.stringify({
        site_id: 'site-abc-123',
        event_type: 'page_view',
        path: '/pricing',
        user_id: 'user-xyz-789',
        timestamp: '2025-11-15T18:30:01Z',
      }),
    );
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: 'success', message: 'Event queued for processing' });

    // Accepted means buffered; wait for the flusher to store it.
    await waitUntil(
      () => countStoredEvents(file.dbPath, 'site_id = ?', 'site-abc-123'),
      (n) => n === 1,
    );

    const stats = await getStats('?site_id=site-abc-123&date=2025-11-15');
    expect(stats.status).toBe(200);
    expect(stats.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await stats.json()).toStrictEqual({
      site_id: 'site-abc-123',
      date: '2025-11-15',
      total_views: 1,
      unique_users: 1,
      top_paths: [{ path: '/pricing', views: 1 }],
    });
  });
});

describe('POST /event', () => {
  it('accepts a text/plain body (what navigator.sendBeacon sends) and stores the event', async () => {
    const res = await postEvent(
      JSON.stringify({
        site_id: 'beacon-site',
        event_type: 'page_view',
        path: '/from-beacon',
        user_id: 'u1',
        timestamp: '2025-11-16T10:00:00Z',
      }),
      'text/plain;charset=UTF-8',
      // a browser's User-Agent: beacons from bots (and Node's fetch, "node") are not stored
      { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' },
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'success', message: 'Event queued for processing' });
    const rows = await waitUntil(
      () => storedEvents(file.dbPath, 'beacon-site'),
      (r) => r.length === 1,
    );
    expect(rows[0]).toMatchObject({
      site_id: 'beacon-site',
      event_type: 'page_view',
      path: '/from-beacon',
      user_id: 'u1',
      timestamp: Date.parse('2025-11-16T10:00:00Z'),
    });
  });

  it('stores an event without user_id with no user id (REST hits get no anonymous id)', async () => {
    const res = await postEvent(
      JSON.stringify({ site_id: 'rest-anon', event_type: 'signup', timestamp: '2025-11-16T10:00:00Z' }),
    );
    expect(res.status).toBe(202);
    const rows = await waitUntil(
      () => storedEvents(file.dbPath, 'rest-anon'),
      (r) => r.length === 1,
    );
    expect(rows[0]).toMatchObject({ event_type: 'signup', path: null, user_id: null });
  });

  it('answers 400 to a body that is not JSON, and stores nothing', async () => {
    const before = countStoredEvents(file.dbPath);
    const res = await postEvent('{"site_id": "broken-json", ');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { status: string; message: string };
    expect(body.status).toBe('error');
    expect(body.message).toMatch(/json/i);

    const notObject = await postEvent('[1, 2, 3]');
    expect(notObject.status).toBe(400);
    expect(countStoredEvents(file.dbPath)).toBe(before);
  });

  it('answers 400 naming each bad field in snake_case, and stores nothing', async () => {
    const res = await postEvent(
      JSON.stringify({
        site_id: 'bad site id!',
        event_type: '',
        path: 'no-leading-slash',
        user_id: 'fine',
        timestamp: 'yesterday',
      }),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      status: string;
      message: string;
      errors: { field: string; message: string }[];
    };
    expect(body.status).toBe('error');
    const fields = body.errors.map((e) => e.field).sort();
    expect(fields).toEqual(['event_type', 'path', 'site_id', 'timestamp']);
    for (const e of body.errors) expect(e.message).toEqual(expect.any(String));
    // The message names the fields too, the way the seed's clients knew them.
    expect(body.message).toContain('site_id');
    expect(body.message).not.toContain('siteId');

    const missing = await postEvent(JSON.stringify({ site_id: 'rest-missing' }));
    expect(missing.status).toBe(400);
    const missingBody = (await missing.json()) as { errors: { field: string }[] };
    expect(missingBody.errors.map((e) => e.field).sort()).toEqual(['event_type', 'timestamp']);

    // Nothing of these requests reaches the database: a valid event sent after them gets stored
    // (flushes keep order), and by then neither bad one is.
    const marker = await postEvent(
      JSON.stringify({ site_id: 'rest-marker', event_type: 'page_view', timestamp: '2025-11-15T18:30:01Z' }),
    );
    expect(marker.status).toBe(202);
    await waitUntil(
      () => countStoredEvents(file.dbPath, 'site_id = ?', 'rest-marker'),
      (n) => n === 1,
    );
    expect(countStoredEvents(file.dbPath, "site_id IN ('bad site id!', 'rest-missing')")).toBe(0);
  });

  it('answers 415 to an unsupported content type', async () => {
    const res = await postEvent(
      JSON.stringify({ site_id: 'x', event_type: 'page_view', timestamp: '2025-11-15T18:30:01Z' }),
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(415);
    const body = (await res.json()) as { status: string };
    expect(body.status).toBe('error');
  });

  it('answers a CORS preflight with 204 and the allow headers', async () => {
    const res = await fetch(`${file.server.baseUrl}/event`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
  });

  it('sends the CORS allow-origin header on the 202 answer too', async () => {
    const res = await postEvent(
      JSON.stringify({ site_id: 'cors-site', event_type: 'page_view', timestamp: '2025-11-15T18:30:01Z' }),
      'application/json',
      { origin: 'https://example.com' },
    );
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('GET /stats', () => {
  it('answers 400 when site_id or date is missing or invalid', async () => {
    for (const query of [
      '',
      '?date=2025-11-15',
      '?site_id=site-abc-123',
      '?site_id=site-abc-123&date=15-11-2025',
      '?site_id=site-abc-123&date=2025-02-30',
      '?site_id=site-abc-123&date=',
      '?site_id=bad%20site!&date=2025-11-15',
      `?site_id=${'s'.repeat(129)}&date=2025-11-15`,
    ]) {
      const res = await getStats(query);
      expect(res.status, `GET /stats${query}`).toBe(400);
      const body = (await res.json()) as { status: string; errors: { field: string }[] };
      expect(body.status).toBe('error');
      expect(body.errors.length).toBeGreaterThan(0);
    }
    const noSite = (await (await getStats('?date=2025-11-15')).json()) as { errors: { field: string }[] };
    expect(noSite.errors.map((e) => e.field)).toEqual(['site_id']);
    const badDate = (await (await getStats('?site_id=s&date=2025-13-01')).json()) as { errors: { field: string }[] };
    expect(badDate.errors.map((e) => e.field)).toEqual(['date']);
    const badSite = (await (await getStats('?site_id=a%20b&date=2025-11-15')).json()) as { message: string };
    expect(badSite.message).toContain('site_id: may contain only A-Z a-z 0-9 . _ : -');
  });

  it('answers zeros for a site with no events that day', async () => {
    const res = await getStats('?site_id=nobody-here&date=2025-11-15');
    expect(res.status).toBe(200);
    expect(await res.json()).toStrictEqual({
      site_id: 'nobody-here',
      date: '2025-11-15',
      total_views: 0,
      unique_users: 0,
      top_paths: [],
    });
  });

  it('reports the same numbers as the GraphQL siteStats query for the same site and day', async () => {
    const site = 'compare-site';
    const events = [
      { path: '/a', user_id: 'u1', event_type: 'page_view', timestamp: '2025-11-20T00:00:00Z' },
      { path: '/a', user_id: 'u2', event_type: 'page_view', timestamp: '2025-11-20T12:00:00Z' },
      { path: '/b', user_id: 'u1', event_type: 'page_view', timestamp: '2025-11-20T23:59:59.999Z' },
      { path: '/c', event_type: 'page_view', timestamp: '2025-11-20T08:00:00Z' },
      { path: '/a', user_id: 'u3', event_type: 'click', timestamp: '2025-11-20T09:00:00Z' },
      // other days: not counted
      { path: '/a', user_id: 'u9', event_type: 'page_view', timestamp: '2025-11-19T23:59:59.999Z' },
      { path: '/z', user_id: 'u8', event_type: 'page_view', timestamp: '2025-11-21T00:00:00Z' },
      // a UTC offset that puts this event on the 20th in UTC
      { path: '/b', user_id: 'u4', event_type: 'page_view', timestamp: '2025-11-21T01:00:00+02:00' },
    ];
    for (const e of events) {
      const res = await postEvent(JSON.stringify({ site_id: site, ...e }));
      expect(res.status).toBe(202);
    }
    await waitUntil(
      () => countStoredEvents(file.dbPath, 'site_id = ?', site),
      (n) => n === events.length,
    );

    const rest = (await (await getStats(`?site_id=${site}&date=2025-11-20`)).json()) as Record<string, unknown>;
    const graph = await siteStats(file.server.graphqlUrl, site, '2025-11-20');
    expect(rest).toStrictEqual({
      site_id: graph.siteId,
      date: graph.date,
      total_views: graph.totalViews,
      unique_users: graph.uniqueUsers,
      top_paths: graph.topPaths,
    });
    // ... and those numbers are the right ones.
    expect(rest).toStrictEqual({
      site_id: site,
      date: '2025-11-20',
      total_views: 5,
      unique_users: 4,
      top_paths: [
        { path: '/a', views: 2 },
        { path: '/b', views: 2 },
        { path: '/c', views: 1 },
      ],
    });
  });
});
