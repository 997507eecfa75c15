// kill -9: the database stays intact (PRAGMA integrity_check), the server starts again on it, and
// what is lost is exactly what was accepted but not yet flushed (docs/api.md, "Ingestion
// semantics"). Also a kill in the middle of flushing under load: each flush commits whole or not
// at all (events and the stats rollups together), so the stats agree with the rows after the restart.
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { countStoredEvents, freshDatabase } from '../helpers/db.js';
import { gql, RECORD_EVENTS, siteStats, waitUntil } from '../helpers/e2e.js';
import { metricValue, scrape } from '../helpers/hardening.js';
import { type RunningServer, startServer } from '../helpers/server.js';

const started: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop('SIGKILL')));
});

function integrity(dbPath: string): { check: string; rows: number; ids: number } {
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    const check = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('; ');
    const { rows, ids } = db.prepare('SELECT COUNT(*) AS rows, COUNT(DISTINCT id) AS ids FROM events').get() as {
      rows: number;
      ids: number;
    };
    return { check, rows, ids };
  } finally {
    db.close();
  }
}

const batch = (site: string, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    siteId: site,
    eventType: 'page_view',
    path: `/k/${(from + i) % 7}`,
    userId: `u${from + i}`,
    timestamp: '2025-11-15T12:00:00Z',
  }));

async function kill9(server: RunningServer): Promise<void> {
  const code = await server.stop('SIGKILL');
  expect(code).toBeNull();
  expect(server.proc.signalCode).toBe('SIGKILL');
}

describe('kill -9', () => {
  it('loses exactly the events accepted since the last flush; the database is intact and serves again', async () => {
    const db = freshDatabase();
    const site = 'crash-site';
    // Flushes start only when a full batch of 100 waits (the timer is an hour).
    const env = { DATABASE_URL: db.url, PULSE_FLUSH_INTERVAL_MS: '3600000', PULSE_FLUSH_BATCH_SIZE: '100' };
    const first = await startServer(env);
    started.push(first);
    for (let b = 0; b < 21; b++) {
      const res = await gql(first.graphqlUrl, RECORD_EVENTS, { inputs: batch(site, b * 50, 50) });
      expect(res.body).toEqual({ data: { recordEvents: { accepted: 50 } } });
    }
    // 1050 accepted: ten full batches flushed, 50 waiting for the next flush.
    const metrics = await waitUntil(
      () => scrape(first.baseUrl),
      (text) => metricValue(text, 'pulse_events_flushed_total') === 1000,
    );
    expect(metricValue(metrics, 'pulse_events_accepted_total')).toBe(1050);
    expect(metricValue(metrics, 'pulse_buffer_events')).toBe(50);

    await kill9(first);
    const after = integrity(db.path);
    expect(after.check).toBe('ok');
    expect(after.rows).toBe(1000);
    expect(after.ids).toBe(1000);

    // It starts again on the same file, its stats agree with the rows, and new events get new ids.
    const second = await startServer(env);
    started.push(second);
    expect((await siteStats(second.graphqlUrl, site)).totalEvents).toBe(1000);
    const more = await gql(second.graphqlUrl, RECORD_EVENTS, { inputs: batch(site, 5000, 10) });
    expect(more.body).toEqual({ data: { recordEvents: { accepted: 10 } } });
    expect(await second.stop('SIGTERM')).toBe(0);
    const final = integrity(db.path);
    expect(final).toEqual({ check: 'ok', rows: 1010, ids: 1010 });
  });

  it('in the middle of flushing under load leaves whole flushes only, and stats that match the rows', async () => {
    const db = freshDatabase();
    const site = 'crash-load';
    const env = {
      DATABASE_URL: db.url,
      PULSE_FLUSH_INTERVAL_MS: '10',
      PULSE_FLUSH_BATCH_SIZE: '500',
      PULSE_BUFFER_CAPACITY: '20000',
    };
    const first = await startServer(env);
    started.push(first);
    let accepted = 0;
    let stop = false;
    const client = async (c: number) => {
      for (let b = 0; !stop; b++) {
        try {
          const res = await gql<{ recordEvents: { accepted: number } }>(first.graphqlUrl, RECORD_EVENTS, {
            inputs: batch(site, c * 1_000_000 + b * 40, 40),
          });
          accepted += res.body.data?.recordEvents.accepted ?? 0;
        } catch {
          return; // the server is gone
        }
      }
    };
    const clients = Array.from({ length: 6 }, (_, c) => client(c));
    // Kill once flushes are well under way.
    await waitUntil(
      () => countStoredEvents(db.path),
      (n) => n >= 5000,
      { timeoutMs: 20_000 },
    );
    await kill9(first);
    stop = true;
    await Promise.all(clients);

    const after = integrity(db.path);
    expect(after.check).toBe('ok');
    expect(after.ids).toBe(after.rows);
    expect(after.rows).toBeGreaterThanOrEqual(5000);
    // lost: at most what the buffer could hold
    expect(accepted - after.rows).toBeGreaterThanOrEqual(0);
    expect(accepted - after.rows).toBeLessThanOrEqual(20_000);

    const second = await startServer(env);
    started.push(second);
    const stats = await siteStats(second.graphqlUrl, site);
    expect(stats.totalEvents).toBe(after.rows);
    expect(stats.uniqueUsers).toBe(after.rows);
    expect(await second.stop('SIGTERM')).toBe(0);
  });
});
