// buildApp(config): the storage (the backend DATABASE_URL names, storage/open.ts), ingestion, flusher, live stats and Yoga wired together, with the
// plain routes beside Yoga in one node:http request listener. No listening here (see server.ts).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { WebSocketServer } from 'ws';
import { type Config, ConfigError } from './config.js';
import { isAuthorized, type PulseContext, type Services } from './context.js';
import type { EventRecord } from './core/event.js';
import { zoneToday } from './core/zone.js';
import { databaseUnavailable, PulseError } from './errors.js';
import { graphiqlDefaultQuery } from './graphiql-document.js';
import { createParseCaches } from './graphql-cache.js';
import { DASHBOARD_ASSET_PREFIX, DASHBOARD_DIR, handleDashboard, loadDashboard } from './http/dashboard.js';
import { createGraphQLFastPath, fastPathApplies, type GraphQLFastPath } from './http/graphql-fast.js';
import { handleHealth, handleReady } from './http/health.js';
import { hitOf, hitOfFetch } from './http/hit.js';
import { handleMetrics } from './http/metrics.js';
import { handlePixel } from './http/pixel.js';
import { RateLimitGuard } from './http/rate-limit.js';
import { sendError, sendJson } from './http/respond.js';
import { handleEvent, handleStats } from './http/rest.js';
import { createTrackerRoute } from './http/tracker.js';
import { attachGraphQLWebSocket } from './http/websocket.js';
import { cachedUserAgents, deriveAttributes } from './ingestion/attributes.js';
import { CountryDatabaseError, type CountryLookup, openCountryLookup } from './ingestion/country.js';
import { EventIds } from './ingestion/event-ids.js';
import { Flusher } from './ingestion/flusher.js';
import { Ingest } from './ingestion/ingest.js';
import { type BotCount, deriveVisitorId, dropBots } from './ingestion/pipeline.js';
import { RingBuffer } from './ingestion/ring-buffer.js';
import { VisitorIds } from './ingestion/visitor-id.js';
import { type ChangeFeed, createRedisChangeFeed, redactRedisUrl } from './live/change-feed.js';
import { changedSites, createLivePubSub, LiveStats } from './live/live-stats.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { useArmor } from './plugins/use-armor.js';
import { useCSRFPrevention } from './plugins/use-csrf-prevention.js';
import { useDisableIntrospection } from './plugins/use-disable-introspection.js';
import { useIngestRefusals } from './plugins/use-ingest-refusals.js';
import { maskInputErrors, useInputErrorCodes } from './plugins/use-input-error-codes.js';
import { useRequestParseErrors } from './plugins/use-request-parse-errors.js';
import { schema } from './schema/index.js';
import { breakdown } from './stats/breakdown.js';
import { eventTypes } from './stats/event-types.js';
import { oneDay } from './stats/scope.js';
import { series } from './stats/series.js';
import { siteStats } from './stats/site-stats.js';
import { sites } from './stats/sites.js';
import { openStorage } from './storage/open.js';
import { type Storage, StorageUnavailableError } from './storage/port.js';
import { startRetention } from './storage/retention.js';

export const GRAPHQL_PATH = '/graphql';

export interface PulseApp {
  config: Config;
  /** the storage backend DATABASE_URL names (storage/port.ts) */
  storage: Storage;
  logger: Logger;
  services: Services;
  buffer: RingBuffer<EventRecord>;
  flusher: Flusher;
  yoga: YogaServerInstance<Record<string, never>, PulseContext>;
  /** node:http request listener: plain routes, then Yoga */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** the node:http fast path for POST /graphql (see http/graphql-fast.ts) */
  graphqlFastPath: GraphQLFastPath;
  /** serves graphql-ws on the server's /graphql path */
  attachWebSocket: (server: Server) => WebSocketServer;
  /** stops taking events, drains the buffer into the database, closes it */
  stop: () => Promise<void>;
}

/** A stats read while the database is down answers DATABASE_UNAVAILABLE, not an internal error. */
const unavailable = (error: unknown): never => {
  throw error instanceof StorageUnavailableError ? databaseUnavailable() : error;
};

export async function buildApp(config: Config, logger: Logger = createLogger(config.LOG_LEVEL)): Promise<PulseApp> {
  const storage = await openStorage(config.DATABASE_URL, { busyTimeoutMs: config.PULSE_DB_BUSY_TIMEOUT_MS });
  const metrics = config.PULSE_METRICS ? new Metrics() : null;
  const buffer = new RingBuffer<EventRecord>(config.PULSE_BUFFER_CAPACITY);
  const pubsub = createLivePubSub();
  const stats: Services['stats'] = (scope) => siteStats(storage, scope).catch(unavailable);
  const live = new LiveStats({
    pubsub,
    intervalMs: config.PULSE_LIVE_INTERVAL_MS,
    loadToday: (siteId, timeZone) => stats(oneDay(siteId, zoneToday(timeZone), timeZone)),
    onError: (error) => logger.error({ err: error }, 'live stats update failed'),
  });
  const changeFeed = config.REDIS_URL ? startChangeFeed(config.REDIS_URL, live, logger) : null;
  const flusher = new Flusher(buffer, {
    intervalMs: config.PULSE_FLUSH_INTERVAL_MS,
    batchSize: config.PULSE_FLUSH_BATCH_SIZE,
    backoffMs: config.PULSE_FLUSH_BACKOFF_MS,
    maxBackoffMs: config.PULSE_FLUSH_MAX_BACKOFF_MS,
    onWrite: metrics ? (ms, events, ok) => metrics.observeFlush(ms, events, ok) : undefined,
    write: (batch) => storage.writeBatch(batch),
    onFlushed: changeFeed
      ? (batch) => {
          const sites = changedSites(batch);
          live.sitesChanged(sites);
          changeFeed.publish(sites);
        }
      : (batch) => live.eventsStored(batch),
    onError: (error, attempt, retryInMs) =>
      logger.warn({ err: error, attempt, retryInMs, buffered: buffer.size }, 'flush failed; events kept, retrying'),
  });
  const visitors = new VisitorIds(storage);
  await visitors.start();
  const bots: BotCount = { bots: 0 };
  const ids = await EventIds.start(() => storage.claimInstance());
  const countries = await openCountries(config.PULSE_GEOIP_DB);
  const ingest = new Ingest(buffer, flusher, ids, [
    dropBots(bots),
    deriveVisitorId(visitors),
    deriveAttributes({ userAgent: cachedUserAgents(), countries }),
  ]);
  ingest.allowedSites = config.PULSE_ALLOWED_SITES.length > 0 ? new Set(config.PULSE_ALLOWED_SITES) : null;
  metrics?.bind({ ingest, flusher, buffer, bots, live, changeFeed });
  const rateLimit = RateLimitGuard.fromConfig(config, () => ingest.refused.rate_limited++);
  const services: Services = {
    config,
    ingest,
    stats,
    series: (scope, interval) => series(storage, scope, interval).catch(unavailable),
    eventTypes: (scope) => eventTypes(storage, scope).catch(unavailable),
    breakdown: (scope, query) => breakdown(storage, scope, query).catch(unavailable),
    sites: () => sites(storage).catch(unavailable),
    live,
  };
  flusher.start();
  const stopRetention = config.PULSE_RETENTION_DAYS
    ? startRetention(
        storage,
        config.PULSE_RETENTION_DAYS,
        (deleted, cutoff) =>
          logger.info({ deleted, before: new Date(cutoff).toISOString() }, 'retention: raw events pruned'),
        (error) => logger.error({ err: error }, 'retention failed'),
      )
    : () => undefined;

  const yoga = createYoga<Record<string, never>, PulseContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    // Options per request: the example document is dated today (src/graphiql-document.ts).
    graphiql: config.PULSE_GRAPHIQL
      ? () => ({ title: 'Pulse GraphiQL', subscriptionsProtocol: 'WS', defaultQuery: graphiqlDefaultQuery() })
      : false,
    maxRequestBodySize: config.PULSE_MAX_BODY_BYTES,
    parserAndValidationCache: { ...createParseCaches(), validationCache: true },
    // Pulse reads no cookies (keys travel in Authorization), so no origin gets credentialed access.
    cors: { credentials: false },
    // The bundled (offline) GraphiQL weighs ~80 MB of memory once loaded: load it on first use.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    maskedErrors: { isDev: false, maskError: maskInputErrors },
    logging: logger,
    plugins: [
      useInputErrorCodes(),
      useRequestParseErrors(),
      useIngestRefusals(ingest.refused),
      useArmor({
        maxDepth: config.PULSE_MAX_DEPTH,
        maxAliases: config.PULSE_MAX_ALIASES,
        maxTokens: config.PULSE_MAX_TOKENS,
        maxDirectives: config.PULSE_MAX_DIRECTIVES,
        maxCost: config.PULSE_MAX_COST,
      }),
      ...(config.PULSE_INTROSPECTION ? [] : [useDisableIntrospection()]),
      ...(config.PULSE_CSRF_PREVENTION ? [useCSRFPrevention()] : []),
    ],
    // HTTP requests carry a Fetch Request; graphql-ws and the fast path set `authorized` themselves.
    // `req`: the node request (Yoga's node adapter, the fast path, a WebSocket's upgrade request).
    context: ({ request, req }: { request?: Request; req?: IncomingMessage }) => ({
      pulse: services,
      authorized: isAuthorized(config.PULSE_API_KEYS, request?.headers.get('authorization')),
      hit: () =>
        req
          ? hitOf(req, { trustedProxies: config.PULSE_TRUST_PROXY, anonymousVisitor: false, page: 'origin' })
          : hitOfFetch(request),
    }),
  });

  const handleTracker = createTrackerRoute();
  const dashboard = config.PULSE_DASHBOARD ? loadDashboard() : null;
  if (config.PULSE_DASHBOARD && dashboard === null) {
    logger.warn({ dir: DASHBOARD_DIR }, 'dashboard assets not built (npm run build): GET / answers 404');
  }

  const graphqlHit = { trustedProxies: config.PULSE_TRUST_PROXY, anonymousVisitor: false, page: 'origin' } as const;
  const graphqlFastPath = createGraphQLFastPath({
    yoga,
    apiKeys: config.PULSE_API_KEYS,
    maxBodyBytes: config.PULSE_MAX_BODY_BYTES,
    services,
    // as the Yoga context below builds `hit` for a node request
    hitOf: (req) => hitOf(req, graphqlHit),
    maskError: maskInputErrors,
  });

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (rateLimit?.check(req, res, path)) return;
    const query = () => new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    let handled: void | Promise<void>;
    try {
      switch (path) {
        case '/pixel.gif':
          handled = handlePixel(req, res, services, query());
          break;
        case '/event':
          handled = handleEvent(req, res, services);
          break;
        case '/stats':
          handled = handleStats(req, res, services, query());
          break;
        case GRAPHQL_PATH:
          if (!fastPathApplies(req)) {
            void yoga(req, res);
            return;
          }
          handled = graphqlFastPath.handle(req, res);
          break;
        case '/metrics':
          if (metrics === null) {
            void yoga(req, res);
            return;
          }
          handled = handleMetrics(req, res, metrics, config.PULSE_API_KEYS);
          break;
        case '/pulse.js':
          handled = handleTracker(req, res);
          break;
        case '/healthz':
          handled = handleHealth(res);
          break;
        case '/readyz':
          handled = handleReady(res, services, storage, flusher, changeFeed);
          break;
        default:
          if (dashboard && (path === '/' || path.startsWith(DASHBOARD_ASSET_PREFIX))) {
            if (handleDashboard(req, res, dashboard, path)) return;
          }
          void yoga(req, res);
          return;
      }
    } catch (error) {
      handled = Promise.reject(error);
    }
    if (handled) handled.catch((error: unknown) => internalError(res, error));
  };

  const internalError = (res: ServerResponse, error: unknown) => {
    if (error instanceof PulseError && !res.headersSent) return sendError(res, error);
    logger.error({ err: error }, 'request failed');
    if (!res.headersSent) sendJson(res, 500, { status: 'error', message: 'Internal server error' });
    else res.end();
  };

  let wsServer: WebSocketServer | null = null;
  const attachWebSocket = (server: Server): WebSocketServer => {
    wsServer = attachGraphQLWebSocket(server, { yoga, config, rateLimit });
    return wsServer;
  };

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      ingest.close();
      await flusher.stop();
      live.stop();
      await changeFeed?.close();
      rateLimit?.stop();
      visitors.stop();
      stopRetention();
      if (wsServer) {
        for (const client of wsServer.clients) client.close(1001, 'Server shutting down');
        wsServer.close();
      }
      await storage.close();
    })();
    return stopping;
  };

  return {
    config,
    storage,
    logger,
    services,
    buffer,
    flusher,
    yoga,
    handler,
    graphqlFastPath,
    attachWebSocket,
    stop,
  };
}

/** The country database: PULSE_GEOIP_DB's file, else the bundled one; a file that is no database stops the start. */
async function openCountries(path: string | undefined): Promise<CountryLookup> {
  try {
    return await openCountryLookup(path);
  } catch (error) {
    if (error instanceof CountryDatabaseError && path !== undefined) {
      throw new ConfigError(`Invalid configuration: PULSE_GEOIP_DB: ${error.message}`);
    }
    throw error;
  }
}

/** With REDIS_URL: other instances' flushes reach this instance's liveStats subscribers. */
function startChangeFeed(url: string, live: LiveStats, logger: Logger): ChangeFeed {
  const where = redactRedisUrl(url);
  return createRedisChangeFeed(url, randomUUID(), {
    onChange: (siteIds) => live.sitesChanged(siteIds),
    onReconnect: () => live.refreshAll(),
    onStateChange: (state) => {
      if (state.ok) logger.info({ redis: where }, 'live updates: Redis change feed connected');
      else
        logger.warn(
          { redis: where, problem: state.problem },
          "live updates degraded: other instances' changes are not received until Redis is back",
        );
    },
  });
}
