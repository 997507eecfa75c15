// Live stats: flushes report which sites changed; for sites with subscribers here, changes are
// coalesced (one stats query and at most one push per site per interval) and published on the
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

export class LiveStats {
  private readonly subscribers = new Map<string, number>();
  private readonly pending = new Set<string>();
  private readonly lastPushed = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: LiveStatsOptions) {}

  get subscriberCount(): number {
    let n = 0;
    for (const c of this.subscribers.values()) n += c;
    return n;
  }

  /** Called after each committed flush. */
  eventsStored(batch: readonly EventRecord[]): void {
    if (this.subscribers.size === 0) return;
    for (const event of batch) {
      if (this.subscribers.has(event.siteId)) this.pending.add(event.siteId);
    }
    if (this.pending.size > 0 && !this.timer) {
      this.timer = setTimeout(() => void this.pushPending(), this.opts.intervalMs);
    }
  }

  private async pushPending(): Promise<void> {
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
      this.timer = null;
      // Changes that arrived while this push ran get the next window.
      if (this.pending.size > 0) this.timer = setTimeout(() => void this.pushPending(), this.opts.intervalMs);
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
    let first: Promise<SiteStats> | null = this.opts.loadToday(siteId);
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
          const update = await updates.next();
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

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
