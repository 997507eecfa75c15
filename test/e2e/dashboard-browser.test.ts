// The dashboard (GET /) in real Chromium against the built server: its headline numbers are
// siteStats', it follows liveStats, keeps the URL in step, shows hostile values as text, asks for
// a key when keys are set, loads nothing from elsewhere, and breaks no CSP rule.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_UA, launchChromium } from '../helpers/browser.js';
import { freshDatabase } from '../helpers/db.js';
import { gql, RECORD_EVENT, RECORD_EVENTS, todayUtc, waitUntil } from '../helpers/e2e.js';
import { ROOT, serverForFile, startServer } from '../helpers/server.js';

const require = createRequire(import.meta.url);
const file = serverForFile();
const SITE = 'dash.example';
const HOSTILE = '/<img src=x onerror="window.pwned=1">';
const SCREENSHOTS = join(ROOT, 'test', '.tmp', 'screenshots');
const DAY_MS = 86_400_000;

const STATS = `query ($siteId: String!, $date: Date, $from: Date, $to: Date) {
  siteStats(siteId: $siteId, date: $date, from: $from, to: $to) { totalViews uniqueUsers totalEvents }
}`;

type Metrics = { views: number; uniqueUsers: number; events: number };

async function expected(
  scope: { date?: string; from?: string; to?: string },
  headers: Record<string, string> = {},
  graphqlUrl = file.server.graphqlUrl,
): Promise<Metrics> {
  const res = await gql<{ siteStats: { totalViews: number; uniqueUsers: number; totalEvents: number } }>(
    graphqlUrl,
    STATS,
    { siteId: SITE, ...scope },
    headers,
  );
  const s = res.body.data?.siteStats;
  if (!s) throw new Error(`siteStats failed: ${JSON.stringify(res.body)}`);
  return { views: s.totalViews, uniqueUsers: s.uniqueUsers, events: s.totalEvents };
}

/** The headline numbers as the page holds them (data-value), or null before they are loaded. */
const shown = (page: Page) =>
  page.evaluate(() => {
    const value = (m: string) => document.querySelector<HTMLElement>(`[data-metric="${m}"]`);
    const views = value('views');
    if (!views || views.textContent === '–') return null;
    return {
      views: Number(views.dataset.value),
      uniqueUsers: Number(value('uniqueUsers')?.dataset.value),
      events: Number(value('events')?.dataset.value),
    };
  });

const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
const at = (offset: number, hh: string) => `${day(offset)}T${hh}:00:00Z`;

/** Events today, 3 and 20 days ago and a year ago, so every period has different numbers. */
function events(siteId: string) {
  const out: Record<string, unknown>[] = [];
  const now = new Date(Date.now() - 60_000).toISOString();
  for (let i = 0; i < 12; i++) {
    out.push({
      siteId,
      eventType: i % 4 === 3 ? 'signup' : 'page_view',
      path: `/p${i % 3}`,
      userId: `u${i % 5}`,
      timestamp: now,
    });
  }
  out.push({ siteId, eventType: 'page_view', path: HOSTILE, userId: 'u-x', timestamp: now });
  for (const [offset, n] of [
    [-3, 7],
    [-20, 5],
    [-400, 2],
  ] as const) {
    for (let i = 0; i < n; i++) {
      out.push({
        siteId,
        eventType: 'page_view',
        path: '/old',
        userId: `o${offset}-${i % 2}`,
        timestamp: at(offset, '10'),
      });
    }
  }
  return out;
}

async function record(graphqlUrl: string, siteId: string): Promise<void> {
  const inputs = events(siteId);
  const res = await gql(graphqlUrl, RECORD_EVENTS, { inputs });
  expect(res.body).toEqual({ data: { recordEvents: { accepted: inputs.length } } });
}

interface Watched {
  context: BrowserContext;
  page: Page;
  /** requests to anything but the server's origin */
  external: string[];
  /** console errors and CSP violation reports */
  problems: string[];
  /** WebSockets of the page that have closed */
  closedSockets: () => number;
}

let browser: Browser;

async function open(
  url: string,
  opts: { width?: number; colorScheme?: 'light' | 'dark'; bypassCSP?: boolean } = {},
): Promise<Watched> {
  const context = await browser.newContext({
    userAgent: DESKTOP_UA,
    viewport: { width: opts.width ?? 1280, height: 900 },
    colorScheme: opts.colorScheme ?? 'light',
    // The page shows the browser's time zone; these tests count UTC days.
    timezoneId: 'UTC',
    bypassCSP: opts.bypassCSP ?? false,
  });
  const page = await context.newPage();
  const external: string[] = [];
  const problems: string[] = [];
  const origin = new URL(url).origin;
  page.on('request', (request) => {
    const u = new URL(request.url());
    const same = u.origin === origin || (u.protocol === 'ws:' && u.host === new URL(origin).host);
    if (!same && u.protocol !== 'data:') external.push(request.url());
  });
  let closed = 0;
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).host !== new URL(origin).host) external.push(ws.url());
    ws.on('close', () => closed++);
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content.Security.Policy/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(url);
  return { context, page, external, problems, closedSockets: () => closed };
}

beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
  await record(file.server.graphqlUrl, SITE);
  await waitUntil(
    () => expected({}),
    (m) => m.events === events(SITE).length,
  );
});

afterAll(async () => {
  await browser?.close();
});

describe('dashboard', () => {
  it('shows siteStats for today under its CSP, loading nothing from elsewhere, at 1280 and 360 px', async () => {
    const url = `${file.server.baseUrl}/?site=${SITE}&period=today`;
    const w = await open(url);
    try {
      const response = await w.page.request.get(url);
      const csp = response.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:\d+/);
      expect(csp).toContain("frame-ancestors 'none'");

      const want = await expected({ date: todayUtc() });
      expect(want.events).toBe(13);
      await expect.poll(() => shown(w.page), { timeout: 15_000 }).toEqual(want);
      // The visible text is the same number, formatted.
      expect(await w.page.locator('[data-metric="events"]').textContent()).toBe('13');
      await expect.poll(() => w.page.locator('#live').textContent(), { timeout: 15_000 }).toContain('Live');
      await w.page.screenshot({ path: join(SCREENSHOTS, 'dashboard-1280.png'), fullPage: true });

      await w.page.setViewportSize({ width: 360, height: 800 });
      await expect.poll(() => w.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await w.page.screenshot({ path: join(SCREENSHOTS, 'dashboard-360.png'), fullPage: true });

      expect(w.external).toEqual([]);
      expect(w.problems).toEqual([]);
    } finally {
      await w.context.close();
    }
  }, 60_000);

  it('shows a hostile path as text in the top paths, running none of it', async () => {
    const w = await open(`${file.server.baseUrl}/?site=${SITE}&period=today`);
    try {
      const paths = w.page.locator('#paths td.label');
      await expect.poll(() => paths.allTextContents(), { timeout: 15_000 }).toContain(HOSTILE);
      expect(await w.page.locator('#paths img').count()).toBe(0);
      expect(await w.page.evaluate(() => (window as { pwned?: unknown }).pwned)).toBeUndefined();
      expect(w.problems).toEqual([]);
    } finally {
      await w.context.close();
    }
  }, 60_000);

  it('updates the numbers in place when an event is recorded while it is open (today, then 7 days)', async () => {
    const w = await open(`${file.server.baseUrl}/?site=${SITE}&period=today`);
    try {
      await expect.poll(() => shown(w.page), { timeout: 15_000 }).not.toBeNull();
      const start = (await shown(w.page)) as Metrics;
      await expect.poll(() => w.page.locator('#live').textContent(), { timeout: 15_000 }).toContain('Live');
      await w.page.evaluate(() => {
        (window as { marker?: number }).marker = 1;
      });
      const res = await gql(file.server.graphqlUrl, RECORD_EVENT, {
        input: {
          siteId: SITE,
          eventType: 'page_view',
          path: '/live',
          userId: 'live-user',
          timestamp: new Date().toISOString(),
        },
      });
      expect(res.body).toEqual({ data: { recordEvent: { accepted: true } } });
      await expect
        .poll(() => shown(w.page), { timeout: 15_000 })
        .toEqual({ views: start.views + 1, uniqueUsers: start.uniqueUsers + 1, events: start.events + 1 });
      expect(await w.page.locator('#paths td.label').allTextContents()).toContain('/live');
      // Same document: no reload happened.
      expect(await w.page.evaluate(() => (window as { marker?: number }).marker)).toBe(1);

      // A range that includes today follows too (it reads the range again on each push).
      await w.page.getByLabel('Period').selectOption('7d');
      const week = await expected({ from: day(-6), to: todayUtc() });
      await expect.poll(() => shown(w.page), { timeout: 15_000 }).toEqual(week);
      const again = await gql(file.server.graphqlUrl, RECORD_EVENT, {
        input: { siteId: SITE, eventType: 'click', path: '/live', timestamp: new Date().toISOString() },
      });
      expect(again.body).toEqual({ data: { recordEvent: { accepted: true } } });
      await expect
        .poll(() => shown(w.page), { timeout: 15_000 })
        .toEqual({ views: week.views, uniqueUsers: week.uniqueUsers, events: week.events + 1 });
      expect(await w.page.evaluate(() => (window as { marker?: number }).marker)).toBe(1);
      expect(w.problems).toEqual([]);
    } finally {
      await w.context.close();
    }
  }, 60_000);

  it('switching the period updates the URL and the numbers; the URL opens the same view', async () => {
    const w = await open(`${file.server.baseUrl}/?site=${SITE}&period=today`);
    try {
      const { page } = w;
      await expect.poll(() => shown(page), { timeout: 15_000 }).toEqual(await expected({ date: todayUtc() }));

      await page.getByLabel('Period').selectOption('7d');
      await expect.poll(() => new URL(page.url()).search).toBe(`?site=${SITE}&period=7d`);
      const week = await expected({ from: day(-6), to: todayUtc() });
      await expect.poll(() => shown(page), { timeout: 15_000 }).toEqual(week);

      await page.getByLabel('Period').selectOption('30d');
      await expect.poll(() => new URL(page.url()).search).toBe(`?site=${SITE}&period=30d`);
      await expect
        .poll(() => shown(page), { timeout: 15_000 })
        .toEqual(await expected({ from: day(-29), to: todayUtc() }));

      await page.getByLabel('Period').selectOption('all');
      await expect.poll(() => new URL(page.url()).search).toBe(`?site=${SITE}&period=all`);
      const all = await expected({});
      await expect.poll(() => shown(page), { timeout: 15_000 }).toEqual(all);

      // A custom range, by keyboard-reachable controls: the day 20 days ago only.
      await page.getByLabel('Period').selectOption('custom');
      await page.getByLabel('From', { exact: true }).fill(day(-20));
      await page.getByLabel('To', { exact: true }).fill(day(-20));
      await page.getByRole('button', { name: 'Show' }).click();
      await expect.poll(() => new URL(page.url()).search).toBe(`?site=${SITE}&from=${day(-20)}&to=${day(-20)}`);
      const old = await expected({ date: day(-20) });
      expect(old.events).toBe(5);
      await expect.poll(() => shown(page), { timeout: 15_000 }).toEqual(old);
      // A past day is not followed: once the idle socket has closed, the page claims no live state.
      await expect.poll(() => w.closedSockets(), { timeout: 15_000 }).toBeGreaterThan(0);
      expect(await page.locator('#live').textContent()).toBe('');

      // Back goes to the previous view, and the numbers follow.
      await page.goBack();
      await expect.poll(() => new URL(page.url()).search).toBe(`?site=${SITE}&period=all`);
      await expect.poll(() => shown(page), { timeout: 15_000 }).toEqual(all);

      // A bookmarked range opens directly.
      await page.goto(`${file.server.baseUrl}/?site=${SITE}&from=${day(-6)}&to=${todayUtc()}`);
      await expect.poll(() => shown(page), { timeout: 15_000 }).toEqual(week);
      await expect.poll(() => page.getByLabel('Period').inputValue()).toBe('custom');
      expect(w.problems).toEqual([]);
      expect(w.external).toEqual([]);
    } finally {
      await w.context.close();
    }
  }, 90_000);

  it('is usable by keyboard: Tab reaches the labelled controls, each with a visible focus ring', async () => {
    const w = await open(`${file.server.baseUrl}/?site=${SITE}&period=today`);
    try {
      const { page } = w;
      await expect.poll(() => shown(page), { timeout: 15_000 }).not.toBeNull();
      // The controls appear with the list of sites, which may come after the numbers.
      await expect.poll(() => page.getByLabel('Site').isVisible(), { timeout: 15_000 }).toBe(true);
      const focused = () =>
        page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          const style = el ? getComputedStyle(el) : null;
          return {
            label: el?.closest('label')?.firstChild?.textContent?.trim() ?? el?.tagName ?? '',
            outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '',
          };
        });
      const reached: { label: string; outline: string }[] = [];
      for (let i = 0; i < 2; i++) {
        await page.keyboard.press('Tab');
        reached.push(await focused());
      }
      expect(reached.map((r) => r.label)).toEqual(['Site', 'Period']);
      for (const r of reached) expect(r.outline).toBe('solid 3px');
      expect(w.problems).toEqual([]);
    } finally {
      await w.context.close();
    }
  }, 60_000);

  it('has no serious or critical axe violations, in light and in dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      // axe is injected as a script, which the page's CSP (rightly) blocks: bypass it for this check.
      const w = await open(`${file.server.baseUrl}/?site=${SITE}&period=7d`, { colorScheme, bypassCSP: true });
      try {
        await expect.poll(() => shown(w.page), { timeout: 15_000 }).not.toBeNull();
        // the whole page: controls, numbers, chart and its legend, tables
        await expect.poll(() => w.page.getByLabel('Site').isVisible(), { timeout: 15_000 }).toBe(true);
        await w.page.locator('.u-legend').waitFor();
        await w.page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
        const violations = await w.page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } }).axe;
          const result = await axe.run();
          return (result.violations as { id: string; impact: string; nodes: { html: string }[] }[]).map((v) => ({
            id: v.id,
            impact: v.impact,
            nodes: v.nodes.map((n) => n.html).slice(0, 3),
          }));
        });
        const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(bad, `${colorScheme}: ${JSON.stringify(bad, null, 1)}`).toEqual([]);
      } finally {
        await w.context.close();
      }
    }
  }, 90_000);

  it('serves its assets with ETags (304 when unchanged)', async () => {
    const page = await fetch(`${file.server.baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/dashboard\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.sort()).toEqual(['/dashboard/app.css', '/dashboard/app.js']);
    for (const path of ['/', ...assets]) {
      const first = await fetch(`${file.server.baseUrl}${path}`);
      const etag = first.headers.get('etag');
      expect(etag, path).toMatch(/^"[\w-]+"$/);
      const again = await fetch(`${file.server.baseUrl}${path}`, { headers: { 'if-none-match': etag as string } });
      expect(again.status, path).toBe(304);
    }
  });
});

describe('dashboard with PULSE_API_KEYS', () => {
  it('asks for a key, says when it is wrong, and shows the numbers with the right one', async () => {
    const server = await startServer({ DATABASE_URL: freshDatabase().url, PULSE_API_KEYS: 'right-key,other' });
    await record(server.graphqlUrl, SITE);
    const auth = { authorization: 'Bearer right-key' };
    await waitUntil(
      () => expected({}, auth, server.graphqlUrl),
      (m) => m.events === events(SITE).length,
    );
    const w = await open(`${server.baseUrl}/?site=${SITE}&period=today`);
    try {
      const { page } = w;
      const key = page.getByLabel('API key', { exact: true });
      await expect.poll(() => key.isVisible(), { timeout: 15_000 }).toBe(true);
      await key.fill('wrong-key');
      await key.press('Enter');
      await expect
        .poll(() => page.locator('#auth-message').textContent(), { timeout: 15_000 })
        .toContain('not accepted');
      expect(await key.isVisible()).toBe(true);
      expect(await shown(page)).toBeNull();

      await key.fill('right-key');
      await page.getByRole('button', { name: 'Open dashboard' }).click();
      const want = await expected({ date: todayUtc() }, auth, server.graphqlUrl);
      await expect.poll(() => shown(page), { timeout: 15_000 }).toEqual(want);
      await expect.poll(() => page.locator('#live').textContent(), { timeout: 15_000 }).toContain('Live');
      expect(page.url()).not.toContain('key');
      expect(await page.evaluate(() => sessionStorage.getItem('pulse.apiKey'))).toBe('right-key');
      expect(server.output()).not.toContain('right-key');
      // The failed attempt's 401 is the only console error: the page itself breaks no rule.
      expect(w.problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
      expect(w.external).toEqual([]);
    } finally {
      await w.context.close();
      await server.stop();
    }
  }, 60_000);
});

describe('dashboard on a database with no events', () => {
  it('says there is nothing yet, and a site in the URL still opens with zeros', async () => {
    const server = await startServer({ DATABASE_URL: freshDatabase().url });
    const w = await open(`${server.baseUrl}/`);
    try {
      await expect
        .poll(() => w.page.locator('#message').textContent(), { timeout: 15_000 })
        .toContain('No events stored yet');
      expect(await w.page.locator('#controls').isVisible()).toBe(false);
      await w.page.goto(`${server.baseUrl}/?site=brand-new&period=7d`);
      await expect.poll(() => shown(w.page), { timeout: 15_000 }).toEqual({ views: 0, uniqueUsers: 0, events: 0 });
      await expect.poll(() => w.page.getByLabel('Site').inputValue(), { timeout: 15_000 }).toBe('brand-new');
      expect(await w.page.locator('#paths').textContent()).toContain('No page views in this period.');
      expect(w.problems).toEqual([]);
    } finally {
      await w.context.close();
      await server.stop();
    }
  }, 60_000);
});

describe('PULSE_DASHBOARD=false', () => {
  it('turns the dashboard off: / and its assets are 404', async () => {
    const server = await startServer({ DATABASE_URL: freshDatabase().url, PULSE_DASHBOARD: 'false' });
    try {
      for (const path of ['/', '/dashboard/app.js']) {
        expect((await fetch(`${server.baseUrl}${path}`)).status, path).toBe(404);
      }
    } finally {
      await server.stop();
    }
  });
});
