// Live stats: this instance's flushes, and (with REDIS_URL) other instances' through the change
// feed, report which sites changed; for sites with subscribers here, changes are coalesced (one
// stats query and at most one push per site and time zone per interval, the first at once) and
// published on the Yoga pubsub, which liveStats subscribers read. Subscribers are grouped per
// (site, time zone): each group's "today" is its zone's today.
import { createPubSub } from 'graphql-yoga';
import type { EventRecord } from '../core/event.js';
import { UTC } from '../core/zone.js';
import type { SiteStats } from '../stats/scope.js';

export type LivePubSub = ReturnType<typeof createLivePubSub>;
/** Topics are watch keys (watchKey): one per site and time zone. */
export const createLivePubSub = () => createPubSub<{ liveStats: [key: string, stats: SiteStats] }>();

/**
 * The pubsub topic of one site's subscribers in one time zone: the site id for UTC (as before time
 * zones), else site id, space, zone (a site id has no spaces, so keys never collide).
 */
export const watchKey = (siteId: string, timeZone: string): string =>
  timeZone === UTC ? siteId : `${siteId} ${timeZone}`;

interface Watch {
  siteId: string;
  timeZone: string;
  subscribers: number;
}

export interface LiveStatsOptions {
  pubsub: LivePubSub;
  /** today's stats of a site, "today" being a day of the time zone */
  loadToday: (siteId: string, timeZone: string) => Promise<SiteStats>;
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
  /** the watched (site, time zone) pairs, by watch key */
  private readonly watches = new Map<string, Watch>();
  /** the watch keys of each watched site */
  private readonly bySite = new Map<string, Set<string>>();
  /** watch keys to recompute */
  private readonly pending = new Set<string>();
  private readonly lastPushed = new Map<string, string>();
  /** today's stats being loaded for subscribers that just joined, per watch key */
  private readonly joining = new Map<string, Promise<SiteStats>>();
  private timer: NodeJS.Timeout | null = null;
  private pushing = false;
  private lastRunAt = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(private readonly opts: LiveStatsOptions) {}

  get subscriberCount(): number {
    let n = 0;
    for (const w of this.watches.values()) n += w.subscribers;
    return n;
  }

  /** Called after each committed flush of this instance. */
  eventsStored(batch: readonly EventRecord[]): void {
    if (this.watches.size > 0) this.sitesChanged(changedSites(batch));
  }

  /** These sites have new stored events (flushed here or, via the change feed, elsewhere). */
  sitesChanged(siteIds: Iterable<string>): void {
    if (this.watches.size === 0) return;
    for (const siteId of siteIds) {
      const keys = this.bySite.get(siteId);
      if (keys) for (const key of keys) this.pending.add(key);
    }
    this.schedule();
  }

  /** Recomputes every watched site (pushing only what changed): after missed change messages. */
  refreshAll(): void {
    for (const key of this.watches.keys()) this.pending.add(key);
    this.schedule();
  }

  /**
   * Runs are at least `intervalMs` apart and each pushes a watch at most once, so a site and zone
   * gets at most one push per interval; a change after a quiet spell is pushed at once, not an
   * interval late.
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
    const keys = [...this.pending];
    this.pending.clear();
    try {
      for (const key of keys) {
        const watch = this.watches.get(key);
        if (!watch) continue;
        const stats = await this.opts.loadToday(watch.siteId, watch.timeZone);
        const json = JSON.stringify(stats);
        if (this.lastPushed.get(key) === json) continue;
        this.lastPushed.set(key, json);
        this.opts.pubsub.publish('liveStats', key, stats);
      }
    } catch (error) {
      this.opts.onError?.(error);
    } finally {
      this.pushing = false;
      // Changes that arrived while this push ran get the next window.
      if (!this.stopped) this.schedule();
    }
  }

  private join(siteId: string, timeZone: string): string {
    const key = watchKey(siteId, timeZone);
    const watch = this.watches.get(key);
    if (watch) watch.subscribers++;
    else {
      this.watches.set(key, { siteId, timeZone, subscribers: 1 });
      const keys = this.bySite.get(siteId);
      if (keys) keys.add(key);
      else this.bySite.set(siteId, new Set([key]));
    }
    return key;
  }

  private part(key: string): void {
    const watch = this.watches.get(key);
    if (!watch) return;
    if (--watch.subscribers > 0) return;
    this.watches.delete(key);
    this.lastPushed.delete(key);
    const keys = this.bySite.get(watch.siteId);
    keys?.delete(key);
    if (keys?.size === 0) this.bySite.delete(watch.siteId);
  }

  /**
   * Today's stats (today of `timeZone`) at once, then each coalesced change, until the subscriber
   * leaves. A plain iterator, not an async generator: a generator waiting for the next change
   * cannot run its cleanup until that change comes, so a subscriber that left a quiet site would
   * stay counted (and its pubsub listener kept) for as long as the site stayed quiet.
   */
  subscribe(siteId: string, timeZone: string = UTC): AsyncIterableIterator<SiteStats> {
    const key = this.join(siteId, timeZone);
    const updates = this.opts.pubsub.subscribe('liveStats', key);
    // Listening starts now, not at the second next(): a push while the first load (or the client)
    // is still busy is kept for this subscriber instead of missed.
    let firstUpdate: Promise<IteratorResult<SiteStats>> | null = updates.next();
    firstUpdate.catch(() => undefined);
    let first: Promise<SiteStats> | null = this.loadForJoin(key, siteId, timeZone);
    // Observed here too, so a subscriber that leaves before reading it leaves no unhandled rejection.
    first.catch(() => undefined);
    let open = true;
    const leave = (): void => {
      if (!open) return;
      open = false;
      // Ends the pubsub iterator, which also settles a next() waiting on it.
      void updates.return?.();
      this.part(key);
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
   * One load for all the subscribers of a site and zone that join while it runs (thousands
   * reconnect at once after an instance restarts). A change flushed meanwhile is pushed to them all anyway.
   */
  private loadForJoin(key: string, siteId: string, timeZone: string): Promise<SiteStats> {
    const running = this.joining.get(key);
    if (running) return running;
    const load = this.opts.loadToday(siteId, timeZone).finally(() => this.joining.delete(key));
    this.joining.set(key, load);
    return load;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
