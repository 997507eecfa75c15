// "Nothing accepted is lost on stop": events that are only in the buffer when SIGTERM arrives are
// in the database after the process exits, exactly once each.
import { afterAll, describe, expect, it } from 'vitest';
import { countStoredEvents, freshDatabase } from '../helpers/db.js';
import { gql, RECORD_EVENTS, siteStats } from '../helpers/e2e.js';
import { type RunningServer, startServer } from '../helpers/server.js';

const BATCHES = 100;
const PER_BATCH = 100;
const TOTAL = BATCHES * PER_BATCH;
const SITE = 'shutdown-site';

const started: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
});

function batch(b: number) {
  return Array.from({ length: PER_BATCH }, (_, i) => {
    const n = b * PER_BATCH + i;
    return {
      siteId: SITE,
      eventType: n % 10 === 0 ? 'click' : 'page_view',
      path: `/p/${n % 7}`,
      userId: `user-${n}`,
      timestamp: new Date(Date.UTC(2025, 10, 15, 0, 0, 0, n)).toISOString(),
    };
  });
}

describe('graceful stop', () => {
  it('writes every accepted event before exiting on SIGTERM', async () => {
    const db = freshDatabase();
    const first = await startServer({
      DATABASE_URL: db.url,
      // Nothing is flushed while the test runs: only the stop can write these events.
      PULSE_FLUSH_INTERVAL_MS: '600000',
      PULSE_FLUSH_BATCH_SIZE: '100000',
      PULSE_BUFFER_CAPACITY: '200000',
    });
    started.push(first);

    let accepted = 0;
    // A few requests in flight at a time, as real clients would send them.
    for (let b = 0; b < BATCHES; b += 4) {
      const answers = await Promise.all(
        [b, b + 1, b + 2, b + 3]
          .filter((x) => x < BATCHES)
          .map((x) =>
            gql<{ recordEvents: { accepted: number } }>(first.graphqlUrl, RECORD_EVENTS, { inputs: batch(x) }),
          ),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({ data: { recordEvents: { accepted: PER_BATCH } } });
        accepted += answer.body.data?.recordEvents.accepted ?? 0;
      }
    }
    expect(accepted).toBe(TOTAL);

    // Accepted, but still buffered: the database does not hold them all yet.
    expect(countStoredEvents(db.path)).toBeLessThan(TOTAL);

    const code = await first.stop('SIGTERM');
    expect(code, first.output()).toBe(0);

    // The database file alone, read directly after the process is gone.
    expect(countStoredEvents(db.path)).toBe(TOTAL);
    expect(countStoredEvents(db.path, 'site_id = ?', SITE)).toBe(TOTAL);

    // A new process on the same database sees all of them, each once.
    const second = await startServer({ DATABASE_URL: db.url });
    started.push(second);
    const stats = await siteStats(second.graphqlUrl, SITE);
    expect(stats.totalEvents).toBe(TOTAL);
    expect(stats.uniqueUsers).toBe(TOTAL);
    expect(stats.totalViews).toBe(TOTAL - TOTAL / 10);
    const day = await siteStats(second.graphqlUrl, SITE, '2025-11-15');
    expect(day.totalEvents).toBe(TOTAL);
    expect(countStoredEvents(db.path)).toBe(TOTAL);

    expect(await second.stop('SIGTERM')).toBe(0);
  });
});
