// Server configuration: the environment (and an optional .env file) parsed with zod, once, at start.
import { existsSync, statSync } from 'node:fs';
import { z } from 'zod';
import { backendOfUrl, DEFAULT_DATABASE_URL } from './db-url.js';

const int = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

const decimal = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'must be a number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' }))
  .transform((v) => v === 'true' || v === '1' || v === 'yes' || v === 'on');

/** false/0: use the socket peer; true: one trusted proxy; a number: that many proxy hops. */
const proxyHops = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(true|false|\d{1,2})$/, 'must be true, false or a number of proxy hops')
  .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v)));

const keyList = z.string().transform((s) =>
  s
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== ''),
);

const envSchema = z.object({
  PORT: int(0, 65535).default(4000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  /** "file:…" SQLite, "postgresql://…" or "postgres://…" PostgreSQL (storage/open.ts) */
  DATABASE_URL: z
    .string()
    .trim()
    .refine((url) => backendOfUrl(url) !== null, {
      // The message never repeats the URL: it may carry a password.
      message: 'must be a SQLite URL starting with "file:" or a PostgreSQL URL starting with "postgresql://"',
    })
    .default(DEFAULT_DATABASE_URL),
  PULSE_BUFFER_CAPACITY: int(1, 10_000_000).default(100_000),
  PULSE_FLUSH_INTERVAL_MS: int(1, 3_600_000).default(200),
  PULSE_FLUSH_BATCH_SIZE: int(1, 100_000).default(5_000),
  PULSE_LIVE_INTERVAL_MS: int(10, 60_000).default(250),
  PULSE_API_KEYS: keyList.default([]),
  /** unset: keep raw events forever */
  PULSE_RETENTION_DAYS: int(1, 100_000).optional(),
  PULSE_MAX_BODY_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),

  // Security and reliability (docs/security.md, "Limits" and "Access").
  PULSE_MAX_DEPTH: int(1, 1000).default(10),
  PULSE_MAX_ALIASES: int(0, 10_000).default(15),
  PULSE_MAX_TOKENS: int(100, 1_000_000).default(2000),
  PULSE_MAX_DIRECTIVES: int(0, 10_000).default(10),
  PULSE_MAX_COST: int(1, 100_000_000).default(5000),
  PULSE_GRAPHIQL: bool.default(true),
  /** the dashboard at GET / (docs/dashboard.md); false: / is 404 */
  PULSE_DASHBOARD: bool.default(true),
  PULSE_INTROSPECTION: bool.default(true),
  PULSE_CSRF_PREVENTION: bool.default(true),
  PULSE_ALLOWED_SITES: keyList.default([]),
  /** requests per second per client (decimals allowed: 0.5 is one every 2 s); 0: no limit */
  PULSE_RATE_LIMIT_PER_SECOND: decimal(0, 1_000_000).default(0),
  /** unset: twice the per-second rate */
  PULSE_RATE_LIMIT_BURST: int(1, 10_000_000).optional(),
  PULSE_RATE_LIMIT_LOOPBACK: bool.default(false),
  PULSE_TRUST_PROXY: proxyHops.default(0),
  /** a MaxMind .mmdb country database (GeoLite2-Country, GeoIP2-Country); unset: the bundled DB-IP Lite */
  PULSE_GEOIP_DB: z
    .string()
    .trim()
    .refine((path) => existsSync(path) && statSync(path).isFile(), {
      message: 'must name an existing .mmdb file (a MaxMind country database)',
    })
    .optional(),
  PULSE_METRICS: bool.default(true),
  PULSE_DB_BUSY_TIMEOUT_MS: int(0, 60_000).default(1000),
  PULSE_FLUSH_BACKOFF_MS: int(1, 60_000).default(50),
  PULSE_FLUSH_MAX_BACKOFF_MS: int(1, 600_000).default(5000),
  PULSE_WS_INIT_TIMEOUT_MS: int(100, 60_000).default(3000),

  // Many instances (docs/deploy.md). Unset: liveStats updates stay in this process.
  REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\/[^\s]+$/, 'must be a Redis URL starting with "redis://" or "rediss://"')
    .optional(),
});

export type Config = z.output<typeof envSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Config for tests and embedding: defaults overridden by the given values. */
export function configWith(overrides: Partial<Config>): Config {
  return { ...loadConfig({}), ...overrides };
}
