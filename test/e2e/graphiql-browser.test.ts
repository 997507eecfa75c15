// GraphiQL in a real browser (Debian's Chromium, driven by playwright-core): the page served
// offline loads, takes a query, runs it against the server and shows the answer.
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { serverForFile } from '../helpers/server.js';

const file = serverForFile();

describe('GraphiQL in Chromium', () => {
  it('runs a query and shows the result', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const external: string[] = [];
      page.on('request', (request) => {
        const url = request.url();
        // data: and blob: URLs are made in the page (the editor's web workers)
        if (!url.startsWith(file.server.baseUrl) && !/^(data|blob):/.test(url)) external.push(url);
      });
      const query = '{ siteStats(siteId: "graphiql-site") { siteId totalEvents } }';
      await page.goto(`${file.server.graphqlUrl}?query=${encodeURIComponent(query)}`);
      await page.locator('.graphiql-execute-button').click();
      // The result editor renders spaces as no-break spaces: compare with whitespace collapsed.
      const result = async () => (await page.locator('.result-window').innerText()).replace(/\s+/g, ' ');
      await expect.poll(result, { timeout: 15_000 }).toContain('"siteId": "graphiql-site"');
      expect(await result()).toContain('"totalEvents": 0');
      // Everything the page needs is served by Pulse: it works with no internet.
      expect(external).toEqual([]);

      // Opened without a query (in a fresh context: GraphiQL remembers the last one), it shows
      // the example operations, dated today, and runs them against the server.
      const fresh = await browser.newPage();
      await fresh.goto(file.server.graphqlUrl);
      // The editor draws only the lines in view: read the document GraphiQL keeps for its tab.
      const document = () =>
        fresh.evaluate(() => {
          const state = JSON.parse(localStorage.getItem('graphiql:tabState') ?? '{"tabs":[]}');
          return String(state.tabs[0]?.query ?? '').replace(/\s+/g, ' ');
        });
      await expect.poll(document, { timeout: 15_000 }).toContain('mutation RecordEvent');
      const today = new Date().toISOString().slice(0, 10);
      expect(await document()).toContain(`siteStats(siteId: "example.com", date: "${today}")`);
      expect(await document()).toContain('subscription LiveStats');
      expect(await document()).toContain('liveStats(siteId: "example.com")');
      await fresh.locator('.graphiql-execute-button').click();
      await fresh.getByRole('menuitem', { name: 'SiteStatsToday' }).click();
      const answer = async () => (await fresh.locator('.result-window').textContent())?.replace(/\s+/g, ' ') ?? '';
      await expect.poll(answer, { timeout: 15_000 }).toContain('"totalViews": 0');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
