// Fault injection with real SQLite conditions on a running app: the database locked by another
// writer, read-only, and full. While a fault lasts, ingestion keeps accepting into the buffer, the
// flusher keeps the events and retries with backoff, and /readyz says not ready; once the fault
// clears, every accepted event is stored exactly once (rows, ids and the stats all agree).
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../helpers/app.js';
import { countStoredEvents } from '../helpers/db.js';
import { RECORD_EVENTS, waitUntil } from '../helpers/e2e.js';
import {
  BROWSER_UA,
  diskFull,
  type Fault,
  listen,
  lockedByAnotherWriter,
  metricValue,
  readOnly,
  scrape,
} from '../helpers/hardening.js';

const SITE = 'fault-site';
const TS = '2025-11-15T12:00:00Z';
// Long paths, so a batch needs new database pages (the disk-full fault refuses them).
const longPath = (n: number) => `/${'p'.repeat(1200)}/${n}`;

/** [when, the fault, what SQLite says] */
const FAULTS: [string, (t: TestApp) => Fault, RegExp][] = [
  ['the database is locked by another writer', (t) => lockedByAnotherWriter(t.dbPath), /database is locked/i],
  ['the database is read-only', (t) => readOnly(t.app), /readonly/i],
  ['the disk is full', (t) => diskFull(t.app), /database or disk is full/i],
];

/** Sends events over GraphQL (fast path), REST (JSON and beacon) and the pixel; returns how many were accepted. */
async function sendMixed(baseUrl: string, from: number, count: number): Promise<number> {
  let accepted = 0;
  const inputs = Array.from({ length: count }, (_, i) => ({
    siteId: SITE,
    eventType: 'page_view',
    path: longPath(from + i),
    userId: `u${(from + i) % 13}`,
    timestamp: TS,
  }));
  const gql = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: RECORD_EVENTS, variables: { inputs } }),
  });
  const body = (await gql.json()) as { data?: { recordEvents: { accepted: number } } };
  accepted += body.data?.recordEvents.accepted ?? 0;
  for (const contentType of ['application/json', 'text/plain']) {
    const rest = await fetch(`${baseUrl}/event`, {
      method: 'POST',
      headers: { 'content-type': contentType, 'user-agent': BROWSER_UA },
      body: JSON.stringify({ site_id: SITE, event_type: 'signup', path: longPath(-from), timestamp: TS }),
    });
    if (rest.status === 202) accepted++;
  }
  const pixel = await fetch(`${baseUrl}/pixel.gif?site_id=${SITE}&path=${encodeURIComponent(longPath(from))}`, {
    headers: { 'user-agent': BROWSER_UA },
  });
  await pixel.arrayBuffer();
  if (pixel.status === 200) accepted++;
  return accepted;
}

function distinctIds(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(DISTINCT id) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('database faults', () => {
  it.each(FAULTS)(
    'when %s: events are kept, retried, reported not ready, then each stored once',
    async (_, make, sqliteError) => {
      const t = await testApp({
        PULSE_FLUSH_INTERVAL_MS: 10,
        PULSE_FLUSH_BACKOFF_MS: 5,
        PULSE_FLUSH_MAX_BACKOFF_MS: 40,
        PULSE_DB_BUSY_TIMEOUT_MS: 10,
      });
      const { baseUrl } = await listen(t.app);

      // Healthy first.
      let accepted = await sendMixed(baseUrl, 0, 40);
      expect(accepted).toBe(43);
      await waitUntil(
        () => countStoredEvents(t.dbPath),
        (n) => n === accepted,
      );
      const storedBefore = accepted;

      const fault = make(t);
      await fault.start();
      try {
        const failedBefore = t.app.flusher.status.failedFlushes;
        for (let round = 0; round < 3; round++) accepted += await sendMixed(baseUrl, 1000 * (round + 1), 100);
        // Nothing is refused while the database is down: the buffer takes it.
        expect(accepted).toBe(storedBefore + 3 * 103);

        // The flusher fails, keeps the events, and tries again (and again).
        await waitUntil(
          () => t.app.flusher.status.failedFlushes,
          (n) => n >= failedBefore + 3,
        );
        expect(t.app.flusher.status.lastError).toMatch(sqliteError);
        expect(countStoredEvents(t.dbPath)).toBe(storedBefore);
        expect(t.app.buffer.size).toBe(accepted - storedBefore);

        const ready = await fetch(`${baseUrl}/readyz`);
        expect(ready.status).toBe(503);
        const readyBody = (await ready.json()) as { status: string; problems: string[]; flush: string };
        expect(readyBody.status).toBe('unavailable');
        expect(readyBody.problems.join(' ')).toMatch(/flushes failing/);
        // the body names the failing dependency, and the ones still fine
        expect(readyBody).toMatchObject({ database: 'ok', buffer: 'ok' });
        expect(readyBody.flush).toMatch(/^failing: /);

        const metrics = await scrape(baseUrl);
        expect(metricValue(metrics, 'pulse_flusher_healthy')).toBe(0);
        expect(metricValue(metrics, 'pulse_flush_retries_total')).toBeGreaterThanOrEqual(3);
        expect(metricValue(metrics, 'pulse_buffer_events')).toBe(accepted - storedBefore);
        expect(metricValue(metrics, 'pulse_flush_duration_seconds_count', { outcome: 'error' })).toBeGreaterThan(0);
      } finally {
        await fault.stop();
      }

      // Cleared: everything accepted is stored, once.
      await waitUntil(
        () => countStoredEvents(t.dbPath),
        (n) => n >= accepted,
      );
      await t.app.flusher.flush();
      expect(countStoredEvents(t.dbPath)).toBe(accepted);
      expect(distinctIds(t.dbPath)).toBe(accepted);
      expect(t.app.buffer.size).toBe(0);

      const ready = await fetch(`${baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      const stats = await t.gql<{ siteStats: { totalEvents: number; totalViews: number } }>(
        '{ siteStats(siteId: "fault-site") { totalEvents totalViews } }',
      );
      expect(stats.body.data?.siteStats.totalEvents).toBe(accepted);
      const metrics = await scrape(baseUrl);
      expect(metricValue(metrics, 'pulse_events_accepted_total')).toBe(accepted);
      expect(metricValue(metrics, 'pulse_events_flushed_total')).toBe(accepted);
      expect(metricValue(metrics, 'pulse_flusher_healthy')).toBe(1);
    },
  );
});
