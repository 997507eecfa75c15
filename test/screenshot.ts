// npm run screenshot: the dashboard's pictures in docs/images/ (dashboard.png at 1280 px,
// dashboard-mobile.png at 360 px, dashboard-filtered.png with filters and the Visitors column),
// taken from the built server on a temporary database filled with demo traffic (npm run
// seed:demo), in Debian's Chromium.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DESKTOP_UA, launchChromium } from './helpers/browser.js';
import { buildServer, SERVER_ARGS } from './helpers/build.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'docs', 'images');
const SHOTS = [
  { file: 'dashboard.png', width: 1280, height: 900, query: '?site=demo-1&period=30d' },
  { file: 'dashboard-mobile.png', width: 360, height: 780, query: '?site=demo-1&period=7d' },
  // a filtered view: a country and a device (the rows one would click), with the Visitors column
  {
    file: 'dashboard-filtered.png',
    width: 1280,
    height: 900,
    query: '?site=demo-1&period=30d&f=device:mobile&f=country:DE&visitors=1',
  },
];

const dir = mkdtempSync(join(tmpdir(), 'pulse-screenshot-'));
const env = { ...process.env, DATABASE_URL: `file:${join(dir, 'pulse.db')}`, LOG_LEVEL: 'warn' };
let server: ChildProcess | null = null;
try {
  buildServer();
  execFileSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/seed-demo.ts', '--events', '150000', '--sites', '3', '--days', '30'],
    { cwd: ROOT, env, stdio: 'inherit' },
  );
  const proc = spawn(process.execPath, SERVER_ARGS, {
    cwd: ROOT,
    env: { ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  server = proc;
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Pulse listening on (http:\/\/\S+)\/graphql/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  try {
    for (const shot of SHOTS) {
      const context = await browser.newContext({
        userAgent: DESKTOP_UA,
        viewport: { width: shot.width, height: shot.height },
        deviceScaleFactor: 1,
        colorScheme: 'light',
      });
      const page = await context.newPage();
      await page.goto(`${base}/${shot.query}`);
      await page.waitForFunction(() => document.querySelector('[data-metric="views"]')?.textContent !== '–');
      await page.waitForFunction(() => document.querySelector('#live')?.textContent?.includes('Live'));
      await page.screenshot({ path: join(OUT, shot.file), fullPage: true });
      console.log(`wrote docs/images/${shot.file}`);
      await context.close();
    }
  } finally {
    await browser.close();
  }
} finally {
  const proc = server;
  if (proc && proc.exitCode === null) {
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}
