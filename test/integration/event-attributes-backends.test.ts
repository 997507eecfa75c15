// The attributes of a hit reach the stored row on each backend: POST /event through the app's own
// request listener on a real port (the forwarded address and the User-Agent are the request's);
// PULSE_GEOIP_DB replaces the bundled country database.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { describeBackends, rawQuery } from '../helpers/backends.js';
import { writeCountryMmdb } from '../helpers/mmdb.js';
import { SAFARI_IPHONE } from '../helpers/user-agents.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describeBackends('event attributes stored', (backend) => {
  it('a beacon from an iPhone in the Netherlands via Hacker News with UTM values', async () => {
    const { app } = await testApp({ PULSE_TRUST_PROXY: 1 }, backend);
    const url = await listen(app.handler);
    const res = await fetch(`${url}/event`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        'user-agent': SAFARI_IPHONE,
        'x-forwarded-for': '193.0.6.139',
        origin: 'https://www.blog.example',
      },
      body: JSON.stringify({
        site_id: 'attr-backend',
        event_type: 'page_view',
        path: '/post',
        timestamp: '2025-11-15T10:00:00Z',
        referrer: 'https://news.ycombinator.com/item?id=42',
        utm_source: 'hn',
        utm_medium: 'social',
        utm_campaign: 'launch',
      }),
    });
    expect(res.status).toBe(202);
    await app.flusher.flush();
    const rows = await rawQuery(
      app.storage,
      `SELECT source, utm_source, utm_medium, utm_campaign, browser, os, device, country
       FROM events WHERE site_id = ?`,
      'attr-backend',
    );
    expect(rows).toEqual([
      {
        source: 'news.ycombinator.com',
        utm_source: 'hn',
        utm_medium: 'social',
        utm_campaign: 'launch',
        browser: 'Safari',
        os: 'iOS',
        device: 'mobile',
        country: 'NL',
      },
    ]);
  });
});

describe('PULSE_GEOIP_DB', () => {
  it("takes countries from the user's MaxMind file (GeoIP2-Country layout) instead of the bundled one", async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'pulse-geoip-')), 'GeoLite2-Country.mmdb');
    // answers the bundled database does not give (it says US and NL)
    writeCountryMmdb(path, { '8.8.8.0/24': 'FR', '193.0.6.139/32': 'JP' });
    const { app } = await testApp({ PULSE_GEOIP_DB: path, PULSE_TRUST_PROXY: 1 });
    const url = await listen(app.handler);
    for (const ip of ['8.8.8.8', '193.0.6.139', '200.160.2.3']) {
      const res = await fetch(`${url}/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ site_id: 'geoip', event_type: 'e', timestamp: '2025-11-15T10:00:00Z' }),
      });
      expect(res.status).toBe(202);
    }
    await app.flusher.flush();
    expect(await rawQuery(app.storage, 'SELECT country FROM events ORDER BY id')).toEqual([
      { country: 'FR' },
      { country: 'JP' },
      { country: null },
    ]);
  });

  it('stops the start when the file is no MaxMind database, naming the variable', async () => {
    const junk = join(mkdtempSync(join(tmpdir(), 'pulse-geoip-')), 'junk.mmdb');
    writeFileSync(junk, 'not a database');
    await expect(testApp({ PULSE_GEOIP_DB: junk })).rejects.toThrow(/PULSE_GEOIP_DB: .*not a readable mmdb file/);
  });
});
