// The writer thread dying (an out-of-memory kill, a native crash) loses nothing: the write it
// had in hand fails, the flusher keeps the batch, a new thread takes over, and every accepted
// event is stored once.
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { SqliteStorage } from '../../src/storage/sqlite/index.js';
import { testApp } from '../helpers/app.js';
import { countStoredEvents } from '../helpers/db.js';
import { RECORD_EVENTS } from '../helpers/e2e.js';

const inputs = (n: number, from: number) =>
  Array.from({ length: n }, (_, i) => ({
    siteId: 'crash-site',
    eventType: 'page_view',
    path: `/p/${from + i}`,
    timestamp: '2025-11-15T12:00:00Z',
  }));

describe('writer thread', () => {
  it('is replaced when it dies, and every accepted event is stored once', async () => {
    const { app, gql, dbPath } = await testApp({ PULSE_FLUSH_BACKOFF_MS: 10 });
    expect((await gql(RECORD_EVENTS, { inputs: inputs(50, 0) })).body.data).toEqual({ recordEvents: { accepted: 50 } });
    await app.flusher.flush();
    // Kill the thread the way a crash would, with a batch on its way.
    const worker = ((app.storage as SqliteStorage).writer as unknown as { worker: Worker }).worker;
    expect((await gql(RECORD_EVENTS, { inputs: inputs(50, 50) })).body.data).toEqual({
      recordEvents: { accepted: 50 },
    });
    const flushing = app.flusher.flush();
    await worker.terminate();
    await flushing;
    expect((await gql(RECORD_EVENTS, { inputs: inputs(50, 100) })).body.data).toEqual({
      recordEvents: { accepted: 50 },
    });
    await app.flusher.flush();
    expect(((app.storage as SqliteStorage).writer as unknown as { worker: Worker }).worker).not.toBe(worker);
    expect(countStoredEvents(dbPath, 'site_id = ?', 'crash-site')).toBe(150);
    const stats = await gql('{ siteStats(siteId: "crash-site") { totalEvents } }');
    expect(stats.body.data).toEqual({ siteStats: { totalEvents: 150 } });
  });
});
