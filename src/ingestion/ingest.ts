// The one way into Pulse: validated events run through the pipeline and into the ring buffer,
// all or nothing. Every adapter (GraphQL, REST, pixel) calls submit().
import { overloaded, stopping } from '../errors.js';
import type { EventRecord } from './event.js';
import type { Flusher } from './flusher.js';
import { type HitContext, type PipelineResult, runPipeline, type Step } from './pipeline.js';
import type { RingBuffer } from './ring-buffer.js';

export class Ingest {
  private accepting = true;
  acceptedEvents = 0;
  rejectedOverloaded = 0;

  constructor(
    private readonly buffer: RingBuffer<EventRecord>,
    private readonly flusher: Flusher,
    private readonly steps: readonly Step[] = [],
  ) {}

  /** Buffers the events (after the pipeline) or throws OVERLOADED having buffered none. */
  submit(events: readonly EventRecord[], hit?: HitContext): PipelineResult {
    if (!this.accepting) throw stopping();
    const result = runPipeline(this.steps, events, hit);
    if (!this.buffer.pushAll(result.kept)) {
      this.rejectedOverloaded += result.kept.length;
      throw overloaded();
    }
    this.acceptedEvents += result.kept.length;
    this.flusher.notify();
    return result;
  }

  /** Stops taking events: every later submit() answers OVERLOADED. */
  close(): void {
    this.accepting = false;
  }

  get isAccepting(): boolean {
    return this.accepting;
  }

  get bufferFull(): boolean {
    return this.buffer.free === 0;
  }
}
