// buildApp(config): the database, ingestion, flusher, live stats and Yoga wired together, with the
// plain routes beside Yoga in one node:http request listener. No listening here (see server.ts).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { Config } from './config.js';
import { isAuthorized, type PulseContext, type Services } from './context.js';
import { type Db, openDatabase } from './db.js';
import { createGraphQLFastPath, fastPathApplies, type GraphQLFastPath } from './http/graphql-fast.js';
import { handleHealth, handleReady } from './http/health.js';
import { handlePixel } from './http/pixel.js';
import { sendJson } from './http/respond.js';
import { handleEvent, handleStats } from './http/rest.js';
import type { EventRecord } from './ingestion/event.js';
import { Flusher } from './ingestion/flusher.js';
import { Ingest } from './ingestion/ingest.js';
import { deriveVisitorId } from './ingestion/pipeline.js';
import { RingBuffer } from './ingestion/ring-buffer.js';
import { VisitorIds } from './ingestion/visitor-id.js';
import { createLivePubSub, LiveStats } from './live/live-stats.js';
import { createLogger, type Logger } from './logger.js';
import { maskInputErrors, useInputErrorCodes } from './plugins/use-input-error-codes.js';
import { schema } from './schema/index.js';
import { siteStats } from './stats/site-stats.js';
import { insertEvents } from './storage/insert-events.js';
import { utcDayStart } from './time.js';

export const GRAPHQL_PATH = '/graphql';

export interface PulseApp {
  config: Config;
  db: Db;
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

export async function buildApp(config: Config, logger: Logger = createLogger(config.LOG_LEVEL)): Promise<PulseApp> {
  const db = await openDatabase(config.DATABASE_URL);
  const buffer = new RingBuffer<EventRecord>(config.PULSE_BUFFER_CAPACITY);
  const pubsub = createLivePubSub();
  const stats: Services['stats'] = (scope) => siteStats(db, scope);
  const live = new LiveStats({
    pubsub,
    intervalMs: config.PULSE_LIVE_INTERVAL_MS,
    loadToday: (siteId) => stats({ siteId, dayStart: utcDayStart(Date.now()) }),
    onError: (error) => logger.error({ err: error }, 'live stats update failed'),
  });
  const flusher = new Flusher(buffer, {
    intervalMs: config.PULSE_FLUSH_INTERVAL_MS,
    batchSize: config.PULSE_FLUSH_BATCH_SIZE,
    write: (batch) => insertEvents(db, batch),
    onFlushed: (batch) => live.eventsStored(batch),
    onError: (error, attempt, retryInMs) =>
      logger.warn({ err: error, attempt, retryInMs, buffered: buffer.size }, 'flush failed; events kept, retrying'),
  });
  const visitors = new VisitorIds(db);
  await visitors.start();
  const ingest = new Ingest(buffer, flusher, [deriveVisitorId(visitors)]);
  const services: Services = { config, ingest, stats, live };
  flusher.start();

  const yoga = createYoga<Record<string, never>, PulseContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    graphiql: { title: 'Pulse GraphiQL', subscriptionsProtocol: 'WS' },
    renderGraphiQL,
    maskedErrors: { isDev: false, maskError: maskInputErrors },
    logging: logger,
    plugins: [useInputErrorCodes()],
    // HTTP requests carry a Fetch Request; graphql-ws and the fast path set `authorized` themselves.
    context: ({ request }: { request?: Request }) => ({
      pulse: services,
      authorized: isAuthorized(config.PULSE_API_KEYS, request?.headers.get('authorization')),
    }),
  });

  const graphqlFastPath = createGraphQLFastPath(yoga, config.PULSE_API_KEYS, config.PULSE_MAX_BODY_BYTES);

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
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
        case '/healthz':
          handled = handleHealth(res);
          break;
        case '/readyz':
          handled = handleReady(res, services, db, flusher);
          break;
        default:
          void yoga(req, res);
          return;
      }
    } catch (error) {
      handled = Promise.reject(error);
    }
    if (handled) handled.catch((error: unknown) => internalError(res, error));
  };

  const internalError = (res: ServerResponse, error: unknown) => {
    logger.error({ err: error }, 'request failed');
    if (!res.headersSent) sendJson(res, 500, { status: 'error', message: 'Internal server error' });
    else res.end();
  };

  let wsServer: WebSocketServer | null = null;
  const attachWebSocket = (server: Server): WebSocketServer => {
    wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH });
    useServer<Record<string, unknown>>(
      {
        execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
        subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
        onConnect: ({ connectionParams }) => {
          // A key that is present but wrong closes the socket (4403); a missing key only keeps
          // the protected fields closed, so ingestion over WebSocket stays public.
          const auth = bearerFromParams(connectionParams);
          return auth === undefined || isAuthorized(config.PULSE_API_KEYS, auth);
        },
        onSubscribe: async (ctx, _id, payload) => {
          const {
            schema: s,
            execute,
            subscribe,
            parse,
            validate,
            contextFactory,
          } = yoga.getEnveloped({
            ...ctx,
            req: ctx.extra.request,
            socket: ctx.extra.socket,
            params: payload,
          });
          const document = parse(payload.query);
          const errors = validate(s, document);
          if (errors.length > 0) return errors;
          const context = await contextFactory();
          return {
            schema: s,
            operationName: payload.operationName,
            document,
            variableValues: payload.variables,
            contextValue: {
              ...context,
              authorized: isAuthorized(config.PULSE_API_KEYS, bearerFromParams(ctx.connectionParams)),
            },
            rootValue: { execute, subscribe },
          };
        },
      },
      wsServer,
    );
    return wsServer;
  };

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      ingest.close();
      await flusher.stop();
      live.stop();
      visitors.stop();
      if (wsServer) {
        for (const client of wsServer.clients) client.close(1001, 'Server shutting down');
        wsServer.close();
      }
      await db.$disconnect();
    })();
    return stopping;
  };

  return { config, db, logger, services, buffer, flusher, yoga, handler, graphqlFastPath, attachWebSocket, stop };
}

interface EnvelopedRoot {
  // biome-ignore lint/suspicious/noExplicitAny: envelop's execute/subscribe take graphql-js ExecutionArgs
  execute: (args: any) => any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  subscribe: (args: any) => any;
}

function bearerFromParams(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.Authorization ?? params?.authorization;
  if (typeof value !== 'string') return undefined;
  return value;
}
