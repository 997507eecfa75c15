// The pulse.js tracker in a real browser (Debian's Chromium through playwright-core), embedded by a
// page on another origin with the one-line snippet of docs/tracker.md: what it sends, by which
// transport, and what it leaves alone (cookies, storage, opted-out visitors, localhost).
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_UA, launchChromium } from '../helpers/browser.js';
import { type SiteStatsData, siteStats, storedEvents } from '../helpers/e2e.js';
import { tmpDir } from '../helpers/global-setup.js';
import { serverForFile } from '../helpers/server.js';

const QUEUE_SNIPPET =
  '<script>window.pulse=window.pulse||function(){(window.pulse.q=window.pulse.q||[]).push(arguments)}</script>';

const file = serverForFile({ PULSE_FLUSH_INTERVAL_MS: '50' });

declare global {
  interface Window {
    pulse?: (eventType: string, options?: { path?: string }) => void;
  }
}

let browser: Browser;
/** The other origin: serves registered pages (`?t=<name>`) at any path, and a copy of pulse.js. */
let pages: Server;
let pagesUrl: string;
/** the same pages on the IPv6 loopback address */
let pagesV6: Server;
let pagesV6Url: string;
const pageHtml = new Map<string, string>();
/** Paths the page origin was asked for (to see that no event went there). */
const pagesRequested: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  const servePage = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://pages');
    pagesRequested.push(url.pathname);
    if (url.pathname === '/copy-of-pulse.js') {
      void fetch(`${file.server.baseUrl}/pulse.js`)
        .then((r) => r.text())
        .then((code) => {
          res.writeHead(200, { 'content-type': 'text/javascript' });
          res.end(code);
        });
      return;
    }
    const html = pageHtml.get(url.searchParams.get('t') ?? '');
    res.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'no such page');
  };
  pages = createServer(servePage);
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pagesUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  pagesV6 = createServer(servePage);
  await new Promise<void>((resolve) => pagesV6.listen(0, '::1', resolve));
  pagesV6Url = `http://[::1]:${(pagesV6.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => pages?.close(resolve));
  await new Promise((resolve) => pagesV6?.close(resolve));
});

/** The one-line snippet with the given data-* attributes (true: present without a value). */
function snippet(attrs: Record<string, string | true>, src = `${file.server.baseUrl}/pulse.js`): string {
  const data = Object.entries(attrs)
    .map(([name, value]) => (value === true ? ` data-${name}` : ` data-${name}="${value}"`))
    .join('');
  return `<script defer${data} src="${src}"></script>`;
}

interface Sent {
  method: string;
  path: string;
  resourceType: string;
  contentType: string | undefined;
}

interface Visit {
  context: BrowserContext;
  page: Page;
  /** requests the page made to Pulse, other than loading pulse.js */
  sent: Sent[];
  /** uncaught errors and console errors of the page */
  errors: string[];
}

function pageDocument(name: string, body: string): string {
  // (an empty icon: the browser asks the page origin for nothing but the page)
  return `<!doctype html><html><head><title>${name}</title><link rel="icon" href="data:,">${body}</head><body>${name}</body></html>`;
}

interface VisitOptions {
  /** runs in the page before its own scripts */
  initScript?: () => void;
  /** the page origin (default pagesUrl, on 127.0.0.1) */
  origin?: string;
  /** more query parameters of the page URL, e.g. "utm_source=x" */
  query?: string;
  /** the page the visitor came from (document.referrer) */
  referer?: string;
}

/**
 * Opens `path` of the page origin showing `body` in a fresh browser context (no cookies, no
 * storage) and returns once the page has loaded (a deferred script has run by then).
 */
async function visit(
  name: string,
  body: string,
  path = '/',
  { initScript, origin = pagesUrl, query, referer }: VisitOptions = {},
): Promise<Visit> {
  pageHtml.set(name, pageDocument(name, body));
  const context = await browser.newContext({ userAgent: DESKTOP_UA });
  const page = await context.newPage();
  if (initScript) await page.addInitScript(initScript);
  const sent: Sent[] = [];
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin !== file.server.baseUrl || url.pathname === '/pulse.js') return;
    sent.push({
      method: request.method(),
      path: url.pathname,
      resourceType: request.resourceType(),
      contentType: request.headers()['content-type'],
    });
  });
  const [pathname, hash = ''] = path.split('#');
  await page.goto(`${origin}${pathname}?t=${name}${query ? `&${query}` : ''}${hash ? `#${hash}` : ''}`, { referer });
  return { context, page, sent, errors };
}

/** Closes the visit's browser context; the tracker must not have caused a single page error. */
async function leave(v: Visit): Promise<void> {
  expect(v.errors).toEqual([]);
  await v.context.close();
}

/** Waits until the site has `events` events stored, then gives its stats. */
async function statsOnceStored(siteId: string, events: number): Promise<SiteStatsData> {
  await expect
    .poll(async () => (await siteStats(file.server.graphqlUrl, siteId)).totalEvents, { timeout: 15_000 })
    .toBe(events);
  return siteStats(file.server.graphqlUrl, siteId);
}

function storedTypesAndPaths(siteId: string): string[] {
  return storedEvents(file.dbPath, siteId)
    .map((e) => `${e.event_type} ${e.path}`)
    .sort();
}

/**
 * Checks that a page sent nothing: the browser made no request to Pulse, and once a later control
 * event from the same page is stored, the site still has no events.
 */
let controls = 0;
async function expectNothingSent(v: Visit, siteId: string): Promise<void> {
  // The tracker did load (these pages have no queue snippet: window.pulse is the tracker's own).
  expect(await v.page.evaluate(() => typeof window.pulse)).toBe('function');
  const control = `control-${++controls}`;
  await v.page.evaluate(
    ([url, site]) =>
      fetch(url, {
        method: 'POST',
        body: JSON.stringify({
          site_id: site,
          event_type: 'page_view',
          path: '/',
          timestamp: new Date().toISOString(),
        }),
        headers: { 'content-type': 'text/plain' },
      }).then((r) => r.status),
    [`${file.server.baseUrl}/event`, control] as const,
  );
  await statsOnceStored(control, 1);
  expect((await siteStats(file.server.graphqlUrl, siteId)).totalEvents).toBe(0);
  expect(v.sent.filter((s) => !(s.method === 'POST' && s.resourceType === 'fetch'))).toEqual([]);
  expect(v.sent).toHaveLength(1); // the control event only
}

describe('pulse.js on a page of another origin', () => {
  it('records page views on load and SPA navigation, custom and queued events, by sendBeacon', async () => {
    const site = 'tracker-basic';
    const v = await visit(
      'basic',
      `${QUEUE_SNIPPET}<script>pulse('signup', { path: '/queued' })</script>${snippet({ site, 'include-localhost': true })}`,
      '/start',
    );
    await v.page.evaluate(async () => {
      const popped = () => new Promise((resolve) => addEventListener('popstate', resolve, { once: true }));
      history.pushState({}, '', '/second'); // a new path: a view
      history.replaceState({ n: 1 }, '', '/second'); // the same path: none
      history.pushState({}, '', '/second?tab=2'); // a query string is not part of the path: none
      history.pushState({}, '', '/third'); // a view
      location.hash = 'section'; // without data-hash a hash change is not a new path: none
      window.pulse?.('download'); // a custom event on the current path
      window.pulse?.('click', { path: '/custom' });
      let back = popped();
      history.back(); // popstate to /third: the same path, none
      await back;
      back = popped();
      history.back(); // popstate to /second?tab=2: a view
      await back;
      history.replaceState({}, '', '/fourth'); // a new path by replaceState: a view
    });
    const stats = await statsOnceStored(site, 8);
    expect(stats).toMatchObject({ totalViews: 5, totalEvents: 8, uniqueUsers: 1 });
    expect(stats.topPaths).toEqual([
      { path: '/second', views: 2 },
      { path: '/fourth', views: 1 },
      { path: '/start', views: 1 },
      { path: '/third', views: 1 },
    ]);
    expect(storedTypesAndPaths(site)).toEqual(
      [
        'page_view /start',
        'page_view /second',
        'page_view /third',
        'page_view /second',
        'page_view /fourth',
        'signup /queued',
        'download /third',
        'click /custom',
      ].sort(),
    );
    // Every event went by sendBeacon (a "ping" to the browser) to the script's origin, as text/plain.
    expect(v.sent).toHaveLength(8);
    for (const s of v.sent) {
      expect(s).toMatchObject({ method: 'POST', path: '/event', resourceType: 'ping' });
      expect(s.contentType).toMatch(/^text\/plain/);
    }
    // Nothing kept in the browser: no cookie on either origin, empty storage.
    expect(await v.context.cookies()).toEqual([]);
    expect(await v.page.evaluate(() => [document.cookie, localStorage.length, sessionStorage.length] as const)).toEqual(
      ['', 0, 0],
    );
    expect(pagesRequested.filter((p) => p === '/event' || p === '/pixel.gif')).toEqual([]);
    await leave(v);
  }, 60_000);

  it('falls back to fetch with keepalive without sendBeacon', async () => {
    const site = 'tracker-fetch';
    const v = await visit('fetch', snippet({ site, 'include-localhost': true }), '/f', {
      initScript: () => {
        // biome-ignore lint/suspicious/noExplicitAny: removing a built-in the DOM types declare
        delete (Navigator.prototype as any).sendBeacon;
      },
    });
    await v.page.evaluate(() => {
      history.pushState({}, '', '/g');
      window.pulse?.('signup');
    });
    const stats = await statsOnceStored(site, 3);
    expect(stats).toMatchObject({ totalViews: 2, uniqueUsers: 1 });
    expect(storedTypesAndPaths(site)).toEqual(['page_view /f', 'page_view /g', 'signup /g']);
    expect(v.sent).toHaveLength(3);
    for (const s of v.sent) {
      expect(s).toMatchObject({ method: 'POST', path: '/event', resourceType: 'fetch' });
      expect(s.contentType).toMatch(/^text\/plain/);
    }
    expect(await v.context.cookies()).toEqual([]);
    await leave(v);
  }, 60_000);

  it('falls back to the pixel without sendBeacon and fetch', async () => {
    const site = 'tracker-pixel';
    const v = await visit('pixel', snippet({ site, 'include-localhost': true }), '/p', {
      initScript: () => {
        // biome-ignore lint/suspicious/noExplicitAny: removing built-ins the DOM types declare
        delete (Navigator.prototype as any).sendBeacon;
        // biome-ignore lint/suspicious/noExplicitAny: as above
        (window as any).fetch = undefined;
      },
    });
    await v.page.evaluate(() => {
      history.pushState({}, '', '/q');
      window.pulse?.('signup', { path: '/form' });
    });
    const stats = await statsOnceStored(site, 3);
    expect(stats).toMatchObject({ totalViews: 2, uniqueUsers: 1 });
    expect(storedTypesAndPaths(site)).toEqual(['page_view /p', 'page_view /q', 'signup /form']);
    expect(v.sent).toHaveLength(3);
    for (const s of v.sent) expect(s).toMatchObject({ method: 'GET', path: '/pixel.gif', resourceType: 'image' });
    expect(await v.context.cookies()).toEqual([]);
    await leave(v);
  }, 60_000);

  it.each([
    ['sendBeacon', undefined],
    [
      'the pixel',
      () => {
        // biome-ignore lint/suspicious/noExplicitAny: removing built-ins the DOM types declare
        delete (Navigator.prototype as any).sendBeacon;
        // biome-ignore lint/suspicious/noExplicitAny: as above
        (window as any).fetch = undefined;
      },
    ],
  ])(
    "sends the referrer and the page's UTM parameters (by %s); the server keeps the host only",
    async (how, initScript) => {
      const site = `tracker-attrs-${how === 'sendBeacon' ? 'beacon' : 'pixel'}`;
      const v = await visit(site, snippet({ site, 'include-localhost': true }), '/landing', {
        initScript,
        query: 'utm_source=newsletter&utm_medium=email&utm_campaign=spring&other=1',
        referer: 'https://www.search.example/results?q=secret+words',
      });
      await statsOnceStored(site, 1);
      const db = new Database(file.dbPath, { readonly: true });
      const rows = db
        .prepare(
          'SELECT source, utm_source, utm_medium, utm_campaign, browser, os, device FROM events WHERE site_id = ?',
        )
        .all(site);
      db.close();
      expect(rows).toEqual([
        {
          source: 'search.example',
          utm_source: 'newsletter',
          utm_medium: 'email',
          utm_campaign: 'spring',
          browser: 'Chrome',
          os: 'Linux',
          device: 'desktop',
        },
      ]);
      await leave(v);
    },
    60_000,
  );

  it('counts hash changes as navigation with data-hash', async () => {
    const site = 'tracker-hash';
    const v = await visit('hash', snippet({ site, 'include-localhost': true, hash: true }), '/h#one');
    await v.page.evaluate(() => {
      location.hash = 'two'; // a view of /h#two
      history.pushState({}, '', '/h#two'); // the same path: none
      history.pushState({}, '', '/k'); // a view of /k
    });
    const stats = await statsOnceStored(site, 3);
    expect(stats.topPaths).toEqual([
      { path: '/h#one', views: 1 },
      { path: '/h#two', views: 1 },
      { path: '/k', views: 1 },
    ]);
    await leave(v);
  }, 60_000);

  it('sends to the data-api base when the script is served from elsewhere', async () => {
    const site = 'tracker-api';
    // The script comes from the page's own origin; its events must go to Pulse, named by data-api.
    const html = snippet(
      { site, 'include-localhost': true, api: `${file.server.baseUrl}/` },
      `${pagesUrl}/copy-of-pulse.js`,
    );
    const before = pagesRequested.length;
    const v = await visit('api', html, '/from-elsewhere');
    const stats = await statsOnceStored(site, 1);
    expect(stats.topPaths).toEqual([{ path: '/from-elsewhere', views: 1 }]);
    expect(v.sent).toEqual([{ method: 'POST', path: '/event', resourceType: 'ping', contentType: expect.any(String) }]);
    expect(pagesRequested.slice(before)).toEqual(['/from-elsewhere', '/copy-of-pulse.js']);
    await leave(v);
  }, 60_000);
});

describe('pulse.js sends nothing', () => {
  it('with data-respect-dnt when Do-Not-Track is on', async () => {
    const site = 'tracker-dnt';
    const v = await visit('dnt', snippet({ site, 'include-localhost': true, 'respect-dnt': true }), '/', {
      initScript: () => {
        Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1', configurable: true });
      },
    });
    await v.page.evaluate(() => {
      history.pushState({}, '', '/elsewhere');
      window.pulse?.('signup');
    });
    await expectNothingSent(v, site);
    await leave(v);
  }, 60_000);

  it('with data-respect-dnt when Global Privacy Control is on', async () => {
    const site = 'tracker-gpc';
    const v = await visit('gpc', snippet({ site, 'include-localhost': true, 'respect-dnt': true }), '/', {
      initScript: () => {
        Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });
      },
    });
    await v.page.evaluate(() => window.pulse?.('signup'));
    await expectNothingSent(v, site);
    await leave(v);
  }, 60_000);

  it('but Do-Not-Track alone (no data-respect-dnt) does not stop it', async () => {
    const site = 'tracker-dnt-not-asked';
    const v = await visit('dnt-not-asked', snippet({ site, 'include-localhost': true }), '/', {
      initScript: () => {
        Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1', configurable: true });
      },
    });
    expect((await statsOnceStored(site, 1)).totalViews).toBe(1);
    await leave(v);
  }, 60_000);

  it('when localStorage.pulse_ignore is "true"', async () => {
    const site = 'tracker-ignored';
    const v = await visit('ignored', snippet({ site, 'include-localhost': true }), '/', {
      initScript: () => localStorage.setItem('pulse_ignore', 'true'),
    });
    await v.page.evaluate(() => {
      history.pushState({}, '', '/elsewhere');
      window.pulse?.('signup');
    });
    await expectNothingSent(v, site);
    await leave(v);
  }, 60_000);

  it('on a localhost page without data-include-localhost', async () => {
    const site = 'tracker-localhost';
    const hosts: [host: string, origin: string][] = [
      ['127.0.0.1', pagesUrl],
      ['localhost', pagesUrl.replace('127.0.0.1', 'localhost')],
      ['[::1]', pagesV6Url],
    ];
    for (const [host, origin] of hosts) {
      const v = await visit(`local-${host}`, snippet({ site }), '/', { origin });
      expect(await v.page.evaluate(() => location.hostname)).toBe(host);
      await v.page.evaluate(() => {
        history.pushState({}, '', '/elsewhere');
        window.pulse?.('signup');
      });
      await expectNothingSent(v, site);
      await leave(v);
    }
  }, 60_000);

  it('on a file: page without data-include-localhost', async () => {
    const site = 'tracker-file';
    writeFileSync(`${tmpDir()}/tracker-file-page.html`, pageDocument('file', snippet({ site })));
    const v = await visit('file', '', '/tracker-file-page.html', { origin: `file://${tmpDir()}` });
    expect(await v.page.evaluate(() => location.protocol)).toBe('file:');
    await v.page.evaluate(() => window.pulse?.('signup'));
    await expectNothingSent(v, site);
    await leave(v);
  }, 60_000);
});
