// Named steps between validation and the buffer. Each step returns the (possibly changed) event
// or the reason it is dropped; the pipeline reports what it kept and what it dropped and why.
// The records are the pipeline's own (Ingest.submit takes them over from the validation that
// made them), so steps change them in place: a copy per step and event was most of the garbage
// an ingest request left behind (test/bench/probes/ingest-path.ts, PROBE_ALLOC=1).
import { isbot } from 'isbot';
import type { EventRecord } from '../core/event.js';
import type { VisitorIds } from './visitor-id.js';

/** What an adapter knows about the hit beyond the event itself. */
export interface HitContext {
  /** the client address (never stored or logged; ingestion/country.ts reads it) */
  ip: string;
  userAgent: string;
  /**
   * The URL of the page the hit came from, when known (the pixel's Referer header; the Origin,
   * else Referer header of other requests): a referrer on its host is no source.
   */
  page?: string;
  /**
   * A browser hit (pixel, sendBeacon): an event without userId gets an anonymous visitor id, and
   * a bot User-Agent drops the event. Not set for server-side calls (GraphQL, JSON POST /event),
   * whose attributes are still derived (ingestion/attributes.ts).
   */
  anonymousVisitor: boolean;
}

export type StepResult = EventRecord | { drop: string };
export type Step = (event: EventRecord, hit: HitContext) => StepResult;

export interface PipelineResult {
  kept: EventRecord[];
  dropped: Record<string, number>;
}

export function runPipeline(steps: readonly Step[], events: readonly EventRecord[], hit?: HitContext): PipelineResult {
  if (!hit || steps.length === 0) return { kept: events as EventRecord[], dropped: {} };
  // `kept` is the input array itself until an event is dropped or replaced (the usual case:
  // steps return the event they were given), then a copy from there on.
  let kept: EventRecord[] | null = null;
  const dropped: Record<string, number> = {};
  outer: for (let i = 0; i < events.length; i++) {
    let event = events[i] as EventRecord;
    for (const step of steps) {
      const result = step(event, hit);
      if ('drop' in result) {
        dropped[result.drop] = (dropped[result.drop] ?? 0) + 1;
        kept ??= events.slice(0, i);
        continue outer;
      }
      event = result;
    }
    if (kept === null && event !== events[i]) kept = events.slice(0, i);
    kept?.push(event);
  }
  return { kept: kept ?? (events as EventRecord[]), dropped };
}

export function deriveVisitorId(visitors: VisitorIds): Step {
  return (event, hit) => {
    if (event.userId === null && hit.anonymousVisitor) {
      event.userId = visitors.derive(event.siteId, hit.ip, hit.userAgent);
    }
    return event;
  };
}

const BOT: StepResult = Object.freeze({ drop: 'bot' });

/** Counts of what dropBots dropped, read by the metrics. */
export interface BotCount {
  bots: number;
}

/**
 * Drops browser hits whose User-Agent is a known bot or crawler (the isbot list), as Plausible
 * does: the client still gets its normal answer, the event is counted but not stored.
 */
/**
 * isbot's pattern is long, and a site's hits come from few distinct User-Agents, so answers are
 * remembered (bounded: forgotten all at once when full).
 */
export function cachedIsBot(limit = 2000): (userAgent: string) => boolean {
  let seen = new Map<string, boolean>();
  return (userAgent) => {
    let bot = seen.get(userAgent);
    if (bot === undefined) {
      bot = isbot(userAgent);
      if (seen.size >= limit) seen = new Map();
      seen.set(userAgent, bot);
    }
    return bot;
  };
}

export function dropBots(count: BotCount = { bots: 0 }, isBot = cachedIsBot()): Step {
  return (event, hit) => {
    if (!hit.anonymousVisitor || !isBot(hit.userAgent)) return event;
    count.bots++;
    return BOT;
  };
}
