// GraphQL over WebSocket (graphql-ws, `graphql-transport-ws`) on the HTTP server's /graphql path,
// running the same Yoga envelop pipeline as HTTP. Keys come in `connectionParams`.
import type { Server } from 'node:http';
import { type DocumentNode, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { Config } from '../config.js';
import { isAuthorized, type PulseContext } from '../context.js';
import { rateLimited, toGraphQLError } from '../errors.js';
import type { RateLimitGuard } from './rate-limit.js';

export const GRAPHQL_WS_PATH = '/graphql';

interface WebSocketOptions {
  yoga: YogaServerInstance<Record<string, never>, PulseContext>;
  config: Config;
  rateLimit: RateLimitGuard | null;
}

interface EnvelopedRoot {
  // biome-ignore lint/suspicious/noExplicitAny: envelop's execute/subscribe take graphql-js ExecutionArgs
  execute: (args: any) => any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  subscribe: (args: any) => any;
}

function bearerFromParams(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.Authorization ?? params?.authorization;
  return typeof value === 'string' ? value : undefined;
}

export function attachGraphQLWebSocket(server: Server, { yoga, config, rateLimit }: WebSocketOptions): WebSocketServer {
  const wsServer = new WebSocketServer({
    server,
    path: GRAPHQL_WS_PATH,
    maxPayload: config.PULSE_MAX_BODY_BYTES,
    // ws's default, stated: compression would cost a zlib context per socket (memory) and a
    // deflate per push per socket (CPU) for a few hundred bytes of JSON.
    perMessageDeflate: false,
  });
  useServer<Record<string, unknown>>(
    {
      connectionInitWaitTimeout: config.PULSE_WS_INIT_TIMEOUT_MS,
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onConnect: ({ connectionParams }) => {
        // A key that is present but wrong closes the socket (4403); a missing key only keeps
        // the protected fields closed, so ingestion over WebSocket stays public.
        const auth = bearerFromParams(connectionParams);
        return auth === undefined || isAuthorized(config.PULSE_API_KEYS, auth);
      },
      onSubscribe: async (ctx, _id, payload) => {
        const retryAfter = rateLimit?.retryAfter(ctx.extra.request) ?? 0;
        if (retryAfter > 0) return [toGraphQLError(rateLimited(retryAfter))];
        const { schema, execute, subscribe, parse, validate, contextFactory } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
        });
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          // A syntax error or the token limit: an error for this operation, not a closed socket.
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        const context = await contextFactory();
        return {
          schema,
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
}
