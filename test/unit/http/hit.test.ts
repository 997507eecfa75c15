// What a hit carries into ingestion: the client address (trusted proxies as configured), the
// User-Agent, and the page — the Referer for the pixel, Origin else Referer for POSTs.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hitOf, hitOfFetch } from '../../../src/http/hit.js';

const request = (headers: Record<string, string>, peer = '127.0.0.1') =>
  ({ headers, socket: { remoteAddress: peer } }) as unknown as IncomingMessage;

describe('hitOf', () => {
  const headers = {
    'user-agent': 'UA',
    origin: 'https://shop.example',
    referer: 'https://shop.example/cart?utm_source=x',
    'x-forwarded-for': '193.0.6.139',
  };

  it('takes the page from Referer for the pixel, from Origin (else Referer) for POSTs', () => {
    expect(hitOf(request(headers), { trustedProxies: 0, anonymousVisitor: true, page: 'referer' })).toEqual({
      ip: '127.0.0.1',
      userAgent: 'UA',
      anonymousVisitor: true,
      page: 'https://shop.example/cart?utm_source=x',
    });
    expect(hitOf(request(headers), { trustedProxies: 0, anonymousVisitor: false, page: 'origin' }).page).toBe(
      'https://shop.example',
    );
    const { origin: _origin, ...withoutOrigin } = headers;
    expect(hitOf(request(withoutOrigin), { trustedProxies: 0, anonymousVisitor: false, page: 'origin' }).page).toBe(
      'https://shop.example/cart?utm_source=x',
    );
  });

  it('believes X-Forwarded-For only behind trusted proxies', () => {
    expect(hitOf(request(headers), { trustedProxies: 1, anonymousVisitor: true, page: 'origin' }).ip).toBe(
      '193.0.6.139',
    );
    expect(hitOf(request(headers, '::1'), { trustedProxies: 0, anonymousVisitor: true, page: 'origin' }).ip).toBe(
      '::1',
    );
  });

  it('has no address for an in-process Fetch request, and no User-Agent when none was sent', () => {
    expect(hitOfFetch(new Request('http://yoga/graphql', { headers: { referer: 'https://a.example/' } }))).toEqual({
      ip: '',
      userAgent: '',
      anonymousVisitor: false,
      page: 'https://a.example/',
    });
    expect(hitOf(request({}), { trustedProxies: 0, anonymousVisitor: false, page: 'referer' })).toMatchObject({
      userAgent: '',
      page: undefined,
    });
  });
});
