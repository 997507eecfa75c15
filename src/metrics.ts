// Prometheus metrics of one Pulse (prom-client, its own registry). Counts are read at scrape time
// from the plain counters Ingest, Flusher, the buffer, the bot filter and LiveStats already keep,
// so the request path does no metrics work; only flush durations are observed as they happen.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Flusher } from './ingestion/flusher.js';
import type { Ingest, RefusalReason } from './ingestion/ingest.js';
import type { BotCount } from './ingestion/pipeline.js';
import type { RingBuffer } from './ingestion/ring-buffer.js';
import type { ChangeFeed } from './live/change-feed.js';
import type { LiveStats } from './live/live-stats.js';

export interface MetricSources {
  ingest: Ingest;
  flusher: Flusher;
  buffer: RingBuffer<unknown>;
  bots: BotCount;
  live: LiveStats;
  /** the Redis change feed, with REDIS_URL */
  changeFeed?: ChangeFeed | null;
}

const REFUSAL_REASONS: readonly RefusalReason[] = [
  'invalid',
  'too_large',
  'forbidden',
  'rate_limited',
  'overloaded',
  'stopping',
];

export class Metrics {
  readonly registry = new Registry();
  private sources: MetricSources | null = null;
  private readonly flushDuration: Histogram<'outcome'>;

  constructor({ defaultMetrics = true }: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    // Process metrics (resident memory, CPU, heap, event loop lag) under their usual names.
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
    const from = (read: (s: MetricSources) => number) => () => (this.sources ? read(this.sources) : 0);

    new Counter({
      name: 'pulse_events_accepted_total',
      help: 'Events accepted into the ingest buffer (each will be stored once).',
      registers,
      collect: counted(from((s) => s.ingest.acceptedEvents)),
    });
    const refused = REFUSAL_REASONS.map((reason) => [reason, growth(from((s) => s.ingest.refused[reason]))] as const);
    new Counter({
      name: 'pulse_ingest_refused_total',
      help: 'Ingest requests refused with nothing accepted, by reason (invalid, too_large, forbidden, rate_limited, overloaded, stopping).',
      labelNames: ['reason'],
      registers,
      collect() {
        for (const [reason, add] of refused) add(this.labels(reason));
      },
    });
    new Counter({
      name: 'pulse_events_dropped_total',
      help: 'Events answered as accepted but not stored, by reason (bot: a bot User-Agent on a browser route).',
      labelNames: ['reason'],
      registers,
      collect: (() => {
        const bots = growth(from((s) => s.bots.bots));
        return function (this: Counter<'reason'>) {
          bots(this.labels('bot'));
        };
      })(),
    });
    new Counter({
      name: 'pulse_events_flushed_total',
      help: 'Events written to the database.',
      registers,
      collect: counted(from((s) => s.flusher.status.flushedEvents)),
    });
    new Counter({
      name: 'pulse_flushes_total',
      help: 'Committed flush transactions.',
      registers,
      collect: counted(from((s) => s.flusher.status.flushes)),
    });
    new Counter({
      name: 'pulse_flush_retries_total',
      help: 'Failed flush attempts (database locked, read-only, full ...); the batch stays buffered and is retried.',
      registers,
      collect: counted(from((s) => s.flusher.status.failedFlushes)),
    });
    this.flushDuration = new Histogram({
      name: 'pulse_flush_duration_seconds',
      help: 'Time one flush attempt took to write its batch, by outcome (ok, error).',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    const gauge = (name: string, help: string, read: (s: MetricSources) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(from(read)());
        },
      });
    gauge('pulse_buffer_events', 'Events accepted and waiting in the buffer for a flush.', (s) => s.buffer.size);
    gauge('pulse_buffer_capacity', 'Events the buffer holds (PULSE_BUFFER_CAPACITY).', (s) => s.buffer.capacity);
    gauge('pulse_flusher_healthy', '1 while flushes succeed, 0 while they fail and are retried.', (s) =>
      s.flusher.healthy ? 1 : 0,
    );
    gauge('pulse_live_subscribers', 'Open liveStats subscriptions on this instance.', (s) => s.live.subscriberCount);
  }

  /** Connects the metrics to what they read (built after the flusher, which reports to observeFlush). */
  bind(sources: MetricSources): void {
    this.sources = sources;
    const feed = sources.changeFeed;
    if (!feed) return;
    const registers = [this.registry];
    new Gauge({
      name: 'pulse_live_feed_up',
      help: '1 while the Redis change feed (REDIS_URL) is connected and subscribed, 0 while live updates are degraded.',
      registers,
      collect() {
        this.set(feed.state.ok ? 1 : 0);
      },
    });
    const kinds = (['published', 'dropped', 'received'] as const).map(
      (kind) => [kind, growth(() => feed.counts[kind])] as const,
    );
    const messages = new Counter({
      name: 'pulse_live_feed_messages_total',
      help: 'Change-feed messages: published to Redis, dropped (Redis unreachable), received from other instances.',
      labelNames: ['kind'],
      registers,
      collect() {
        for (const [kind, add] of kinds) add(this.labels(kind));
      },
    });
    // every kind shown from the first scrape, at 0 until it happens
    for (const [kind] of kinds) messages.labels(kind).inc(0);
  }

  /** The flusher's onWrite hook. */
  observeFlush(durationMs: number, _events: number, ok: boolean): void {
    this.flushDuration.observe({ outcome: ok ? 'ok' : 'error' }, durationMs / 1000);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Adds to a counter what a plain, only-growing number gained since the last scrape. */
function growth(read: () => number): (counter: { inc(by: number): void }) => void {
  let seen = 0;
  return (counter) => {
    const value = read();
    if (value > seen) {
      counter.inc(value - seen);
      seen = value;
    }
  };
}

/** growth() as the collect function of an unlabelled counter. */
function counted(read: () => number): (this: Counter) => void {
  const add = growth(read);
  return function (this: Counter) {
    add(this);
  };
}
