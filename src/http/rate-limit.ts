// Per-client rate limits on the ingest routes: a token bucket per client address, refilled at
// `ratePerSecond` up to `burst`; each request takes one token. Off unless PULSE_RATE_LIMIT_PER_SECOND
// is set, and loopback clients are exempt unless PULSE_RATE_LIMIT_LOOPBACK is true. Memory is
// bounded: buckets that have refilled are swept, and at most `maxClients` are kept.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config.js';
import { rateLimited } from '../errors.js';
import { clientIp, isLoopback } from './client-ip.js';
import { sendError } from './respond.js';

export interface RateLimiterOptions {
  ratePerSecond: number;
  burst: number;
  /** most clients tracked at once; beyond it the longest-tracked bucket is forgotten (default 100,000) */
  maxClients?: number;
  /** the clock, for tests */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly maxClients: number;
  private readonly now: () => number;

  constructor(private readonly opts: RateLimiterOptions) {
    if (!(opts.ratePerSecond > 0) || !(opts.burst >= 1)) throw new RangeError('rate must be > 0 and burst >= 1');
    this.perMs = opts.ratePerSecond / 1000;
    this.maxClients = opts.maxClients ?? 100_000;
    this.now = opts.now ?? Date.now;
  }

  /** Takes a token for `client`: 0 when the request may go ahead, else the seconds until one is free. */
  take(client: string): number {
    const now = this.now();
    let bucket = this.buckets.get(client);
    if (bucket === undefined) {
      // Map keeps insertion order: the first key is the longest-tracked client.
      if (this.buckets.size >= this.maxClients) this.buckets.delete(this.buckets.keys().next().value as string);
      bucket = { tokens: this.opts.burst, updatedAt: now };
      this.buckets.set(client, bucket);
    } else {
      bucket.tokens = Math.min(this.opts.burst, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }

  /** Forgets clients whose bucket has refilled: a new bucket would be the same. */
  sweep(): void {
    const now = this.now();
    const fullAfterMs = this.opts.burst / this.perMs;
    for (const [client, bucket] of this.buckets) {
      if (now - bucket.updatedAt >= fullAfterMs) this.buckets.delete(client);
    }
  }

  /** clients currently tracked */
  get size(): number {
    return this.buckets.size;
  }
}

/** The routes a rate limit applies to: everything that can record events. */
const LIMITED_PATHS = new Set(['/graphql', '/event', '/pixel.gif']);

const GRAPHQL_PATH = '/graphql';

/**
 * The rate limit as the request listener and graphql-ws use it. `check` answers 429 itself and
 * returns true when the request is refused; it reads no body.
 */
export class RateLimitGuard {
  private readonly limiter: RateLimiter;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly config: Pick<
      Config,
      'PULSE_RATE_LIMIT_PER_SECOND' | 'PULSE_RATE_LIMIT_BURST' | 'PULSE_RATE_LIMIT_LOOPBACK' | 'PULSE_TRUST_PROXY'
    >,
    private readonly onRefused: () => void = () => undefined,
  ) {
    const rate = config.PULSE_RATE_LIMIT_PER_SECOND;
    this.limiter = new RateLimiter({
      ratePerSecond: rate,
      burst: config.PULSE_RATE_LIMIT_BURST ?? Math.max(1, Math.ceil(2 * rate)),
    });
    this.sweeper = setInterval(() => this.limiter.sweep(), 10_000);
    this.sweeper.unref();
  }

  /** null when PULSE_RATE_LIMIT_PER_SECOND is 0 (the default): no limit, no work per request. */
  static fromConfig(config: Config, onRefused?: () => void): RateLimitGuard | null {
    return config.PULSE_RATE_LIMIT_PER_SECOND > 0 ? new RateLimitGuard(config, onRefused) : null;
  }

  /** 0 when a request from this client may go ahead, else the seconds to wait. */
  retryAfter(req: IncomingMessage): number {
    const ip = clientIp(req, this.config.PULSE_TRUST_PROXY);
    if (!this.config.PULSE_RATE_LIMIT_LOOPBACK && isLoopback(ip)) return 0;
    const wait = this.limiter.take(ip);
    if (wait > 0) this.onRefused();
    return wait;
  }

  /** Refuses the request with 429 + Retry-After when over the limit; true when it did. */
  check(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (!LIMITED_PATHS.has(path) || req.method === 'OPTIONS') return false;
    const wait = this.retryAfter(req);
    if (wait === 0) return false;
    req.resume();
    const error = rateLimited(wait);
    if (path === GRAPHQL_PATH) {
      res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(wait) });
      res.end(
        JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code, retryAfter: wait } }] }),
      );
    } else {
      // Pages on other origins (pixel, sendBeacon, fetch) can read the refusal and Retry-After.
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('access-control-expose-headers', 'retry-after');
      sendError(res, error);
    }
    return true;
  }

  stop(): void {
    clearInterval(this.sweeper);
  }
}
