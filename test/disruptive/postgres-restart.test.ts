// PostgreSQL stopped and started again under ingest load (the shared service: this runs after the
// main suite, alone): while it is down the server keeps accepting into its buffer, /readyz says
// not ready, stats reads answer DATABASE_UNAVAILABLE (GraphQL) and 503 (GET /stats) without a
// stack trace, and the URL's password shows nowhere; once it is back every accepted event is
// stored exactly once.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { expect, it } from 'vitest';
import { gql, RECORD_EVENTS, SITE_STATS, waitUntil } from '../helpers/e2e.js';
import { startServer } from '../helpers/server.js';
import { createPostgresDatabase, describeWith } from '../helpers/services.js';

const SECRET = 'Restart-s3cret-pw';

function cluster(action: 'stop' | 'start'): void {
  const [version] = readdirSync('/etc/postgresql');
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', String(version), 'main', action], { stdio: 'pipe' });
}

const readyz = async (baseUrl: string) => {
  const res = await fetch(`${baseUrl}/readyz`);
  return { status: res.status, body: await res.text() };
};

describeWith(['PostgreSQL'], 'PostgreSQL restarted under load', () => {
  it('keeps accepted events, reports the outage clearly, and stores each event once after', async () => {
    const db = await createPostgresDatabase();
    // trust authentication ignores the password: it is here to be looked for in every output
    const url = new URL(db.url);
    url.password = SECRET;
    const server = await startServer({
      DATABASE_URL: url.toString(),
      PULSE_FLUSH_INTERVAL_MS: '50',
      PULSE_FLUSH_MAX_BACKOFF_MS: '500',
    });
    let accepted = 0;
    let loading = true;
    const load = (async () => {
      for (let round = 0; loading; round++) {
        const inputs = Array.from({ length: 20 }, (_, i) => ({
          siteId: 'restart.example',
          eventType: 'page_view',
          path: `/p/${i}`,
          userId: `u${(round + i) % 50}`,
          timestamp: new Date().toISOString(),
        }));
        const res = await gql<{ recordEvents: { accepted: number } }>(server.graphqlUrl, RECORD_EVENTS, { inputs });
        if (res.body.data) accepted += res.body.data.recordEvents.accepted;
        else expect(res.body.errors?.[0]?.extensions?.code).toBe('OVERLOADED');
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      await waitUntil(
        () => accepted,
        (n) => n >= 500,
      );
      cluster('stop');
      try {
        const before = accepted;
        const down = await waitUntil(
          () => readyz(server.baseUrl),
          (r) => r.status === 503,
          { timeoutMs: 15_000 },
        );
        expect(down.body).toContain('database unreachable');
        const stats = await gql(server.graphqlUrl, SITE_STATS, { siteId: 'restart.example', date: null });
        expect(stats.body.errors?.[0]?.extensions?.code).toBe('DATABASE_UNAVAILABLE');
        const rest = await fetch(`${server.baseUrl}/stats?site_id=restart.example&date=2025-11-15`);
        expect(rest.status).toBe(503);
        const restBody = await rest.text();
        expect(JSON.parse(restBody)).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
        for (const text of [down.body, JSON.stringify(stats.body), restBody]) {
          expect(text).not.toContain(SECRET);
          expect(text).not.toMatch(/\n\s+at /);
        }
        // the buffer keeps taking events while the database is away
        await waitUntil(
          () => accepted,
          (n) => n >= before + 200,
        );
      } finally {
        cluster('start');
      }
      await waitUntil(
        () => readyz(server.baseUrl),
        (r) => r.status === 200,
        { timeoutMs: 60_000, intervalMs: 200 },
      );
    } finally {
      loading = false;
      await load;
      expect(await server.stop()).toBe(0);
    }
    expect(server.output()).not.toContain(SECRET);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM events');
      expect(rows[0]).toEqual({ n: accepted, ids: accepted });
    } finally {
      await client.end();
      await db.drop();
    }
  }, 180_000);
});
