// A liveStats subscription over graphql-ws for the many-instance tests: read the pushes one by
// one, wait for one that matches, or check that none came within a quiet period.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { LIVE_STATS, type SiteStatsData } from './e2e.js';

export interface LiveSubscription {
  /** every push received so far, oldest first */
  readonly received: SiteStatsData[];
  /** resolves with the first push (already received or still to come) that `match` accepts */
  waitFor: (match: (stats: SiteStatsData) => boolean, timeoutMs?: number) => Promise<SiteStatsData>;
  /** how many times the socket closed (the subscription must keep its one socket) */
  readonly closes: number;
  close: () => Promise<void>;
}

/** Subscribes and waits for the first emission (today's stats). */
export async function subscribeLive(wsUrl: string, siteId: string): Promise<LiveSubscription> {
  let closes = 0;
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    on: { closed: () => closes++ },
  });
  const received: SiteStatsData[] = [];
  const waiters = new Set<() => void>();
  let failure: Error | null = null;
  const notify = () => {
    for (const w of waiters) w();
  };
  client.subscribe<{ liveStats: SiteStatsData }>(
    { query: LIVE_STATS, variables: { siteId } },
    {
      next: (value) => {
        if (value.data?.liveStats) received.push(value.data.liveStats);
        else failure = new Error(`liveStats error: ${JSON.stringify(value.errors)}`);
        notify();
      },
      error: (error) => {
        failure = new Error(`liveStats subscription failed: ${JSON.stringify(error)}`);
        notify();
      },
      complete: () => {
        failure ??= new Error('liveStats subscription completed');
        notify();
      },
    },
  );
  const waitFor = (match: (stats: SiteStatsData) => boolean, timeoutMs = 15_000) =>
    new Promise<SiteStatsData>((resolve, reject) => {
      const check = () => {
        const found = received.find(match);
        if (found) done(() => resolve(found));
        else if (failure) done(() => reject(failure));
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(new Error(`no matching liveStats push in ${timeoutMs} ms; got ${JSON.stringify(received)}`)),
          ),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });
  await waitFor(() => true);
  return {
    received,
    waitFor,
    get closes() {
      return closes;
    },
    close: async () => {
      await client.dispose();
    },
  };
}
