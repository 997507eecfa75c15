// The PostgreSQL and Redis that the many-instance suites run against (127.0.0.1:5432 and :6379 by
// default; PULSE_TEST_PG_URL and PULSE_TEST_REDIS_URL point elsewhere). Without a service and with
// CI unset, such a suite skips with one visible line saying why; with CI=true a missing service
// fails the suite loudly (docs/development.md, "Tests").
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import pg from 'pg';
import { describe, it } from 'vitest';

export const PG_ADMIN_URL = process.env.PULSE_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.PULSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** true when a TCP connection to host:port opens within a second */
function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const postgresReachable = await reachable(PG_ADMIN_URL, 5432);
export const redisReachable = await reachable(REDIS_URL, 6379);

type Service = 'PostgreSQL' | 'Redis';

/**
 * describe() for a suite that needs the given services. A missing one: under CI=true one failing
 * test naming it; otherwise a skipped suite and one line on stderr saying why.
 */
export function describeWith(services: readonly Service[], name: string, body: () => void): void {
  const missing = services.filter((s) => !(s === 'PostgreSQL' ? postgresReachable : redisReachable));
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const why = `${missing.join(' and ')} not reachable (${missing
    .map((s) => (s === 'PostgreSQL' ? PG_ADMIN_URL : REDIS_URL))
    .join(', ')})`;
  if (process.env.CI) {
    describe(name, () => {
      it(`needs ${missing.join(' and ')}`, () => {
        throw new Error(`${why}: CI must run this suite (.ci/run starts the services)`);
      });
    });
    return;
  }
  process.stderr.write(`[skipped] ${name}: ${why}\n`);
  describe.skip(name, body);
}

/** A new, empty PostgreSQL database for one test; drop() removes it (and ends its connections). */
export async function createPostgresDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `pulse_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
