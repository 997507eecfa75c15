// Several processes on one database at once: the built server taking ingest traffic while
// `npm run seed:demo` loads events into the same database (SQLite: the same file; it used to die
// in its migration step beside a running server). Each process numbers its events from an
// instance number of its own, so after both are done the database holds exactly what was accepted.
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { openStorage } from '../../src/storage/open.js';
import { countStored, describeBackends, freshStorageUrl } from '../helpers/backends.js';
import { gql, RECORD_EVENTS } from '../helpers/e2e.js';
import { ROOT, startServer } from '../helpers/server.js';

const SEEDED = 20_000;

function runSeed(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/seed-demo.ts', '--events', String(SEEDED), '--sites', '2', '--days', '3'],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  proc.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  proc.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, output })));
}

describeBackends('processes sharing one database', (backend) => {
  it('a server under ingest traffic and seed:demo at once: stored == accepted', async () => {
    const { url } = await freshStorageUrl(backend);
    const server = await startServer({ DATABASE_URL: url, PULSE_FLUSH_INTERVAL_MS: '50' });
    let accepted = 0;
    try {
      let seedDone = false;
      const seed = runSeed(url).finally(() => {
        seedDone = true;
      });
      // traffic for as long as the seed runs (and at least a few rounds)
      for (let round = 0; round < 5 || !seedDone; round++) {
        const inputs = Array.from({ length: 100 }, (_, i) => ({
          siteId: 'live.example',
          eventType: 'page_view',
          path: `/r${round}/${i % 10}`,
          userId: `v${i % 13}`,
          timestamp: new Date().toISOString(),
        }));
        const res = await gql<{ recordEvents: { accepted: number } }>(server.graphqlUrl, RECORD_EVENTS, { inputs });
        accepted += res.body.data?.recordEvents.accepted ?? 0;
      }
      const { code, output } = await seed;
      expect(code, output).toBe(0);
      expect(output).toContain(`Loaded ${SEEDED} events`);
    } finally {
      // SIGTERM drains the server's buffer before it exits
      expect(await server.stop()).toBe(0);
    }
    expect(accepted).toBeGreaterThanOrEqual(500);
    const storage = await openStorage(url);
    try {
      expect(await countStored(storage, 'site_id = ?', 'live.example')).toBe(accepted);
      expect(await countStored(storage)).toBe(SEEDED + accepted);
    } finally {
      await storage.close();
    }
  }, 180_000);
});
