// The dashboard's GraphQL: queries over HTTP (POST /graphql) and liveStats over graphql-ws, both
// to this origin, with the API key (if any) as `Authorization: Bearer` (docs/dashboard.md).
import { type Client, createClient } from 'graphql-ws';

export class Unauthenticated extends Error {}

export interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string };
}

const authHeader = (key: string | null): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});

function failure(errors: GraphQLErrorBody[]): Error {
  if (errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) return new Unauthenticated('UNAUTHENTICATED');
  return new Error(errors.map((e) => e.message).join('; '));
}

/** Runs a query; throws Unauthenticated when the key is missing or wrong. */
export async function query<T>(document: string, variables: Record<string, unknown>, key: string | null): Promise<T> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...authHeader(key),
    },
    body: JSON.stringify({ query: document, variables }),
  });
  const body = (await res.json().catch(() => null)) as { data?: T | null; errors?: GraphQLErrorBody[] } | null;
  if (body?.errors?.length) throw failure(body.errors);
  if (!res.ok || !body?.data) throw new Error(`the server answered ${res.status}`);
  return body.data;
}

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'refused';

/** WebSocket close code of a key that is present but wrong (src/http/websocket.ts). */
const FORBIDDEN = 4403;

/**
 * A graphql-ws client to ws(s)://this-host/graphql. It reconnects for ever with a capped backoff
 * (graphql-ws resubscribes, and liveStats answers at once on subscribing), except when the key is
 * refused.
 */
export function liveClient(key: string | null, onState: (state: LiveState) => void): Client {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  return createClient({
    url,
    lazy: true,
    connectionParams: () => (key ? { Authorization: `Bearer ${key}` } : {}),
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: (event) => (event as { code?: number } | null)?.code !== FORBIDDEN,
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 10_000) + Math.random() * 500)),
    on: {
      connecting: (isRetry) => onState(isRetry ? 'reconnecting' : 'connecting'),
      connected: () => onState('live'),
      closed: (event) => onState((event as { code?: number } | null)?.code === FORBIDDEN ? 'refused' : 'reconnecting'),
    },
  });
}

export { failure as errorOf };
