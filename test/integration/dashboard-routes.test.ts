// The dashboard's routes on a real port (node:http, as browsers reach them): the CSP built from
// the Host header (and not from a hostile one), gzip when asked for, 304 on a matching ETag,
// HEAD, and other methods refused. Needs the build in dist/dashboard (the global setup makes it).
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptsGzip } from '../../src/http/dashboard.js';
import { testApp } from '../helpers/app.js';
import { listen } from '../helpers/hardening.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with exactly these headers (fetch would not send a Host of our choosing). */
function raw(baseUrl: string, path: string, headers: Record<string, string>, method = 'GET'): Promise<Raw> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard routes', () => {
  it('allows WebSockets to the Host it was asked on, and only self for a Host that is not a plain host', async () => {
    const { app } = await testApp();
    const { baseUrl } = await listen(app);
    const host = new URL(baseUrl).host;
    const plain = await raw(baseUrl, '/', { host });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-security-policy']).toContain(`connect-src 'self' ws://${host} wss://${host};`);
    const v6 = await raw(baseUrl, '/', { host: '[::1]:4000' });
    expect(v6.headers['content-security-policy']).toContain("connect-src 'self' ws://[::1]:4000 wss://[::1]:4000;");
    const hostile = await raw(baseUrl, '/', { host: "evil.example; script-src * 'unsafe-inline'" });
    expect(hostile.status).toBe(200);
    const csp = String(hostile.headers['content-security-policy']);
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toContain('evil');
    expect(csp).not.toContain('unsafe-inline');
  });

  it('sends gzip only when asked, the same bytes either way; 304 on a matching ETag; HEAD has no body', async () => {
    const { app } = await testApp();
    const { baseUrl } = await listen(app);
    for (const path of ['/', '/dashboard/app.js', '/dashboard/app.css']) {
      const plain = await raw(baseUrl, path, { 'accept-encoding': 'identity' });
      expect(plain.status, path).toBe(200);
      expect(plain.headers['content-encoding'], path).toBeUndefined();
      const gz = await raw(baseUrl, path, { 'accept-encoding': 'br, gzip;q=0.8' });
      expect(gz.headers['content-encoding'], path).toBe('gzip');
      expect(gunzipSync(gz.body).equals(plain.body), path).toBe(true);
      expect(gz.headers.etag, path).toBe(plain.headers.etag);
      const refused = await raw(baseUrl, path, { 'accept-encoding': 'gzip;q=0' });
      expect(refused.headers['content-encoding'], path).toBeUndefined();
      const cached = await raw(baseUrl, path, { 'if-none-match': String(plain.headers.etag) });
      expect(cached.status, path).toBe(304);
      expect(cached.body.length, path).toBe(0);
      const head = await raw(baseUrl, path, {}, 'HEAD');
      expect(head.status, path).toBe(200);
      expect(head.body.length, path).toBe(0);
      expect(Number(head.headers['content-length']), path).toBe(plain.body.length);
    }
    const post = await raw(baseUrl, '/', { 'content-type': 'text/plain' }, 'POST');
    expect(post.status).toBe(405);
    expect((await raw(baseUrl, '/dashboard/missing.js', {})).status).toBe(404);
  });

  it('reads Accept-Encoding qualities', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0, br')).toBe(false);
    expect(acceptsGzip('gzip;q=0.000')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});
