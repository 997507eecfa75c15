// Live stats: this instance's flushes, and (with REDIS_URL) other instances' through the change
// feed, report which sites changed; for sites with subscribers here, changes are coalesced (one
// stats query and at most one push per site per interval, the first at once) and published on the
// Yoga pubsub, which liveStats subscribers read.
import { createPubSub } from 'graphql-yoga';
import type { EventRecord } from '../core/event.js';
import type { SiteStats } from '../stats/scope.js';

export type LivePubSub = ReturnType<typeof createLivePubSub>;
export const createLivePubSub = () => createPubSub<{ liveStats: [siteId: string, stats: SiteStats] }>();

export interface LiveStatsOptions {
  pubsub: LivePubSub;
  /** today's stats of a site */
  loadToday: (siteId: string) => Promise<SiteStats>;
  intervalMs: number;
  onError?: (error: unknown) => void;
}

/** The distinct sites of a committed batch: what a flush tells subscribers and other instances. */
export function changedSites(batch: readonly EventRecord[]): string[] {
  const sites = new Set<string>();
  for (const event of batch) sites.add(event.siteId);
  return [...sites];
}

export class LiveStats {
  private readonly subscribers = new Map<string, number>();
  private readonly pending = new Set<string>();
  private readonly lastPushed = new Map<string, string>();
  /** today's stats being loaded for subscribers that just joined, per site */
  private readonly joining = new Map<string, Promise<SiteStats>>();
  private timer: NodeJS.Timeout | null = null;
  private pushing = false;
  private lastRunAt = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(private readonly opts: LiveStatsOptions) {}

  get subscriberCount(): number {
    let n = 0;
    for (const c of this.subscribers.values()) n += c;
    return n;
  }

  /** Called after each committed flush of this instance. */
  eventsStored(batch: readonly EventRecord[]): void {
    if (this.subscribers.size > 0) this.sitesChanged(changedSites(batch));
  }

  /** These sites have new stored events (flushed here or, via the change feed, elsewhere). */
  sitesChanged(siteIds: Iterable<string>): void {
    if (this.subscribers.size === 0) return;
    for (const siteId of siteIds) {
      if (this.subscribers.has(siteId)) this.pending.add(siteId);
    }
    this.schedule();
  }

  /** Recomputes every subscribed site (pushing only what changed): after missed change messages. */
  refreshAll(): void {
    for (const siteId of this.subscribers.keys()) this.pending.add(siteId);
    this.schedule();
  }

  /**
   * Runs are at least `intervalMs` apart and each pushes a site at most once, so a site gets at
   * most one push per interval; a change after a quiet spell is pushed at once, not an interval late.
   */
  private schedule(): void {
    if (this.pending.size === 0 || this.timer || this.pushing) return;
    const wait = Math.max(0, this.lastRunAt + this.opts.intervalMs - Date.now());
    this.timer = setTimeout(() => void this.pushPending(), wait);
  }

  private async pushPending(): Promise<void> {
    this.timer = null;
    this.pushing = true;
    this.lastRunAt = Date.now();
    const sites = [...this.pending];
    this.pending.clear();
    try {
      for (const siteId of sites) {
        if (!this.subscribers.has(siteId)) continue;
        const stats = await this.opts.loadToday(siteId);
        const key = JSON.stringify(stats);
        if (this.lastPushed.get(siteId) === key) continue;
        this.lastPushed.set(siteId, key);
        this.opts.pubsub.publish('liveStats', siteId, stats);
      }
    } catch (error) {
      this.opts.onError?.(error);
    } finally {
      this.pushing = false;
      // Changes that arrived while this push ran get the next window.
      if (!this.stopped) this.schedule();
    }
  }

  /**
   * Today's stats at once, then each coalesced change, until the subscriber leaves. A plain
   * iterator, not an async generator: a generator waiting for the next change cannot run its
   * cleanup until that change comes, so a subscriber that left a quiet site would stay counted
   * (and its pubsub listener kept) for as long as the site stayed quiet.
   */
  subscribe(siteId: string): AsyncIterableIterator<SiteStats> {
    this.subscribers.set(siteId, (this.subscribers.get(siteId) ?? 0) + 1);
    const updates = this.opts.pubsub.subscribe('liveStats', siteId);
    // Listening starts now, not at the second next(): a push while the first load (or the client)
    // is still busy is kept for this subscriber instead of missed.
    let firstUpdate: Promise<IteratorResult<SiteStats>> | null = updates.next();
    firstUpdate.catch(() => undefined);
    let first: Promise<SiteStats> | null = this.loadForJoin(siteId);
    // Observed here too, so a subscriber that leaves before reading it leaves no unhandled rejection.
    first.catch(() => undefined);
    let open = true;
    const leave = (): void => {
      if (!open) return;
      open = false;
      // Ends the pubsub iterator, which also settles a next() waiting on it.
      void updates.return?.();
      const left = (this.subscribers.get(siteId) ?? 1) - 1;
      if (left > 0) this.subscribers.set(siteId, left);
      else {
        this.subscribers.delete(siteId);
        this.lastPushed.delete(siteId);
      }
    };
    const done = (): IteratorResult<SiteStats> => ({ done: true, value: undefined });
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next: async () => {
        if (!open) return done();
        try {
          if (first) {
            const stats = await first;
            first = null;
            return { done: false, value: stats };
          }
          const update = await (firstUpdate ?? updates.next());
          firstUpdate = null;
          if (update.done || !open) {
            leave();
            return done();
          }
          return { done: false, value: update.value };
        } catch (error) {
          leave();
          throw error;
        }
      },
      return: async () => {
        leave();
        return done();
      },
      throw: async (error: unknown) => {
        leave();
        throw error;
      },
    };
  }

  /**
   * One load for all the subscribers of a site that join while it runs (thousands reconnect at
   * once after an instance restarts). A change flushed meanwhile is pushed to them all anyway.
   */
  private loadForJoin(siteId: string): Promise<SiteStats> {
    const running = this.joining.get(siteId);
    if (running) return running;
    const load = this.opts.loadToday(siteId).finally(() => this.joining.delete(siteId));
    this.joining.set(siteId, load);
    return load;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
