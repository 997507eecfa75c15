import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../src/core/event.js';
import { Flusher } from '../../../src/ingestion/flusher.js';
import { RingBuffer } from '../../../src/ingestion/ring-buffer.js';

const event = (n: number): EventRecord => ({ siteId: 's', eventType: 'e', path: null, userId: null, timestamp: n });

/** A store that can be told to fail, recording what it committed. */
function store() {
  const committed: number[] = [];
  const s = {
    committed,
    failNext: 0,
    batches: [] as number[],
    write: async (batch: readonly EventRecord[]) => {
      if (s.failNext > 0) {
        s.failNext--;
        throw new Error('database is locked');
      }
      s.batches.push(batch.length);
      committed.push(...batch.map((e) => e.timestamp));
    },
  };
  return s;
}

describe('Flusher', () => {
  it('writes batches of at most batchSize, in order, and empties the buffer', async () => {
    const ring = new RingBuffer<EventRecord>(100);
    const s = store();
    const flusher = new Flusher(ring, { intervalMs: 60_000, batchSize: 4, write: s.write });
    ring.pushAll(Array.from({ length: 10 }, (_, i) => event(i)));
    await flusher.flush();
    expect(s.batches).toEqual([4, 4, 2]);
    expect(s.committed).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ring.size).toBe(0);
  });

  it('keeps a failed batch in the buffer, backs off, retries and writes it once', async () => {
    const ring = new RingBuffer<EventRecord>(100);
    const s = store();
    const errors: number[] = [];
    const flusher = new Flusher(ring, {
      intervalMs: 60_000,
      batchSize: 10,
      backoffMs: 5,
      write: s.write,
      onError: (_e, attempt) => errors.push(attempt),
    });
    ring.pushAll([event(1), event(2), event(3)]);
    s.failNext = 2;
    await flusher.flush();
    expect(errors).toEqual([1, 2]);
    expect(s.committed).toEqual([1, 2, 3]);
    expect(flusher.status).toMatchObject({ failedFlushes: 2, consecutiveFailures: 0, flushedEvents: 3 });
    expect(flusher.healthy).toBe(true);
  });

  it('reports unhealthy while failing', async () => {
    const ring = new RingBuffer<EventRecord>(10);
    const s = store();
    s.failNext = 1;
    const flusher = new Flusher(ring, { intervalMs: 5, batchSize: 10, backoffMs: 10_000, write: s.write });
    ring.push(event(1));
    flusher.start();
    await new Promise((r) => setTimeout(r, 50));
    expect(flusher.healthy).toBe(false);
    expect(flusher.status.lastError).toBe('database is locked');
    expect(ring.size).toBe(1);
  });

  it('starts a flush by itself when a full batch waits, without the timer', async () => {
    const ring = new RingBuffer<EventRecord>(100);
    const s = store();
    const flusher = new Flusher(ring, { intervalMs: 3_600_000, batchSize: 5, write: s.write });
    flusher.start();
    ring.pushAll([event(1), event(2), event(3), event(4), event(5)]);
    flusher.notify();
    await new Promise((r) => setTimeout(r, 20));
    expect(s.committed).toHaveLength(5);
    await flusher.stop();
  });

  it('flushes on the interval when fewer than a batch wait', async () => {
    const ring = new RingBuffer<EventRecord>(100);
    const s = store();
    const flusher = new Flusher(ring, { intervalMs: 10, batchSize: 1000, write: s.write });
    flusher.start();
    ring.push(event(7));
    flusher.notify();
    await new Promise((r) => setTimeout(r, 60));
    expect(s.committed).toEqual([7]);
    await flusher.stop();
  });

  it('stop() drains everything, also events that arrive during the drain', async () => {
    const ring = new RingBuffer<EventRecord>(1000);
    const s = store();
    const flusher = new Flusher(ring, { intervalMs: 60_000, batchSize: 100, write: s.write });
    ring.pushAll(Array.from({ length: 250 }, (_, i) => event(i)));
    const stopping = flusher.stop();
    ring.push(event(999));
    await stopping;
    expect(s.committed).toHaveLength(251);
    expect(ring.size).toBe(0);
  });

  it('never writes a batch twice when flush() is called concurrently', async () => {
    const ring = new RingBuffer<EventRecord>(1000);
    const s = store();
    const flusher = new Flusher(ring, { intervalMs: 60_000, batchSize: 10, write: s.write });
    ring.pushAll(Array.from({ length: 95 }, (_, i) => event(i)));
    await Promise.all([flusher.flush(), flusher.flush(), flusher.flush()]);
    expect(s.committed).toEqual(Array.from({ length: 95 }, (_, i) => i));
  });
});
