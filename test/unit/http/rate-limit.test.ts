import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientIp, isLoopback } from '../../../src/http/client-ip.js';
import { RateLimiter } from '../../../src/http/rate-limit.js';

function clock(start = 1_000_000) {
  const c = { now: start, tick: (ms: number) => (c.now += ms) };
  return c;
}

describe('RateLimiter (token bucket)', () => {
  it('lets a burst through, then refuses with the seconds until the next token', () => {
    const c = clock();
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 3, now: () => c.now });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    // another client has its own bucket
    expect(limiter.take('b')).toBe(0);
    c.tick(499);
    expect(limiter.take('a')).toBe(1);
    c.tick(1);
    // 500 ms at 2/s refilled one token (the refused call above took none)
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
  });

  it('refills at most to the burst', () => {
    const c = clock();
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 2, now: () => c.now });
    limiter.take('a');
    c.tick(60_000);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 1]);
  });

  it('answers long waits for slow rates (0.01/s: 100 s per token)', () => {
    const c = clock();
    const limiter = new RateLimiter({ ratePerSecond: 0.01, burst: 1, now: () => c.now });
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(100);
    c.tick(40_000);
    expect(limiter.take('a')).toBe(60);
  });

  it('keeps memory bounded: at most maxClients buckets, and refilled ones are swept', () => {
    const c = clock();
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 5, maxClients: 100, now: () => c.now });
    for (let i = 0; i < 1000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBe(100);
    c.tick(4_999);
    limiter.sweep();
    expect(limiter.size).toBe(100);
    limiter.take('fresh');
    c.tick(1);
    limiter.sweep();
    // the 100 old buckets are full again (5 s at 1/s); the one used 1 ms ago is not
    expect(limiter.size).toBe(1);
  });
});

const req = (remoteAddress: string, xff?: string | string[]) =>
  ({
    socket: { remoteAddress },
    headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
  }) as unknown as IncomingMessage;

describe('clientIp', () => {
  it('ignores X-Forwarded-For unless proxies are trusted', () => {
    expect(clientIp(req('10.1.1.1', '203.0.113.9'))).toBe('10.1.1.1');
    expect(clientIp(req('10.1.1.1', '203.0.113.9'), 0)).toBe('10.1.1.1');
  });

  it('with one trusted proxy takes the address that proxy appended (the last entry), not a spoofed first one', () => {
    expect(clientIp(req('127.0.0.1', '6.6.6.6, 203.0.113.9'), 1)).toBe('203.0.113.9');
    expect(clientIp(req('127.0.0.1', ['6.6.6.6', '203.0.113.9']), 1)).toBe('203.0.113.9');
  });

  it('with n trusted proxies takes the n-th entry from the right, or the first when there are fewer', () => {
    expect(clientIp(req('127.0.0.1', '6.6.6.6, 203.0.113.9, 10.0.0.2'), 2)).toBe('203.0.113.9');
    expect(clientIp(req('127.0.0.1', '203.0.113.9'), 3)).toBe('203.0.113.9');
  });

  it('falls back to the peer without a header', () => {
    expect(clientIp(req('10.1.1.1'), 1)).toBe('10.1.1.1');
    expect(clientIp(req('10.1.1.1', ''), 1)).toBe('10.1.1.1');
  });

  it('knows loopback addresses', () => {
    for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopback(ip)).toBe(true);
    for (const ip of ['10.0.0.1', '203.0.113.9', '::ffff:10.0.0.1', '', '1270::1']) expect(isLoopback(ip)).toBe(false);
  });
});
