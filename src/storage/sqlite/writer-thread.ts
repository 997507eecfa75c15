// SQLite only: the request thread's side of the writer thread (writer-worker.ts): write(batch) resolves when
// the batch and its rollups are committed, and rejects with SQLite's message when they are not,
// so the flusher keeps the batch and retries. A worker that dies is replaced; its pending writes
// fail (nothing of theirs was committed: each is one transaction) and are retried.
import { Worker } from 'node:worker_threads';
import type { EventRecord } from '../../core/event.js';
import { eventsJson } from '../batch.js';
import type { WriterReply, WriterRequest } from './writer-worker.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

// Run from the compiled build (dist/, what `npm start` runs) the worker is plain JavaScript. Run
// as TypeScript (tests, `npm run dev`), its entry registers tsx in the new thread first.
const WORKER = import.meta.url.endsWith('.js')
  ? new URL('./writer-worker.js', import.meta.url)
  : new URL('./writer-worker-entry.mjs', import.meta.url);

export class WriterThread {
  private worker!: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing = false;

  private constructor(
    private readonly databaseUrl: string,
    private readonly busyTimeoutMs?: number,
  ) {}

  static async start(databaseUrl: string, busyTimeoutMs?: number): Promise<WriterThread> {
    const thread = new WriterThread(databaseUrl, busyTimeoutMs);
    await thread.spawn();
    return thread;
  }

  private spawn(): Promise<void> {
    const worker = new Worker(WORKER, {
      workerData: { databaseUrl: this.databaseUrl, busyTimeoutMs: this.busyTimeoutMs },
      // A small young generation, as `npm start` gives the request thread (--max-semi-space-size=4):
      // resident memory stays ~100 MB lower under load, for a few more (cheap) scavenges.
      resourceLimits: { maxYoungGenerationSizeMb: 12 },
    });
    this.worker = worker;
    return new Promise((resolve, reject) => {
      worker.on('message', (message: WriterReply) => {
        if ('type' in message) return resolve();
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.ok) waiting?.resolve(message.result);
        else waiting?.reject(new Error(message.error));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        const error = new Error(`writer thread exited (code ${code}) before answering`);
        for (const waiting of this.pending.values()) waiting.reject(error);
        this.pending.clear();
        reject(error);
        if (!this.closing) void this.spawn().catch(() => undefined);
      });
    });
  }

  private request(message: DistributiveOmit<WriterRequest, 'id'>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  /** Writes one batch (events and rollups) in one transaction. */
  async write(events: readonly EventRecord[]): Promise<void> {
    await this.request({ type: 'write', rows: eventsJson(events) });
  }

  /** Runs a statement on the writer's own connection (maintenance and fault-injection tests). */
  query<T = unknown>(sql: string): Promise<T> {
    return this.request({ type: 'query', sql }) as Promise<T>;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.request({ type: 'close' });
    await this.worker.terminate();
  }
}
