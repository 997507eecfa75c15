// An in-process Pulse on a fresh database of either backend, driven through yoga.fetch (no port).
import { afterEach } from 'vitest';
import { buildApp, type PulseApp } from '../../src/app.js';
import { type Config, configWith } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type Backend, freshStorageUrl } from './backends.js';

export interface TestApp {
  app: PulseApp;
  backend: Backend;
  /** DATABASE_URL of the app's database */
  url: string;
  /** the SQLite file ('' on PostgreSQL) */
  dbPath: string;
  gql: <T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; body: GraphQLBody<T> }>;
}

export interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[];
}

const running: PulseApp[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((a) => a.stop()));
});

export async function testApp(overrides: Partial<Config> = {}, backend: Backend = 'sqlite'): Promise<TestApp> {
  const { url, path } = await freshStorageUrl(backend);
  // A long interval: tests flush explicitly with app.flusher.flush().
  const config = configWith({ DATABASE_URL: url, PULSE_FLUSH_INTERVAL_MS: 60_000, ...overrides });
  const app = await buildApp(config, createLogger('error'));
  running.push(app);
  const gql: TestApp['gql'] = async (query, variables, headers = {}) => {
    const res = await app.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as GraphQLBody<never> };
  };
  return { app, backend, url, dbPath: path, gql };
}
