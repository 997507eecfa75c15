// GET /pixel.gif on the real server: the image it answers, the event it records, and the
// defaults and anonymous visitor ids of docs/api.md, "Tracking pixel".
import { describe, expect, it } from 'vitest';
import { countStoredEvents } from '../helpers/db.js';
import { allStoredText, siteStats, storedEvents, todayUtc, waitUntil } from '../helpers/e2e.js';
import { serverForFile } from '../helpers/server.js';

const file = serverForFile({ PULSE_FLUSH_INTERVAL_MS: '50' });

// A browser's User-Agent: pixel hits from bots (and from Node's fetch, "node") are not stored.
const BROWSER = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' };

function pixel(params: Record<string, string>, headers: Record<string, string> = {}) {
  const qs = new URLSearchParams(params).toString();
  return fetch(`${file.server.baseUrl}/pixel.gif${qs ? `?${qs}` : ''}`, { headers: { ...BROWSER, ...headers } });
}

async function storedRows(siteId: string, count: number) {
  return waitUntil(
    () => storedEvents(file.dbPath, siteId),
    (rows) => rows.length >= count,
  );
}

describe('GET /pixel.gif', () => {
  it('answers 200 with an uncacheable 1x1 transparent GIF', async () => {
    const res = await pixel({ site_id: 'gif-site', path: '/x' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(res.headers.get('cache-control')).toContain('no-store');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    // logical screen width and height: little-endian 16-bit at offsets 6 and 8
    expect(bytes.readUInt16LE(6)).toBe(1);
    expect(bytes.readUInt16LE(8)).toBe(1);
    // the image descriptor (0x2C) is 1x1 too, and the file ends with the GIF trailer
    const descriptor = bytes.indexOf(0x2c, 13);
    expect(descriptor).toBeGreaterThan(0);
    expect(bytes.readUInt16LE(descriptor + 5)).toBe(1);
    expect(bytes.readUInt16LE(descriptor + 7)).toBe(1);
    expect(bytes[bytes.length - 1]).toBe(0x3b);
    // a graphic control extension with the transparency flag set
    const gce = bytes.indexOf(Buffer.from([0x21, 0xf9, 0x04]));
    expect(gce).toBeGreaterThan(0);
    expect((bytes[gce + 3] ?? 0) & 1).toBe(1);
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
  });

  it('records the query parameters as an event', async () => {
    const res = await pixel({
      site_id: 'explicit-site',
      event_type: 'signup',
      path: '/welcome',
      user_id: 'user-42',
      timestamp: '2025-11-15T18:30:01Z',
    });
    expect(res.status).toBe(200);
    const rows = await storedRows('explicit-site', 1);
    expect(rows).toEqual([
      {
        site_id: 'explicit-site',
        event_type: 'signup',
        path: '/welcome',
        user_id: 'user-42',
        timestamp: Date.parse('2025-11-15T18:30:01Z'),
      },
    ]);
  });

  it('takes the path from the Referer when there is no path parameter, and defaults event_type to page_view', async () => {
    const res = await pixel(
      { site_id: 'referer-site', user_id: 'u1' },
      { referer: 'https://blog.example.com/posts/hello-world?utm_source=x#top' },
    );
    expect(res.status).toBe(200);
    // an explicit path wins over the Referer
    const explicit = await pixel(
      { site_id: 'referer-site', user_id: 'u1', path: '/explicit' },
      { referer: 'https://blog.example.com/ignored' },
    );
    expect(explicit.status).toBe(200);

    const rows = await storedRows('referer-site', 2);
    expect(rows.map((r) => [r.path, r.event_type])).toEqual([
      ['/posts/hello-world', 'page_view'],
      ['/explicit', 'page_view'],
    ]);
    const stats = await siteStats(file.server.graphqlUrl, 'referer-site');
    expect(stats.topPaths).toEqual([
      { path: '/explicit', views: 1 },
      { path: '/posts/hello-world', views: 1 },
    ]);
    expect(stats.totalViews).toBe(2);
  });

  it('treats an empty parameter as absent, so path= falls back to the Referer', async () => {
    const res = await pixel(
      { site_id: 'empty-param-site', path: '', user_id: '' },
      { referer: 'https://a.example/from-referer' },
    );
    expect(res.status).toBe(200);
    const rows = await storedRows('empty-param-site', 1);
    expect(rows[0]?.path).toBe('/from-referer');
    expect(String(rows[0]?.user_id)).toMatch(/^anon:/);
  });

  it('answers HEAD like GET but records nothing (link checkers, prefetchers)', async () => {
    const head = await fetch(`${file.server.baseUrl}/pixel.gif?site_id=head-site&path=/h`, {
      method: 'HEAD',
      headers: BROWSER,
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('image/gif');
    // a GET after it is stored; once it is, the HEAD would have been stored before it
    await pixel({ site_id: 'head-site', path: '/g' });
    const rows = await storedRows('head-site', 1);
    expect(rows.map((r) => r.path)).toEqual(['/g']);
  });

  it('stamps the event with the time of receipt when there is no timestamp', async () => {
    const before = Date.now();
    const dayBefore = todayUtc();
    const res = await pixel({ site_id: 'now-site', path: '/now', user_id: 'u1' });
    expect(res.status).toBe(200);
    const after = Date.now();
    const dayAfter = todayUtc();

    const [row] = await storedRows('now-site', 1);
    expect(row?.timestamp).toBeGreaterThanOrEqual(before);
    expect(row?.timestamp).toBeLessThanOrEqual(after);

    // It counts in today's (UTC) stats. (dayBefore and dayAfter differ only across midnight.)
    const day = new Date(row?.timestamp ?? 0).toISOString().slice(0, 10);
    expect([dayBefore, dayAfter]).toContain(day);
    const stats = await siteStats(file.server.graphqlUrl, 'now-site', day);
    expect(stats).toMatchObject({ date: day, totalViews: 1, uniqueUsers: 1, topPaths: [{ path: '/now', views: 1 }] });
  });

  it('answers 400 without site_id or with invalid parameters, and records nothing', async () => {
    const noSite = await pixel({ path: '/x' });
    expect(noSite.status).toBe(400);
    const body = (await noSite.json()) as { status: string; errors: { field: string }[] };
    expect(body.status).toBe('error');
    expect(body.errors.map((e) => e.field)).toContain('site_id');

    const badPath = await pixel({ site_id: 'bad-pixel', path: 'no-slash' });
    expect(badPath.status).toBe(400);
    const badTime = await pixel({ site_id: 'bad-pixel', timestamp: 'not-a-time' });
    expect(badTime.status).toBe(400);
    const badTimeBody = (await badTime.json()) as { errors: { field: string }[] };
    expect(badTimeBody.errors.map((e) => e.field)).toEqual(['timestamp']);

    // A good hit sent afterwards is stored (flushes keep order); the bad ones never are.
    expect((await pixel({ site_id: 'bad-pixel-marker', path: '/ok' })).status).toBe(200);
    await storedRows('bad-pixel-marker', 1);
    expect(countStoredEvents(file.dbPath, 'site_id = ?', 'bad-pixel')).toBe(0);
  });

  it('gives hits without user_id an anonymous visitor id from IP and User-Agent, never the raw IP', async () => {
    const site = 'anon-site';
    const firefox = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' };
    const chrome = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36' };
    for (const [path, headers] of [
      ['/one', firefox],
      ['/two', firefox],
      ['/three', chrome],
    ] as const) {
      expect((await pixel({ site_id: site, path }, headers)).status).toBe(200);
    }
    // the same browser on another site is another visitor id (the site is part of the hash)
    expect((await pixel({ site_id: 'anon-site-2', path: '/one' }, firefox)).status).toBe(200);

    const rows = await storedRows(site, 3);
    const [first, second, third] = rows.map((r) => r.user_id);
    expect(first).toMatch(/^anon:/);
    expect(second).toBe(first);
    expect(third).toMatch(/^anon:/);
    expect(third).not.toBe(first);
    const [other] = await storedRows('anon-site-2', 1);
    expect(other?.user_id).toMatch(/^anon:/);
    expect(other?.user_id).not.toBe(first);

    const stats = await siteStats(file.server.graphqlUrl, site, todayUtc());
    expect(stats.uniqueUsers).toBe(2);
    expect(stats.totalViews).toBe(3);

    // The client's IP is not stored anywhere, in any table.
    const everything = allStoredText(file.dbPath);
    expect(everything).toContain('anon:'); // the check reads real data
    expect(everything).not.toContain('127.0.0.1');
  });
});
