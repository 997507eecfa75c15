// The dashboard's breakdown panels, click-to-filter and time zone in real Chromium against the
// built server: a site seeded with events that carry sources, campaigns, browsers, devices and
// countries; a click on a country filters every number on the page and the URL keeps it; the
// chip removes it; the browser's zone is the one asked for (docs/dashboard.md).
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '../../src/core/event.js';
import { openStorage } from '../../src/storage/open.js';
import { withIds } from '../helpers/backends.js';
import { DESKTOP_UA, launchChromium } from '../helpers/browser.js';
import { freshDatabase } from '../helpers/db.js';
import { gql, RECORD_EVENT } from '../helpers/e2e.js';
import { type RunningServer, startServer } from '../helpers/server.js';

const require = createRequire(import.meta.url);
const SITE = 'filters.example';
const ZONE = 'America/New_York';

/**
 * Page views a few minutes ago (today in every zone the test uses, unless it is just past a
 * midnight: the 7-day period covers that too): 5 from Germany (by a newsletter campaign), 3 from
 * France, 2 with no country; plus 2 clicks from Germany.
 */
function seed(): EventRecord[] {
  const now = Date.now() - 5 * 60_000;
  const view = (i: number, attrs: Partial<EventRecord>): EventRecord => ({
    siteId: SITE,
    eventType: 'page_view',
    path: `/p${i % 2}`,
    userId: `u${i}`,
    timestamp: now + i,
    source: null,
    utmSource: null,
    utmMedium: null,
    utmCampaign: null,
    browser: null,
    os: null,
    device: null,
    country: null,
    ...attrs,
  });
  const germany: Partial<EventRecord> = {
    country: 'DE',
    browser: 'Firefox',
    os: 'Linux',
    device: 'desktop',
    source: 'news.example',
    utmSource: 'newsletter',
    utmMedium: 'email',
    utmCampaign: 'spring',
  };
  const out: EventRecord[] = [];
  for (let i = 0; i < 5; i++) out.push(view(i, germany));
  for (let i = 5; i < 8; i++) out.push(view(i, { country: 'FR', browser: 'Safari', os: 'iOS', device: 'mobile' }));
  for (let i = 8; i < 10; i++) out.push(view(i, { browser: 'Chrome', os: 'Windows', device: 'desktop' }));
  for (let i = 10; i < 12; i++) out.push(view(i, { ...germany, eventType: 'click' }));
  return out;
}

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  const db = freshDatabase();
  const storage = await openStorage(db.url);
  try {
    await storage.writeBatch(withIds(seed(), 1));
  } finally {
    await storage.close();
  }
  server = await startServer({ DATABASE_URL: db.url });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface Opened {
  context: BrowserContext;
  page: Page;
  problems: string[];
  /** the variables of every siteStats query the page sent */
  queries: Record<string, unknown>[];
}

async function open(
  query: string,
  opts: { width?: number; colorScheme?: 'light' | 'dark'; bypassCSP?: boolean } = {},
): Promise<Opened> {
  const context = await browser.newContext({
    userAgent: DESKTOP_UA,
    viewport: { width: opts.width ?? 1280, height: 900 },
    colorScheme: opts.colorScheme ?? 'light',
    timezoneId: ZONE,
    bypassCSP: opts.bypassCSP ?? false,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const queries: Record<string, unknown>[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    const body = r.postData();
    if (r.url().endsWith('/graphql') && body?.includes('DashboardStats')) {
      queries.push((JSON.parse(body) as { variables: Record<string, unknown> }).variables);
    }
  });
  await page.goto(`${server.baseUrl}/${query}`);
  return { context, page, problems, queries };
}

const metric = (page: Page, name: string) =>
  page.evaluate((m) => {
    const el = document.querySelector<HTMLElement>(`[data-metric="${m}"]`);
    return el && el.textContent !== '–' ? Number(el.dataset.value) : null;
  }, name);
const labels = (page: Page, panel: string) => page.locator(`#${panel} td.label`).allTextContents();
const counts = (page: Page, panel: string) => page.locator(`#${panel} td.num`).allTextContents();

describe('dashboard breakdowns and filters', () => {
  it('lists countries by name, filters the whole page by a click, keeps it in the URL, and the chip removes it', async () => {
    const { context, page, problems, queries } = await open(`?site=${SITE}&period=7d`);
    try {
      await expect.poll(() => metric(page, 'views'), { timeout: 15_000 }).toBe(10);
      expect(await metric(page, 'events')).toBe(12);
      await expect
        .poll(() => labels(page, 'countries'), { timeout: 15_000 })
        .toEqual(['Germany (DE)', 'France (FR)', 'Unknown']);
      expect(await counts(page, 'countries')).toEqual(['5', '3', '2']);
      // (a tie in views: by value, none last)
      expect(await labels(page, 'sources')).toEqual(['news.example', 'Direct / none']);
      expect(await labels(page, 'browsers')).toEqual(['Firefox', 'Safari', 'Chrome']);
      expect(await labels(page, 'devices')).toEqual(['Desktop', 'Mobile']);
      expect(await counts(page, 'devices')).toEqual(['7', '3']);
      // The page asked in the browser's zone and says so.
      expect(queries.at(-1)).toMatchObject({ timeZone: ZONE });
      expect(await page.locator('#scope-title').textContent()).toContain(`(${ZONE})`);

      // The campaign switch shows the other UTM fields at once (they came in the same answer).
      expect(await labels(page, 'campaigns')).toEqual(['newsletter', '(none)']);
      await page.getByRole('button', { name: 'Campaign', exact: true }).click();
      expect(await labels(page, 'campaigns')).toEqual(['spring', '(none)']);
      expect(await page.getByRole('button', { name: 'Campaign', exact: true }).getAttribute('aria-pressed')).toBe(
        'true',
      );

      await page.locator('#countries').getByRole('button', { name: 'Germany (DE)' }).click();
      await expect.poll(() => metric(page, 'views'), { timeout: 15_000 }).toBe(5);
      expect(await metric(page, 'events')).toBe(7);
      expect(await metric(page, 'uniqueUsers')).toBe(7);
      expect(new URL(page.url()).searchParams.getAll('f')).toEqual(['country:DE']);
      expect(queries.at(-1)).toMatchObject({ filters: [{ dimension: 'COUNTRY', value: 'DE' }], timeZone: ZONE });
      // every panel honours the filter
      await expect.poll(() => labels(page, 'browsers')).toEqual(['Firefox']);
      expect(await counts(page, 'browsers')).toEqual(['5']);
      expect(await labels(page, 'countries')).toEqual(['Germany (DE)']);
      expect(await page.locator('#filters li').allTextContents()).toEqual(['Country: Germany (DE)×']);

      // A second filter on another dimension (a path row), then a reload: the same view.
      await page.locator('#paths').getByRole('button', { name: '/p0' }).click();
      await expect.poll(() => metric(page, 'views'), { timeout: 15_000 }).toBe(3);
      expect(new URL(page.url()).searchParams.getAll('f')).toEqual(['path:/p0', 'country:DE']);
      await page.reload();
      await expect.poll(() => metric(page, 'views'), { timeout: 15_000 }).toBe(3);
      expect(await page.locator('#filters li').count()).toBe(2);

      // Removing the chips returns to the totals.
      await page.getByRole('button', { name: 'Remove filter Path: /p0' }).click();
      await expect.poll(() => metric(page, 'views'), { timeout: 15_000 }).toBe(5);
      await page.getByRole('button', { name: 'Remove filter Country: Germany (DE)' }).click();
      await expect.poll(() => metric(page, 'views'), { timeout: 15_000 }).toBe(10);
      expect(new URL(page.url()).search).toBe(`?site=${SITE}&period=7d`);
      expect(await page.locator('#filters-bar').isVisible()).toBe(false);

      // Back brings the filter again.
      await page.goBack();
      await expect.poll(() => metric(page, 'views'), { timeout: 15_000 }).toBe(5);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('opens a link with a "none" filter and a tz of its own', async () => {
    const { context, page, problems, queries } = await open(`?site=${SITE}&period=7d&none=country&tz=Asia/Kathmandu`);
    try {
      await expect.poll(() => metric(page, 'views'), { timeout: 15_000 }).toBe(2);
      expect(queries.at(-1)).toMatchObject({
        timeZone: 'Asia/Kathmandu',
        filters: [{ dimension: 'COUNTRY', value: null }],
      });
      expect(await page.locator('#filters li').allTextContents()).toEqual(['Country: Unknown×']);
      expect(await labels(page, 'browsers')).toEqual(['Chrome']);
      // The "none" row of another dimension, by keyboard, adds that none; the focus stays on the page.
      await page.locator('#sources').getByRole('button', { name: 'Direct / none' }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => new URL(page.url()).searchParams.getAll('none')).toEqual(['source', 'country']);
      expect(await metric(page, 'views')).toBe(2);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('filters-title');
      // Removing a chip by keyboard moves the focus to the chip that takes its place.
      await page.getByRole('button', { name: 'Remove filter Source: Direct / none' }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => new URL(page.url()).searchParams.getAll('none')).toEqual(['country']);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
        'Remove filter Country: Unknown',
      );
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('follows liveStats under a filter: a new matching event shows without a reload', async () => {
    const { context, page, problems } = await open(`?site=${SITE}&period=today&none=country`);
    try {
      await expect.poll(() => metric(page, 'views'), { timeout: 15_000 }).not.toBeNull();
      await expect.poll(() => page.locator('#live').textContent(), { timeout: 15_000 }).toContain('Live');
      const before = (await metric(page, 'views')) as number;
      await page.evaluate(() => {
        (window as { marker?: number }).marker = 1;
      });
      // No country given, from a loopback address: it has none, so it matches the filter.
      const res = await gql(server.graphqlUrl, RECORD_EVENT, {
        input: { siteId: SITE, eventType: 'page_view', path: '/live', timestamp: new Date().toISOString() },
      });
      expect(res.body).toEqual({ data: { recordEvent: { accepted: true } } });
      await expect.poll(() => metric(page, 'views'), { timeout: 15_000 }).toBe(before + 1);
      expect(await labels(page, 'paths')).toContain('/live');
      expect(await page.evaluate(() => (window as { marker?: number }).marker)).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('fits 360 px and has no serious axe violations with filters shown, in light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { context, page } = await open(`?site=${SITE}&period=7d&f=country:DE&f=device:desktop`, {
        width: 360,
        colorScheme,
        bypassCSP: true,
      });
      try {
        await expect.poll(() => metric(page, 'views'), { timeout: 15_000 }).toBe(5);
        await expect.poll(() => page.getByLabel('Site').isVisible(), { timeout: 15_000 }).toBe(true);
        await page.locator('.u-legend').waitFor();
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
        await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
        const violations = await page.evaluate(async () => {
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
        await context.close();
      }
    }
  }, 90_000);
});
