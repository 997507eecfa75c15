// Overload on the real server: bursts far beyond the buffer's capacity, first while another writer
// holds the database (nothing can flush), then while flushes run. Every answer is "accepted" or
// OVERLOADED / 503 (nothing else, nothing half-taken), and exactly the accepted events are stored.
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { countStoredEvents, freshDatabase } from '../helpers/db.js';
import { RECORD_EVENT, RECORD_EVENTS, waitUntil } from '../helpers/e2e.js';
import { BROWSER_UA } from '../helpers/hardening.js';
import { type RunningServer, startServer } from '../helpers/server.js';

const CAPACITY = 200;
const SITE = 'burst-site';
const TS = '2025-11-15T12:00:00Z';

let server: RunningServer | undefined;
afterAll(async () => {
  await server?.stop();
});

type Outcome = { accepted: number } | 'overloaded';

async function oneRequest(baseUrl: string, n: number): Promise<Outcome> {
  const event = { siteId: SITE, eventType: 'page_view', path: `/b/${n}`, timestamp: TS };
  switch (n % 4) {
    case 0: {
      const res = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: RECORD_EVENTS, variables: { inputs: [event, event, event, event, event] } }),
      });
      const body = (await res.json()) as {
        data?: { recordEvents: { accepted: number } };
        errors?: { extensions?: { code?: string } }[];
      };
      if (body.data) return { accepted: body.data.recordEvents.accepted };
      expect(body.errors?.[0]?.extensions?.code, JSON.stringify(body)).toBe('OVERLOADED');
      return 'overloaded';
    }
    case 1: {
      const res = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: RECORD_EVENT, variables: { input: event } }),
      });
      const body = (await res.json()) as {
        data?: { recordEvent: { accepted: boolean } };
        errors?: { extensions?: { code?: string } }[];
      };
      if (body.data?.recordEvent.accepted) return { accepted: 1 };
      expect(body.errors?.[0]?.extensions?.code, JSON.stringify(body)).toBe('OVERLOADED');
      return 'overloaded';
    }
    case 2: {
      const res = await fetch(`${baseUrl}/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ site_id: SITE, event_type: 'page_view', path: `/b/${n}`, timestamp: TS }),
      });
      const body = await res.text();
      if (res.status === 202) return { accepted: 1 };
      expect(res.status, body).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      return 'overloaded';
    }
    default: {
      const res = await fetch(`${baseUrl}/pixel.gif?site_id=${SITE}&path=/b/${n}`, {
        headers: { 'user-agent': BROWSER_UA },
      });
      await res.arrayBuffer();
      if (res.status === 200) return { accepted: 1 };
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      return 'overloaded';
    }
  }
}

/** `total` requests, `inFlight` at a time; returns events accepted and requests refused. */
async function burst(baseUrl: string, from: number, total: number, inFlight: number) {
  let next = from;
  const tally = { accepted: 0, overloaded: 0 };
  const worker = async () => {
    while (next < from + total) {
      const outcome = await oneRequest(baseUrl, next++);
      if (outcome === 'overloaded') tally.overloaded++;
      else tally.accepted += outcome.accepted;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return tally;
}

describe('a burst far beyond the buffer', () => {
  it('answers only accepted or OVERLOADED, and stores exactly what it accepted', async () => {
    const db = freshDatabase();
    server = await startServer({
      DATABASE_URL: db.url,
      PULSE_BUFFER_CAPACITY: String(CAPACITY),
      PULSE_FLUSH_INTERVAL_MS: '20',
      PULSE_FLUSH_BATCH_SIZE: '100',
      PULSE_FLUSH_BACKOFF_MS: '10',
      PULSE_FLUSH_MAX_BACKOFF_MS: '100',
      PULSE_DB_BUSY_TIMEOUT_MS: '20',
    });
    const { baseUrl } = server;

    // 1. Nothing can flush: another writer holds the database.
    const other = new Database(db.path);
    other.exec('BEGIN IMMEDIATE');
    let blocked: { accepted: number; overloaded: number };
    try {
      blocked = await burst(baseUrl, 0, 600, 30);
      expect(countStoredEvents(db.path)).toBe(0);
      const ready = await fetch(`${baseUrl}/readyz`);
      expect(ready.status).toBe(503);
      await ready.arrayBuffer();
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // The buffer took what fitted (never more), and refused the rest whole.
    expect(blocked.accepted).toBeLessThanOrEqual(CAPACITY);
    expect(blocked.accepted).toBeGreaterThan(CAPACITY - 5);
    expect(blocked.overloaded).toBeGreaterThan(400);

    // 2. The same burst while flushes run.
    const flowing = await burst(baseUrl, 1000, 1200, 30);
    const accepted = blocked.accepted + flowing.accepted;
    expect(flowing.accepted).toBeGreaterThan(0);

    await waitUntil(
      () => countStoredEvents(db.path),
      (n) => n >= accepted,
    );
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(countStoredEvents(db.path)).toBe(accepted);
  });
});
