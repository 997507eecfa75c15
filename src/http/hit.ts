// What ingestion learns about the request behind a hit (HitContext, ingestion/pipeline.ts): the
// client address, the User-Agent and the page it came from. Built once per request, never stored.
import type { IncomingMessage } from 'node:http';
import type { HitContext } from '../ingestion/pipeline.js';
import { clientIp } from './client-ip.js';

export interface HitOptions {
  /** PULSE_TRUST_PROXY's number of proxy hops */
  trustedProxies: number;
  /** a browser hit: bots are dropped, events without userId get an anonymous visitor id */
  anonymousVisitor: boolean;
  /**
   * Where the page's URL is: the pixel is an image on the page, so its Referer is the page; a
   * POST (sendBeacon, fetch, GraphQL) carries the page's origin in Origin, else its Referer.
   */
  page: 'referer' | 'origin';
}

export function hitOf(req: IncomingMessage, { trustedProxies, anonymousVisitor, page }: HitOptions): HitContext {
  const headers = req.headers;
  return {
    ip: clientIp(req, trustedProxies),
    userAgent: headers['user-agent'] ?? '',
    anonymousVisitor,
    page: page === 'referer' ? headers.referer : (headers.origin ?? headers.referer),
  };
}

/** The same for a Fetch Request without a socket (yoga.fetch in process): no address. */
export function hitOfFetch(request: Request | undefined): HitContext {
  const headers = request?.headers;
  return {
    ip: '',
    userAgent: headers?.get('user-agent') ?? '',
    anonymousVisitor: false,
    page: headers?.get('origin') ?? headers?.get('referer') ?? undefined,
  };
}
