// Moves accepted events from the ring buffer to storage: a flush starts when `intervalMs` has
// passed or `batchSize` events wait; a failed write leaves the batch in the buffer and backs off;
// stop() drains everything. Only the flusher removes events from the buffer.
import type { EventRecord } from '../core/event.js';
import type { RingBuffer } from './ring-buffer.js';

export interface FlusherOptions {
  intervalMs: number;
  batchSize: number;
  /** writes one batch in one transaction; throws when nothing was written */
  write: (batch: readonly EventRecord[]) => Promise<void>;
  /** called after each committed batch */
  onFlushed?: (batch: readonly EventRecord[]) => void;
  onError?: (error: unknown, attempt: number, retryInMs: number) => void;
  /** called after every write attempt with its duration (for metrics) */
  onWrite?: (durationMs: number, events: number, ok: boolean) => void;
  /** first retry delay; doubles per consecutive failure up to maxBackoffMs */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export interface FlusherStatus {
  flushedEvents: number;
  flushes: number;
  failedFlushes: number;
  consecutiveFailures: number;
  lastError: string | null;
}

export class Flusher {
  private readonly opts: Required<Omit<FlusherOptions, 'onFlushed' | 'onError' | 'onWrite'>> & FlusherOptions;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private retryAt = 0;
  private immediateQueued = false;
  readonly status: FlusherStatus = {
    flushedEvents: 0,
    flushes: 0,
    failedFlushes: 0,
    consecutiveFailures: 0,
    lastError: null,
  };

  constructor(
    private readonly buffer: RingBuffer<EventRecord>,
    options: FlusherOptions,
  ) {
    this.opts = { backoffMs: 50, maxBackoffMs: 5_000, ...options };
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** Tells the flusher events were added: a full batch starts a flush without waiting for the timer. */
  notify(): void {
    if (this.buffer.size >= this.opts.batchSize && !this.immediateQueued && !this.running) {
      this.immediateQueued = true;
      setImmediate(() => {
        this.immediateQueued = false;
        this.kick();
      });
    }
  }

  get healthy(): boolean {
    return this.status.consecutiveFailures === 0;
  }

  private kick(): void {
    if (this.running || this.buffer.size === 0 || Date.now() < this.retryAt) return;
    this.running = this.drainOnce().finally(() => {
      this.running = null;
      if (this.buffer.size >= this.opts.batchSize) this.notify();
    });
  }

  /** Writes batches while full batches wait; stops at the first failure. */
  private async drainOnce(): Promise<void> {
    do {
      if (!(await this.writeBatch())) return;
    } while (this.buffer.size >= this.opts.batchSize);
  }

  private async writeBatch(): Promise<boolean> {
    const batch = this.buffer.peek(this.opts.batchSize);
    if (batch.length === 0) return true;
    const started = performance.now();
    try {
      await this.opts.write(batch);
    } catch (error) {
      this.opts.onWrite?.(performance.now() - started, batch.length, false);
      const attempt = ++this.status.consecutiveFailures;
      this.status.failedFlushes++;
      this.status.lastError = error instanceof Error ? error.message : String(error);
      const delay = Math.min(this.opts.backoffMs * 2 ** (attempt - 1), this.opts.maxBackoffMs);
      this.retryAt = Date.now() + delay;
      this.opts.onError?.(error, attempt, delay);
      return false;
    }
    this.opts.onWrite?.(performance.now() - started, batch.length, true);
    this.buffer.drop(batch.length);
    this.status.consecutiveFailures = 0;
    this.status.lastError = null;
    this.retryAt = 0;
    this.status.flushes++;
    this.status.flushedEvents += batch.length;
    this.opts.onFlushed?.(batch);
    return true;
  }

  /**
   * Writes everything in the buffer now, retrying failures with backoff until it is empty.
   * Used on stop and by tests; events accepted meanwhile are written too.
   */
  async flush(): Promise<void> {
    for (;;) {
      // Re-checked after every await: another caller or the timer may have started a write.
      while (this.running) await this.running;
      if (this.buffer.size === 0) return;
      const wait = this.retryAt - Date.now();
      if (wait > 0) {
        await new Promise((r) => setTimeout(r, wait));
        continue;
      }
      this.running = this.writeBatch()
        .then(() => undefined)
        .finally(() => {
          this.running = null;
        });
    }
  }

  /** Stops the timer and drains the buffer completely. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
