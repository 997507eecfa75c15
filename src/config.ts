// Server configuration: the environment (and an optional .env file) parsed with zod, once, at start.
import { z } from 'zod';
import { DEFAULT_DATABASE_URL } from './db-url.js';

const int = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

const keyList = z.string().transform((s) =>
  s
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== ''),
);

const envSchema = z.object({
  PORT: int(0, 65535).default(4000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .trim()
    .startsWith('file:', 'must be a SQLite URL starting with "file:"')
    .default(DEFAULT_DATABASE_URL),
  PULSE_BUFFER_CAPACITY: int(1, 10_000_000).default(100_000),
  PULSE_FLUSH_INTERVAL_MS: int(1, 3_600_000).default(200),
  PULSE_FLUSH_BATCH_SIZE: int(1, 100_000).default(5_000),
  PULSE_LIVE_INTERVAL_MS: int(10, 60_000).default(250),
  PULSE_API_KEYS: keyList.default([]),
  PULSE_MAX_BODY_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
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
