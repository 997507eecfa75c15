// The attributes of a hit reach the stored row on each backend: POST /event through the app's own
// request listener on a real port (the forwarded address and the User-Agent are the request's).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { describeBackends, rawQuery } from '../helpers/backends.js';
import { SAFARI_IPHONE } from '../helpers/user-agents.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

describeBackends('event attributes stored', (backend) => {
  it('a beacon from an iPhone in the Netherlands via Hacker News with UTM values', async () => {
    const { app } = await testApp({ PULSE_TRUST_PROXY: 1 }, backend);
    server = createServer(app.handler);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/event`, {
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
