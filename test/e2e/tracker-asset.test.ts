// GET /pulse.js on the real server (`node dist/server.js`): the bytes it serves (the build of
// src/tracker/pulse.ts, at most 1,024 bytes gzipped), their headers, ETag revalidation and gzip.
import { request } from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildTracker } from '../../src/http/tracker-asset.js';
import { serverForFile } from '../helpers/server.js';

const file = serverForFile();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** the bytes on the wire (not decoded) */
  body: Buffer;
}

/** A raw HTTP request: unlike fetch, node:http neither adds Accept-Encoding nor decodes the body. */
function get(headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${file.server.baseUrl}/pulse.js`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /pulse.js', () => {
  it('serves the tracker built from src/tracker, at most 1,024 bytes gzipped', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    // The compiled server serves dist/web/pulse.js: the same bytes esbuild makes from the source now.
    expect(res.body.toString('utf8')).toBe(await buildTracker());
    const gzipped = gzipSync(res.body, { level: 9 }).length;
    console.log(`pulse.js: ${res.body.length} bytes, ${gzipped} bytes gzipped (zlib level 9)`);
    expect(gzipped).toBeLessThanOrEqual(1024);
  });

  it('may be cached for hours, embedded from any origin, and is never sniffed', async () => {
    const res = await get();
    const maxAge = /^public, max-age=(\d+)$/.exec(String(res.headers['cache-control']));
    expect(maxAge, String(res.headers['cache-control'])).not.toBeNull();
    expect(Number(maxAge?.[1])).toBeGreaterThanOrEqual(3600);
    expect(Number(maxAge?.[1])).toBeLessThanOrEqual(86400);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('answers 304 to a matching If-None-Match and 200 to a stale one', async () => {
    const first = await get();
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/); // a strong validator
    expect((await get()).headers.etag).toBe(etag);

    for (const ifNoneMatch of [etag, `W/${etag}`, `"stale", ${etag}`, '*']) {
      const res = await get({ 'if-none-match': ifNoneMatch });
      expect(res.status, ifNoneMatch).toBe(304);
      expect(res.body.length).toBe(0);
      expect(res.headers.etag).toBe(etag);
      expect(res.headers['cache-control']).toBe(first.headers['cache-control']);
    }
    const stale = await get({ 'if-none-match': '"stale"' });
    expect(stale.status).toBe(200);
    expect(stale.body.equals(first.body)).toBe(true);
  });

  it('sends it gzipped to clients that accept gzip, with an ETag of its own', async () => {
    const plain = await get();
    const res = await get({ 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(gunzipSync(res.body).equals(plain.body)).toBe(true);
    expect(res.body.length).toBeLessThanOrEqual(1024);
    expect(res.headers.etag).not.toBe(plain.headers.etag);
    const revalidated = await get({ 'accept-encoding': 'gzip', 'if-none-match': String(res.headers.etag) });
    expect(revalidated.status).toBe(304);
    // gzip;q=0 refuses gzip
    expect((await get({ 'accept-encoding': 'gzip;q=0' })).headers['content-encoding']).toBeUndefined();
  });

  it('answers HEAD like GET without a body, and refuses other methods', async () => {
    const head = await get({}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers.etag).toBe((await get()).headers.etag);
    const post = await get({}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
  });
});
