// GET /pulse.js on an app run from TypeScript (as `npm run dev` and these tests run it): the
// script is built in memory from src/tracker, and a failed load is retried, not remembered.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTrackerRoute } from '../../src/http/tracker.js';
import { buildTracker, trackerAsset } from '../../src/http/tracker-asset.js';
import { testApp } from '../helpers/app.js';
import { listen } from '../helpers/hardening.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

describe('GET /pulse.js from TypeScript', () => {
  it('serves the tracker as esbuild builds it from the source now', async () => {
    const t = await testApp();
    const { baseUrl } = await listen(t.app);
    const res = await fetch(`${baseUrl}/pulse.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toBe(await buildTracker());
  });

  it('tries the load again on the next request after a failure', async () => {
    let loads = 0;
    const route = createTrackerRoute(async () => {
      loads++;
      if (loads === 1) throw new Error('the build failed');
      return trackerAsset('console.log("tracker")');
    });
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      route(req, res).catch(() => {
        res.writeHead(500);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pulse.js`;
    expect((await fetch(url)).status).toBe(500);
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('console.log("tracker")');
    await fetch(url);
    expect(loads).toBe(2); // loaded once it succeeded, then served from memory
  });
});
