// GraphiQL in a browser (self-contained: the machine running Pulse may have no internet) and the
// health routes, on the real file.server.
import { describe, expect, it } from 'vitest';
import { serverForFile } from '../helpers/server.js';

const file = serverForFile();

const CDN_HOSTS = ['unpkg', 'jsdelivr', 'cdnjs', 'esm.sh', 'skypack', 'googleapis', 'cloudflare'];

describe('GraphiQL', () => {
  it('GET /graphql from a browser answers GraphiQL HTML that loads nothing from a CDN', async () => {
    const res = await fetch(file.server.graphqlUrl, {
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html.toLowerCase()).toContain('<!doctype html>');
    expect(html).toContain('GraphiQL');

    const lower = html.toLowerCase();
    for (const host of CDN_HOSTS) expect(lower, `HTML mentions ${host}`).not.toContain(host);

    // Every script and stylesheet is inline, same-origin or a data: URL.
    const refs = [...html.matchAll(/<(?:script|link|img)\b[^>]*?\s(?:src|href)\s*=\s*["']([^"']*)["']/gi)].map(
      (m) => m[1] ?? '',
    );
    for (const ref of refs) {
      const external = /^(?:https?:)?\/\//i.test(ref) && !ref.includes('127.0.0.1') && !ref.includes('localhost');
      expect(external, `external reference ${ref.slice(0, 100)}`).toBe(false);
    }
    // ES module imports of a URL would also need the network.
    expect(html).not.toMatch(/import\s*\(?\s*["']https?:\/\//);
  });

  it('GET /graphql with a query and no HTML Accept still answers GraphQL, not GraphiQL', async () => {
    const res = await fetch(`${file.server.graphqlUrl}?query=${encodeURIComponent('{ __typename }')}`, {
      // a GET query needs a CSRF header (docs/security.md, "Access")
      headers: { accept: 'application/graphql-response+json', 'x-graphql-csrf': '1' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('health routes', () => {
  it('GET /healthz answers 200 JSON', async () => {
    const res = await fetch(`${file.server.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 JSON when the database is reachable and the buffer has room', async () => {
    const res = await fetch(`${file.server.baseUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    // each dependency named with ok (no `live` without REDIS_URL)
    expect(await res.json()).toEqual({ status: 'ready', database: 'ok', buffer: 'ok', flush: 'ok' });
  });
});
