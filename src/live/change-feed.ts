// "Sites X, Y changed" between instances over Redis pub/sub (REDIS_URL): one small message per
// committed flush, on the Yoga pubsub backed by @graphql-yoga/redis-event-target. Redis down never
// blocks or fails the caller: publishes are dropped while disconnected (docs/deploy.md).
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis, type RedisOptions } from 'ioredis';

/** The one channel every instance publishes to and listens on. */
export const CHANGES_CHANNEL = 'pulse:live:changed';

/** What travels: the sender, so it can skip its own echo, and the site ids its flush changed. */
export interface ChangeMessage {
  from: string;
  sites: string[];
}

export interface ChangeFeedHandlers {
  /** sites another instance changed */
  onChange: (siteIds: readonly string[]) => void;
  /** the feed is connected again after an outage: messages may have been missed meanwhile */
  onReconnect: () => void;
  onStateChange?: (state: ChangeFeedState) => void;
}

export type ChangeFeedState = { ok: true } | { ok: false; problem: string };

export interface ChangeFeed {
  /** tells the other instances these sites changed; never throws, never waits */
  publish: (siteIds: readonly string[]) => void;
  /** `ok`, or what is wrong (for /readyz) */
  readonly state: ChangeFeedState;
  /** counters for /metrics and tests */
  readonly counts: { published: number; dropped: number; received: number };
  close: () => Promise<void>;
}

/** Most site ids in one message: a flush of many sites becomes several small messages. */
const MAX_SITES_PER_MESSAGE = 500;

/** `redis://user:secret@host:6379/0` → `redis://host:6379/0`: safe for logs and errors. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return 'redis://(unparseable URL)';
  }
}

/** An error's message with the URL's password (if any) blanked out, whatever the error says. */
function errorText(error: unknown, secret: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const text = message === '' && error instanceof Error ? error.name : message;
  return secret === '' ? text : text.split(secret).join('***');
}

/** Redis pub/sub change feed; connects at once and reconnects on its own (ioredis). */
export function createRedisChangeFeed(url: string, instanceId: string, handlers: ChangeFeedHandlers): ChangeFeed {
  const secret = (() => {
    try {
      return decodeURIComponent(new URL(url).password);
    } catch {
      return '';
    }
  })();
  const common: RedisOptions = {
    // Reconnect forever, at most every 2 s: the feed comes back on its own when Redis does.
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    connectTimeout: 5000,
  };
  // The publisher never queues: a publish while disconnected is dropped, so a flush never waits
  // on Redis and nothing piles up in memory during an outage.
  const publisher = new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  // The subscriber keeps its SUBSCRIBE until connected and re-subscribes after each reconnect.
  const subscriber = new Redis(url, { ...common, maxRetriesPerRequest: null });

  const counts = { published: 0, dropped: 0, received: 0 };
  let lastProblem = 'connecting to Redis';
  let state: ChangeFeedState = { ok: false, problem: lastProblem };
  let subscribed = false;
  let everReady = false;
  let closed = false;

  const update = (): void => {
    const ok = publisher.status === 'ready' && subscriber.status === 'ready' && subscribed;
    const next: ChangeFeedState = ok ? { ok: true } : { ok: false, problem: lastProblem };
    if (next.ok !== state.ok || (!next.ok && !state.ok && next.problem !== state.problem)) {
      state = next;
      handlers.onStateChange?.(state);
    }
  };
  const onError = (error: unknown) => {
    lastProblem = `Redis unreachable: ${errorText(error, secret)}`;
    update();
  };
  for (const client of [publisher, subscriber]) {
    client.on('error', onError);
    client.on('close', () => {
      if (closed) return;
      if (client === subscriber) subscribed = false;
      if (state.ok) lastProblem = 'Redis connection lost';
      update();
    });
    client.on('ready', update);
  }
  // SUBSCRIBE on every (re)connect: ioredis re-subscribes by itself only to channels whose first
  // SUBSCRIBE succeeded, and one that failed (Redis down or refusing AUTH at start) must be retried.
  // Redis answers in order, so once it acknowledges, no later message can be missed.
  const subscribe = (): void => {
    subscriber.subscribe(CHANGES_CHANNEL).then(
      () => {
        if (closed) return;
        subscribed = true;
        update();
        // After an outage, other instances' changes meanwhile were missed: recompute.
        if (everReady) handlers.onReconnect();
        everReady = true;
      },
      (error: unknown) => onError(error),
    );
  };
  subscriber.on('ready', subscribe);

  // The Yoga pubsub over Redis: publish() becomes PUBLISH, subscribe() a SUBSCRIBE. The clients
  // passed in are wrapped so that a failed command settles here, never as an unhandled rejection.
  const eventTarget = createRedisEventTarget<CustomEvent>({
    // Anything on the channel that is not JSON (another program, a typo in redis-cli) is skipped,
    // never thrown inside ioredis's message handler.
    serializer: {
      stringify: (message) => JSON.stringify(message),
      parse: (text) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return null;
        }
      },
    },
    publishClient: {
      publish: (channel: string, message: string) => {
        if (publisher.status !== 'ready') {
          counts.dropped++;
          return Promise.resolve(0);
        }
        counts.published++;
        return publisher.publish(channel, message).catch((error: unknown) => {
          counts.dropped++;
          onError(error);
          return 0;
        });
      },
    } as unknown as Redis,
    subscribeClient: {
      on: (event: 'message', listener: (channel: string, message: string) => void) => subscriber.on(event, listener),
      // The 'ready' handler above subscribes (and re-subscribes): nothing to queue here.
      subscribe: () => Promise.resolve(),
      unsubscribe: (channel: string) => subscriber.unsubscribe(channel).catch(() => undefined),
    } as unknown as Redis,
  });
  const pubsub = createPubSub<{ [CHANGES_CHANNEL]: [message: ChangeMessage] }>({ eventTarget });

  const incoming = pubsub.subscribe(CHANGES_CHANNEL);
  void (async () => {
    for await (const message of incoming) {
      if (typeof message !== 'object' || message === null || !Array.isArray(message.sites)) continue;
      if (message.from === instanceId) continue;
      counts.received++;
      handlers.onChange(message.sites.filter((s): s is string => typeof s === 'string'));
    }
  })();

  return {
    publish: (siteIds) => {
      if (closed || siteIds.length === 0) return;
      for (let i = 0; i < siteIds.length; i += MAX_SITES_PER_MESSAGE) {
        pubsub.publish(CHANGES_CHANNEL, { from: instanceId, sites: siteIds.slice(i, i + MAX_SITES_PER_MESSAGE) });
      }
    },
    get state() {
      return state;
    },
    counts,
    close: async () => {
      closed = true;
      await incoming.return();
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
