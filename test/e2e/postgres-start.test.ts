// Starting on PostgreSQL: two built servers starting at the same moment on a fresh database apply
// each committed migration once and record it in _prisma_migrations exactly as Prisma Migrate
// does (so `prisma migrate status` agrees later); a password in DATABASE_URL never shows when the
// database cannot be reached.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { runServerToExit, siteStats } from '../helpers/e2e.js';
import { ROOT, startServer } from '../helpers/server.js';
import { createPostgresDatabase, describeWith } from '../helpers/services.js';

const MIGRATIONS = join(ROOT, 'prisma', 'postgres', 'migrations');

describeWith(['PostgreSQL'], 'PostgreSQL on start', () => {
  it('two instances starting together apply each migration once, recorded as Prisma records it', async () => {
    const db = await createPostgresDatabase();
    try {
      const servers = await Promise.all([1, 2].map(() => startServer({ DATABASE_URL: db.url })));
      try {
        for (const s of servers) expect((await siteStats(s.graphqlUrl, 'fresh')).totalEvents).toBe(0);
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
      }
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query(
          'SELECT id, checksum, migration_name, finished_at, rolled_back_at, logs, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
        );
        const committed = readdirSync(MIGRATIONS, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => d.name)
          .sort();
        expect(committed.length).toBeGreaterThan(0);
        expect(rows.map((r) => r.migration_name)).toEqual(committed);
        for (const row of rows) {
          const file = readFileSync(join(MIGRATIONS, row.migration_name, 'migration.sql'));
          expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
          expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
          expect(row.finished_at).toBeInstanceOf(Date);
          expect(row).toMatchObject({ rolled_back_at: null, logs: null, applied_steps_count: 1 });
        }
        // the table as Prisma's schema engine creates it
        const columns = await client.query(
          `SELECT column_name, data_type, character_maximum_length AS len, is_nullable
             FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
        );
        expect(columns.rows).toEqual([
          { column_name: 'id', data_type: 'character varying', len: 36, is_nullable: 'NO' },
          { column_name: 'checksum', data_type: 'character varying', len: 64, is_nullable: 'NO' },
          { column_name: 'finished_at', data_type: 'timestamp with time zone', len: null, is_nullable: 'YES' },
          { column_name: 'migration_name', data_type: 'character varying', len: 255, is_nullable: 'NO' },
          { column_name: 'logs', data_type: 'text', len: null, is_nullable: 'YES' },
          { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', len: null, is_nullable: 'YES' },
          { column_name: 'started_at', data_type: 'timestamp with time zone', len: null, is_nullable: 'NO' },
          { column_name: 'applied_steps_count', data_type: 'integer', len: null, is_nullable: 'NO' },
        ]);
        // each server claimed an instance number of its own
        const instances = await client.query('SELECT count(DISTINCT id)::int AS n FROM pulse_instances');
        expect(instances.rows[0].n).toBe(2);
      } finally {
        await client.end();
      }
    } finally {
      await db.drop();
    }
  }, 90_000);

  it('never shows the password of DATABASE_URL when the database cannot be reached', async () => {
    const secret = 'Sup3r-s3cret-pw';
    // nothing listens on port 1
    const result = await runServerToExit({ DATABASE_URL: `postgresql://pulse:${secret}@127.0.0.1:1/pulse` });
    const output = result.stdout + result.stderr;
    expect(result.timedOut).toBe(false);
    expect(result.code).not.toBe(0);
    expect(output).toMatch(/PostgreSQL is unavailable/);
    expect(output).not.toContain(secret);
    expect(output).not.toMatch(/^\s+at /m);
  });
});
