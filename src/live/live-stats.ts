// Live stats: flushes report which sites changed; for sites with subscribers here, changes are
// coalesced (one stats query and at most one push per site per interval) and published on the
// Yoga pubsub, which liveStats subscribers read.
import { createPubSub } from 'graphql-yoga';
import type { EventRecord } from '../ingestion/event.js';
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

  /** Today's stats at once, then each coalesced change, until the subscriber leaves. */
  async *subscribe(siteId: string): AsyncGenerator<SiteStats> {
    this.subscribers.set(siteId, (this.subscribers.get(siteId) ?? 0) + 1);
    const updates = this.opts.pubsub.subscribe('liveStats', siteId);
    try {
      yield await this.opts.loadToday(siteId);
      yield* updates;
    } finally {
      await updates.return?.();
      const left = (this.subscribers.get(siteId) ?? 1) - 1;
      if (left > 0) this.subscribers.set(siteId, left);
      else {
        this.subscribers.delete(siteId);
        this.lastPushed.delete(siteId);
      }
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
