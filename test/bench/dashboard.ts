// The dashboard's numbers (docs/dashboard.md): bytes of a first load (as sent, gzip, and the raw
// sizes), time from navigation to the headline numbers painted, per period, and time from a
// recordEvent to the number changing on an open page (period today). Built server, real Chromium.
// `tsx test/bench/dashboard.ts [--db path/to/pulse.db] [--events 1000000] [--site demo-1] [--runs 10] [--tries 20]`
// Without --db it seeds a temporary database with `npm run seed:demo` (5 sites, 30 days).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DESKTOP_UA, launchChromium } from '../helpers/browser.js';
import { buildServer, SERVER_ARGS } from '../helpers/build.js';
import { ROOT, startChild } from './processes.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    events: { type: 'string', default: '1000000' },
    site: { type: 'string', default: 'demo-1' },
    runs: { type: 'string', default: '10' },
    tries: { type: 'string', default: '20' },
  },
});
const RUNS = Number(values.runs);
const TRIES = Number(values.tries);
const SITE = values.site as string;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
};

buildServer();
let tmp: string | null = null;
let dbPath = values.db;
if (!dbPath) {
  tmp = mkdtempSync(join(tmpdir(), 'pulse-dashboard-bench-'));
  dbPath = join(tmp, 'pulse.db');
  execFileSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/seed-demo.ts', '--events', values.events as string, '--sites', '5', '--days', '30'],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: `file:${dbPath}` }, stdio: 'inherit' },
  );
}
const server = await startChild({
  name: 'pulse',
  args: SERVER_ARGS,
  env: { DATABASE_URL: `file:${dbPath}`, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
  ready: /Pulse listening on (http:\/\/\S+)\/graphql/,
});
const base = server.baseUrl;
const browser = await launchChromium();

try {
  const sites = (await (
    await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ sites { siteId totalEvents } }' }),
    })
  ).json()) as { data: { sites: { siteId: string; totalEvents: number }[] } };
  const total = sites.data.sites.reduce((n, s) => n + s.totalEvents, 0);
  const site = sites.data.sites.find((s) => s.siteId === SITE);
  console.log(`database: ${total} events; ${SITE}: ${site?.totalEvents ?? 0} events`);

  // 1. Bytes of a first load (cold cache), as Chromium received them (headers + body on the wire).
  {
    const context = await browser.newContext({ userAgent: DESKTOP_UA, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const done: Promise<void>[] = [];
    const rows: { url: string; wire: number; body: number; encoding: string }[] = [];
    page.on('requestfinished', (request) => {
      done.push(
        (async () => {
          const sizes = await request.sizes();
          const response = await request.response();
          rows.push({
            url: request.url().replace(base, ''),
            wire: sizes.responseHeadersSize + sizes.responseBodySize,
            body: sizes.responseBodySize,
            encoding: response?.headers()['content-encoding'] ?? 'identity',
          });
        })(),
      );
    });
    await page.goto(`${base}/?site=${SITE}&period=today`);
    await page.waitForFunction(() => document.querySelector('[data-metric="views"]')?.textContent !== '–');
    await page.waitForTimeout(500);
    await Promise.all(done);
    console.log('\nfirst load (cold cache), per request:');
    for (const r of rows)
      console.log(
        `  ${String(r.wire).padStart(7)} B on the wire (body ${r.body} B, ${r.encoding})  ${r.url.slice(0, 60)}`,
      );
    const sum = rows.reduce((n, r) => n + r.wire, 0);
    console.log(`  ${String(sum).padStart(7)} B in all, ${rows.length} HTTP requests (+ the WebSocket)`);
    let raw = 0;
    for (const path of ['/', '/dashboard/app.js', '/dashboard/app.css']) {
      raw += (await (await fetch(`${base}${path}`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer())
        .byteLength;
    }
    console.log(`  the three files uncompressed: ${raw} B`);
    await context.close();
  }

  // 2. Navigation to headline numbers painted, cold cache each run.
  console.log(`\nnavigation → headline numbers painted (median of ${RUNS}, cold cache):`);
  for (const period of ['today', '7d', '30d', 'all']) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ userAgent: DESKTOP_UA, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript(() => {
        const w = window as unknown as { painted?: number };
        new MutationObserver((_m, observer) => {
          const el = document.querySelector('[data-metric="views"]');
          if (el && el.textContent !== '–') {
            observer.disconnect();
            // the frame after the change: the numbers are on screen
            requestAnimationFrame(() => setTimeout(() => (w.painted = performance.now())));
          }
        }).observe(document, { subtree: true, childList: true, characterData: true });
      });
      await page.goto(`${base}/?site=${SITE}&period=${period}`);
      const painted = await page.waitForFunction(() => (window as unknown as { painted?: number }).painted);
      times.push(Number(await painted.jsonValue()));
      await context.close();
    }
    console.log(
      `  ${period.padEnd(6)} ${median(times).toFixed(0)} ms  (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`,
    );
  }

  // 3. recordEvent → the events number changes on an open page (period today).
  {
    const context = await browser.newContext({ userAgent: DESKTOP_UA, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/?site=${SITE}&period=today`);
    await page.waitForFunction(() => document.querySelector('#live')?.textContent?.includes('Live'));
    await page.waitForTimeout(500);
    const latencies: number[] = [];
    for (let i = 0; i < TRIES; i++) {
      const before = await page.evaluate(() => {
        const el = document.querySelector('[data-metric="events"]') as HTMLElement;
        const w = window as unknown as { changedAt?: Promise<number> };
        const value = el.dataset.value;
        w.changedAt = new Promise((resolve) => {
          new MutationObserver((_m, observer) => {
            if (el.dataset.value !== value) {
              observer.disconnect();
              resolve(Date.now());
            }
          }).observe(el, { attributes: true });
        });
        return Number(value);
      });
      const sent = Date.now();
      await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation ($input: EventInput!) { recordEvent(input: $input) { accepted } }',
          variables: { input: { siteId: SITE, eventType: 'bench_tick', timestamp: new Date().toISOString() } },
        }),
      });
      const changed = await page.evaluate(() => (window as unknown as { changedAt: Promise<number> }).changedAt);
      latencies.push(changed - sent);
      const after = await page.evaluate(() =>
        Number((document.querySelector('[data-metric="events"]') as HTMLElement).dataset.value),
      );
      if (after !== before + 1) throw new Error(`events went ${before} → ${after}, not +1`);
      await page.waitForTimeout(300);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `\nrecordEvent → number changed on the page: p50 ${median(latencies)} ms of ${TRIES} (min ${sorted[0]}, max ${sorted.at(-1)})`,
    );
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
