// Privacy and bots on the real server, behind a (simulated) trusted proxy that forwards the
// visitor's address: the address is never stored and never logged, even at LOG_LEVEL=debug;
// pixel and beacon hits without a user id get a salted visitor id; bot hits on those routes are
// answered as usual but not stored, and counted.
import { afterAll, describe, expect, it } from 'vitest';
import { countStoredEvents, freshDatabase } from '../helpers/db.js';
import { allStoredText, gql, RECORD_EVENT, storedEvents, waitUntil } from '../helpers/e2e.js';
import { BROWSER_UA, metricValue, scrape } from '../helpers/hardening.js';
import { type RunningServer, startServer } from '../helpers/server.js';

const VISITOR_IP = '203.0.113.77';
const OTHER_BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15';
const SITE = 'privacy-site';
const TS = '2025-11-15T10:00:00Z';

let server: RunningServer | undefined;
afterAll(async () => {
  await server?.stop();
});

describe('privacy and bots', () => {
  it('never stores or logs the visitor address, derives visitor ids for browser hits, drops bots', async () => {
    const db = freshDatabase();
    server = await startServer({
      DATABASE_URL: db.url,
      PULSE_TRUST_PROXY: 'true',
      LOG_LEVEL: 'debug',
      PULSE_FLUSH_INTERVAL_MS: '50',
    });
    const { baseUrl, graphqlUrl } = server;
    const via = (ua: string) => ({ 'user-agent': ua, 'x-forwarded-for': `10.9.9.9, ${VISITOR_IP}` });
    const pixel = async (query: string, ua: string) => {
      const res = await fetch(`${baseUrl}/pixel.gif?site_id=${SITE}&${query}`, { headers: via(ua) });
      await res.arrayBuffer();
      return res.status;
    };
    const beacon = async (body: Record<string, unknown>, ua: string, type = 'text/plain;charset=UTF-8') =>
      (
        await fetch(`${baseUrl}/event`, {
          method: 'POST',
          headers: { 'content-type': type, ...via(ua) },
          body: JSON.stringify({ site_id: SITE, timestamp: TS, ...body }),
        })
      ).status;

    // Stored: pixel and beacon hits from browsers, without user ids (visitor ids derived) ...
    expect(await pixel('event_type=page_view&path=/a', BROWSER_UA)).toBe(200);
    expect(await pixel('event_type=page_view&path=/b', BROWSER_UA)).toBe(200);
    expect(await pixel('event_type=page_view&path=/c', OTHER_BROWSER)).toBe(200);
    expect(await beacon({ event_type: 'beacon', path: '/d' }, BROWSER_UA)).toBe(202);
    // ... a JSON call from server code or curl, stored as sent (no visitor id, no bot check) ...
    expect(await beacon({ event_type: 'server', path: '/e' }, 'curl/8.5.0', 'application/json')).toBe(202);
    // ... and GraphQL.
    const g = await gql(
      graphqlUrl,
      RECORD_EVENT,
      { input: { siteId: SITE, eventType: 'gql', timestamp: TS } },
      via('node'),
    );
    expect(g.body).toEqual({ data: { recordEvent: { accepted: true } } });
    // Answered as usual, not stored: bots on the pixel and the beacon.
    expect(await pixel('event_type=bot&path=/x', 'Googlebot/2.1 (+http://www.google.com/bot.html)')).toBe(200);
    expect(await beacon({ event_type: 'bot', path: '/y' }, 'Mozilla/5.0 (compatible; bingbot/2.0)')).toBe(202);
    // Refused: an invalid hit (an error path, which logs).
    expect(await pixel('timestamp=yesterday', BROWSER_UA)).toBe(400);

    await waitUntil(
      () => countStoredEvents(db.path, 'site_id = ?', SITE),
      (n) => n === 6,
    );
    const metrics = await scrape(baseUrl);
    expect(metricValue(metrics, 'pulse_events_dropped_total', { reason: 'bot' })).toBe(2);
    expect(metricValue(metrics, 'pulse_events_accepted_total')).toBe(6);

    const rows = storedEvents(db.path, SITE);
    expect(rows.map((r) => r.event_type).sort()).toEqual([
      'beacon',
      'gql',
      'page_view',
      'page_view',
      'page_view',
      'server',
    ]);
    const byPath = Object.fromEntries(rows.map((r) => [r.path ?? r.event_type, r.user_id]));
    // same site, address and browser on the same day: one visitor, across pixel and beacon
    expect(byPath['/a']).toMatch(/^anon:[A-Za-z0-9_-]{22}$/);
    expect(byPath['/b']).toBe(byPath['/a']);
    expect(byPath['/d']).toBe(byPath['/a']);
    // another browser: another visitor
    expect(byPath['/c']).toMatch(/^anon:/);
    expect(byPath['/c']).not.toBe(byPath['/a']);
    // server-side calls are stored as sent
    expect(byPath['/e']).toBeNull();
    expect(byPath.gql).toBeNull();

    expect(await server.stop('SIGTERM')).toBe(0);
    // Nowhere: not in any table, not in the log (debug level, including the error above).
    expect(allStoredText(db.path)).not.toContain(VISITOR_IP);
    expect(server.output().length).toBeGreaterThan(0);
    expect(server.output()).not.toContain(VISITOR_IP);
    expect(server.output()).not.toContain('10.9.9.9');
  });
});
