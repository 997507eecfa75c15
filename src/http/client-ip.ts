// Who is asking: the client address of a request, from the socket peer or, behind trusted proxies
// (PULSE_TRUST_PROXY), from X-Forwarded-For. Used for rate limits and visitor ids; never stored.
import type { IncomingMessage } from 'node:http';

/**
 * The client's address. With `trustedProxies` = 0 it is the socket peer and X-Forwarded-For is
 * ignored (anyone can send it). With n > 0 the last n hops were added by proxies we run, each
 * appending the address it saw: the client is the n-th entry from the right (as Express's
 * `trust proxy = n`); a shorter header means fewer proxies than configured, so its first entry.
 */
export function clientIp(req: IncomingMessage, trustedProxies = 0): string {
  const peer = req.socket.remoteAddress ?? '';
  if (trustedProxies === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  if (header === undefined || header === '') return peer;
  const hops = (Array.isArray(header) ? header.join(',') : header).split(',');
  const pick = hops[Math.max(0, hops.length - trustedProxies)]?.trim();
  return pick ? pick : peer;
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (::ffff:127.0.0.1). */
export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip.startsWith('::ffff:127.');
}
