// The flusher's retry schedule while writes fail: the delay doubles from backoffMs up to
// maxBackoffMs and resets after a success; the batch stays in the buffer throughout.
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../src/core/event.js';
import { Flusher } from '../../../src/ingestion/flusher.js';
import { RingBuffer } from '../../../src/ingestion/ring-buffer.js';

const event = (n: number): EventRecord => ({ siteId: 's', eventType: 'e', path: null, userId: null, timestamp: n });

describe('Flusher backoff', () => {
  it('doubles the retry delay up to the maximum, then writes the batch once', async () => {
    const ring = new RingBuffer<EventRecord>(10);
    let failures = 6;
    const written: number[] = [];
    const delays: number[] = [];
    const outcomes: boolean[] = [];
    const flusher = new Flusher(ring, {
      intervalMs: 60_000,
      batchSize: 10,
      backoffMs: 1,
      maxBackoffMs: 8,
      write: async (batch) => {
        if (failures-- > 0) throw new Error('database is locked');
        written.push(...batch.map((e) => e.timestamp));
      },
      onError: (_error, _attempt, retryInMs) => {
        delays.push(retryInMs);
        expect(ring.size).toBe(2);
      },
      onWrite: (_ms, events, ok) => {
        expect(events).toBe(2);
        outcomes.push(ok);
      },
    });
    ring.pushAll([event(1), event(2)]);
    await flusher.flush();
    expect(delays).toEqual([1, 2, 4, 8, 8, 8]);
    expect(outcomes).toEqual([false, false, false, false, false, false, true]);
    expect(written).toEqual([1, 2]);
    expect(flusher.status).toMatchObject({ failedFlushes: 6, consecutiveFailures: 0, flushedEvents: 2 });
  });
});
