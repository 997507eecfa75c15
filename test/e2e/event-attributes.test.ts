// Event attributes through every ingestion route on the real server (issue #11, tests 2 and 3):
// the pixel, POST /event and recordEvent carry the referrer (stored as its host only) and UTM
// values to the stored row; browser, OS and device come from the User-Agent and the country from
// the forwarded address (PULSE_TRUST_PROXY); no address is stored or logged; bad values are
// refused naming the field, and nothing of a bad batch is accepted.
import Database from 'better-sqlite3';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { allStoredText, gql, RECORD_EVENT, RECORD_EVENTS, waitUntil } from '../helpers/e2e.js';
import { serverForFile } from '../helpers/server.js';
import {
  CHROME_ANDROID_PHONE,
  CHROME_WINDOWS,
  FIREFOX_LINUX,
  SAFARI_IPAD,
  SAFARI_IPHONE,
} from '../helpers/user-agents.js';

const file = serverForFile({ PULSE_FLUSH_INTERVAL_MS: '50', PULSE_TRUST_PROXY: 'true', LOG_LEVEL: 'debug' });

const TS = '2025-11-15T10:00:00Z';
// Addresses whose country is stable in the bundled DB-IP database (test/unit/ingestion/country.test.ts).
const US = '8.8.8.8';
const NL = '193.0.6.139';
const BR = '200.160.2.3';
const DE_V6 = '2a00:1450:4001::1';
const PRIVATE = ['127.0.0.1', '10.20.30.40', '192.168.7.8', '::1', 'fd00::42'];
const ADDRESSES = [US, NL, BR, DE_V6, ...PRIVATE];

interface Row {
  path: string | null;
  source: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  country: string | null;
}

function rows(siteId: string): Row[] {
  const db = new Database(file.dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT path, source, utm_source, utm_medium, utm_campaign, browser, os, device, country
         FROM events WHERE site_id = ? ORDER BY id`,
      )
      .all(siteId) as Row[];
  } finally {
    db.close();
  }
}

const storedRows = (siteId: string, count: number) =>
  waitUntil(
    () => rows(siteId),
    (found) => found.length >= count,
  );

/** A hit forwarded by the trusted proxy for a visitor at `ip`. */
const from = (ip: string, userAgent: string, extra: Record<string, string> = {}) => ({
  'user-agent': userAgent,
  'x-forwarded-for': ip,
  ...extra,
});

async function pixel(query: Record<string, string>, headers: Record<string, string>) {
  const res = await fetch(`${file.server.baseUrl}/pixel.gif?${new URLSearchParams(query)}`, { headers });
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : null };
}

async function postEvent(body: Record<string, unknown>, headers: Record<string, string>) {
  const res = await fetch(`${file.server.baseUrl}/event`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
    body: JSON.stringify({ timestamp: TS, event_type: 'page_view', ...body }),
  });
  return { status: res.status, body: (await res.json()) as { errors?: { field: string; message: string }[] } };
}

describe('event attributes on the routes', () => {
  it('pixel: referrer host, UTM values from the page URL in Referer, Chrome on Windows, US', async () => {
    const site = 'attr-pixel';
    const page = 'https://shop.example/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring&x=1';
    const res = await pixel(
      { site_id: site, referrer: 'https://www.Google.com/search?q=jane.doe%40mail.example&token=s3cr3t' },
      from(US, CHROME_WINDOWS, { referer: page }),
    );
    expect(res.status).toBe(200);
    // Query parameters win over the page URL's, one by one.
    expect(
      (await pixel({ site_id: site, path: '/second', utm_source: 'ads' }, from(US, CHROME_WINDOWS, { referer: page })))
        .status,
    ).toBe(200);
    expect(await storedRows(site, 2)).toEqual([
      {
        path: '/landing',
        source: 'google.com',
        utm_source: 'newsletter',
        utm_medium: 'email',
        utm_campaign: 'spring',
        browser: 'Chrome',
        os: 'Windows',
        device: 'desktop',
        country: 'US',
      },
      {
        path: '/second',
        source: null,
        utm_source: 'ads',
        utm_medium: 'email',
        utm_campaign: 'spring',
        browser: 'Chrome',
        os: 'Windows',
        device: 'desktop',
        country: 'US',
      },
    ]);
  });

  it('pixel: a referrer on the page\'s own host is no source; a phone is "mobile"', async () => {
    const site = 'attr-pixel-same';
    const res = await pixel(
      { site_id: site, referrer: 'https://shop.example/cart' },
      from(NL, CHROME_ANDROID_PHONE, { referer: 'https://www.shop.example/checkout' }),
    );
    expect(res.status).toBe(200);
    expect(await storedRows(site, 1)).toEqual([
      expect.objectContaining({ path: '/checkout', source: null, browser: 'Chrome', os: 'Android', device: 'mobile' }),
    ]);
    expect(rows(site)[0]?.country).toBe('NL');
  });

  it('POST /event (sendBeacon): referrer and UTM fields; same-site by Origin; an iPhone from NL', async () => {
    const site = 'attr-beacon';
    const headers = from(NL, SAFARI_IPHONE, { origin: 'https://blog.example' });
    const first = await postEvent(
      {
        site_id: site,
        path: '/post',
        referrer: 'https://news.ycombinator.com/item?id=42',
        utm_source: 'hn',
        utm_medium: 'social',
        utm_campaign: 'launch',
      },
      headers,
    );
    expect(first.status).toBe(202);
    expect(
      (await postEvent({ site_id: site, path: '/next', referrer: 'https://blog.example/post' }, headers)).status,
    ).toBe(202);
    expect(await storedRows(site, 2)).toEqual([
      {
        path: '/post',
        source: 'news.ycombinator.com',
        utm_source: 'hn',
        utm_medium: 'social',
        utm_campaign: 'launch',
        browser: 'Safari',
        os: 'iOS',
        device: 'mobile',
        country: 'NL',
      },
      {
        path: '/next',
        source: null,
        utm_source: null,
        utm_medium: null,
        utm_campaign: null,
        browser: 'Safari',
        os: 'iOS',
        device: 'mobile',
        country: 'NL',
      },
    ]);
  });

  it('recordEvent: referrer and UTM through GraphQL; an iPad is a tablet; explicit attributes win', async () => {
    const site = 'attr-graphql';
    const derived = await gql(
      file.server.graphqlUrl,
      RECORD_EVENT,
      {
        input: {
          siteId: site,
          eventType: 'page_view',
          path: '/a',
          timestamp: TS,
          referrer: 'https://www.bing.com/search?q=private+words',
          utmSource: 'bing',
          utmMedium: 'cpc',
          utmCampaign: 'winter',
        },
      },
      from(BR, SAFARI_IPAD),
    );
    expect(derived.body).toEqual({ data: { recordEvent: { accepted: true } } });
    // A server relaying a browser's hit names its attributes: they win over its own User-Agent
    // and address.
    const relayed = await gql(
      file.server.graphqlUrl,
      RECORD_EVENT,
      {
        input: {
          siteId: site,
          eventType: 'page_view',
          path: '/b',
          timestamp: TS,
          browser: 'Firefox',
          os: 'Linux',
          device: 'desktop',
          country: 'jp',
        },
      },
      from(DE_V6, SAFARI_IPAD),
    );
    expect(relayed.body).toEqual({ data: { recordEvent: { accepted: true } } });
    expect(await storedRows(site, 2)).toEqual([
      {
        path: '/a',
        source: 'bing.com',
        utm_source: 'bing',
        utm_medium: 'cpc',
        utm_campaign: 'winter',
        browser: 'Safari',
        os: 'iOS',
        device: 'tablet',
        country: 'BR',
      },
      {
        path: '/b',
        source: null,
        utm_source: null,
        utm_medium: null,
        utm_campaign: null,
        browser: 'Firefox',
        os: 'Linux',
        device: 'desktop',
        country: 'JP',
      },
    ]);
  });

  it('recordEvent over WebSocket: the attributes of the connecting request', async () => {
    const site = 'attr-websocket';
    // The upgrade request carries the User-Agent and the forwarded address.
    class ForwardedWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: from(NL, CHROME_ANDROID_PHONE) });
      }
    }
    const client = createClient({
      url: file.server.wsUrl,
      webSocketImpl: ForwardedWebSocket,
      retryAttempts: 0,
      lazy: true,
    });
    try {
      const result = await client
        .iterate({
          query: RECORD_EVENT,
          variables: {
            input: { siteId: site, eventType: 'page_view', timestamp: TS, referrer: 'https://duckduckgo.com/' },
          },
        })
        .next();
      expect(result.value).toEqual({ data: { recordEvent: { accepted: true } } });
    } finally {
      await client.dispose();
    }
    expect(await storedRows(site, 1)).toEqual([
      expect.objectContaining({ source: 'duckduckgo.com', browser: 'Chrome', device: 'mobile', country: 'NL' }),
    ]);
  });

  it('an IPv6 visitor gets its country; loopback and private addresses get none', async () => {
    const site = 'attr-addresses';
    for (const [i, ip] of [DE_V6, ...PRIVATE].entries()) {
      expect((await postEvent({ site_id: site, path: `/visitor-${i}` }, from(ip, FIREFOX_LINUX))).status).toBe(202);
    }
    const stored = await storedRows(site, PRIVATE.length + 1);
    expect(stored.map((r) => r.country)).toEqual(['DE', ...PRIVATE.map(() => null)]);
  });

  it('stores no address, no referrer path or query, and logs no address', async () => {
    // runs after the tests above have stored their events (at LOG_LEVEL=debug)
    await storedRows('attr-addresses', PRIVATE.length + 1);
    const stored = allStoredText(file.dbPath);
    for (const ip of [US, NL, BR, DE_V6, '10.20.30.40', '192.168.7.8', 'fd00::42']) {
      expect(stored.includes(ip), `${ip} is stored`).toBe(false);
    }
    for (const secret of ['s3cr3t', 'jane.doe', 'private+words', 'private words', 'item?id=42', '/search']) {
      expect(stored.includes(secret), `${secret} is stored`).toBe(false);
    }
    const logs = file.server.output();
    // (127.0.0.1 is the server's own listening address, printed on start)
    expect(logs).toContain('Pulse listening on');
    for (const ip of ADDRESSES.filter((ip) => ip !== '127.0.0.1')) {
      expect(logs.includes(ip), `${ip} is logged`).toBe(false);
    }
  });
});

describe('bad attribute values are refused, naming the field', () => {
  const input = (extra: Record<string, unknown>) => ({
    siteId: 'attr-bad',
    eventType: 'page_view',
    timestamp: TS,
    ...extra,
  });

  it.each([
    [{ referrer: 'not a url' }, 'input.referrer: must be an absolute http(s) URL'],
    [{ referrer: 'ftp://example.com/file' }, 'input.referrer: must be an absolute http(s) URL'],
    [{ utmSource: 's'.repeat(257) }, 'input.utmSource: must be 1-256 characters'],
    [{ utmCampaign: '' }, 'input.utmCampaign: must be 1-256 characters'],
    [{ device: 'phone' }, 'input.device: must be "desktop", "mobile" or "tablet"'],
    [{ country: 'XX' }, 'input.country: must be an ISO 3166-1 alpha-2 country code, e.g. "DE"'],
    [{ browser: 'b'.repeat(65) }, 'input.browser: must be 1-64 characters'],
  ])('recordEvent with %j: BAD_USER_INPUT "%s"', async (extra, message) => {
    const res = await gql(file.server.graphqlUrl, RECORD_EVENT, { input: input(extra) }, from(US, CHROME_WINDOWS));
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toContain(message);
  });

  it('recordEvents with one bad event accepts none of the batch', async () => {
    const site = 'attr-bad-batch';
    const good = input({ siteId: site, referrer: 'https://example.org/', utmSource: 'ok' });
    const res = await gql(
      file.server.graphqlUrl,
      RECORD_EVENTS,
      { inputs: [good, { ...good, utmMedium: 'm'.repeat(257) }, good] },
      from(US, CHROME_WINDOWS),
    );
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toContain('inputs.1.utmMedium: must be 1-256 characters');
    // A later event of another site is stored: by then the batch would have been too.
    await postEvent({ site_id: 'attr-bad-batch-marker', path: '/' }, from(US, CHROME_WINDOWS));
    await storedRows('attr-bad-batch-marker', 1);
    expect(rows(site)).toEqual([]);
  });

  it.each([
    [{ referrer: '/relative' }, 'referrer', 'must be an absolute http(s) URL'],
    [{ utm_source: 'u'.repeat(257) }, 'utm_source', 'must be 1-256 characters'],
    [{ device: 'watch' }, 'device', 'must be "desktop", "mobile" or "tablet"'],
    [{ country: 'USA' }, 'country', 'must be an ISO 3166-1 alpha-2 country code, e.g. "DE"'],
  ])('POST /event with %j: 400 naming %s', async (extra, field, message) => {
    const res = await postEvent({ site_id: 'attr-bad-rest', ...extra }, from(US, CHROME_WINDOWS));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field, message }]);
  });

  it.each([
    [{ referrer: 'nope' }, 'referrer'],
    [{ utm_campaign: 'c'.repeat(257) }, 'utm_campaign'],
    [{ device: 'console' }, 'device'],
    [{ country: '1A' }, 'country'],
  ])('pixel with %j: 400 naming %s', async (extra, field) => {
    const res = await pixel({ site_id: 'attr-bad-pixel', ...extra }, from(US, CHROME_WINDOWS));
    expect(res.status).toBe(400);
    expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([field]);
  });

  it('nothing of the refused requests was stored', async () => {
    await postEvent({ site_id: 'attr-bad-marker', path: '/' }, from(US, CHROME_WINDOWS));
    await storedRows('attr-bad-marker', 1);
    for (const site of ['attr-bad', 'attr-bad-rest', 'attr-bad-pixel']) expect(rows(site), site).toEqual([]);
  });
});
