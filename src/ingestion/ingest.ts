// The one way into Pulse: validated events run through the pipeline and into the ring buffer,
// all or nothing. Every adapter (GraphQL, REST, pixel) calls submit().
import type { EventRecord } from '../core/event.js';
import { forbiddenSite, overloaded, stopping } from '../errors.js';
import { type EventIds, EventIdsExhaustedError } from './event-ids.js';
import type { Flusher } from './flusher.js';
import { type HitContext, type PipelineResult, runPipeline, type Step } from './pipeline.js';
import type { RingBuffer } from './ring-buffer.js';

/** Why a request put nothing in the buffer. */
export type RefusalReason = 'invalid' | 'too_large' | 'forbidden' | 'rate_limited' | 'overloaded' | 'stopping';

export class Ingest {
  private accepting = true;
  acceptedEvents = 0;
  /** refused requests by reason (for the metrics): submit() counts its own, adapters what they refuse first */
  readonly refused: Record<RefusalReason, number> = {
    invalid: 0,
    too_large: 0,
    forbidden: 0,
    rate_limited: 0,
    overloaded: 0,
    stopping: 0,
  };
  /** the sites whose events are taken (PULSE_ALLOWED_SITES); null: every site */
  allowedSites: ReadonlySet<string> | null = null;

  constructor(
    private readonly buffer: RingBuffer<EventRecord>,
    private readonly flusher: Flusher,
    /** ids given at accept time let storage insert each event once (ingestion/event-ids.ts) */
    private readonly ids: EventIds,
    private readonly steps: readonly Step[] = [],
  ) {}

  /**
   * Buffers the events (after the pipeline) or throws OVERLOADED having buffered none. The
   * records become Ingest's: the pipeline completes them in place (ingestion/pipeline.ts).
   */
  submit(events: readonly EventRecord[], hit?: HitContext): PipelineResult {
    if (!this.accepting) {
      this.refused.stopping++;
      throw stopping();
    }
    if (this.allowedSites !== null) this.checkSites(events, this.allowedSites);
    const result = runPipeline(this.steps, events, hit);
    if (result.kept.length > this.buffer.free) {
      this.refused.overloaded++;
      throw overloaded();
    }
    let id: number;
    try {
      id = this.ids.take(result.kept.length);
    } catch (error) {
      if (!(error instanceof EventIdsExhaustedError)) throw error;
      this.refused.overloaded++;
      throw overloaded();
    }
    for (const event of result.kept) event.id = id++;
    this.buffer.pushAll(result.kept);
    this.acceptedEvents += result.kept.length;
    this.flusher.notify();
    return result;
  }

  /** FORBIDDEN for the whole request when any of its events is for a site not allowed. */
  private checkSites(events: readonly EventRecord[], allowed: ReadonlySet<string>): void {
    for (const event of events) {
      if (!allowed.has(event.siteId)) {
        this.refused.forbidden++;
        throw forbiddenSite(event.siteId);
      }
    }
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
