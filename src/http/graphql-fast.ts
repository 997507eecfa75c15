// A node:http fast path for the most common GraphQL request: POST /graphql with a JSON body
// holding one query or mutation. It runs Yoga's own envelop pipeline (every plugin, the parse and
// validation caches, error masking) but skips Yoga's Fetch-API adapter (Request/Response objects,
// AbortSignals, streams), which the profile showed to be most of the cost of a small mutation.
// Anything else goes to Yoga unchanged, and so does any request that fails before execution
// (bad JSON, a syntax or validation error, an unacceptable Accept header), so those answers stay
// exactly Yoga's. After execution starts the fast path must answer itself: re-running a
// mutation would record its events twice.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ExecutionResult, GraphQLError, getOperationAST } from 'graphql';
import { isAsyncIterable, type YogaServerInstance } from 'graphql-yoga';
import { isAuthorized, type PulseContext } from '../context.js';
import { BodyTooLargeError, readBody } from './respond.js';

type Yoga = YogaServerInstance<Record<string, never>, PulseContext>;
type RegularMediaType = 'application/json' | 'application/graphql-response+json';

interface GraphQLParams {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: Record<string, unknown> | null;
}

/** True when the fast path may take the request (then it reads the body itself). */
export function fastPathApplies(req: IncomingMessage): boolean {
  return (
    req.method === 'POST' &&
    isJsonContentType(req.headers['content-type']) &&
    negotiatedMediaType(req.headers.accept) !== null
  );
}

/**
 * Clients send the same few Content-Type and Accept values on every request, and parsing them
 * was ~4% of a small mutation's CPU in the profile: both answers are remembered per header value
 * (a bounded map, cleared when full, so odd values cannot grow it).
 */
function remembered<T>(compute: (value: string | undefined) => T): (value: string | undefined) => T {
  const seen = new Map<string | undefined, T>();
  return (value) => {
    let answer = seen.get(value);
    if (answer === undefined && !seen.has(value)) {
      answer = compute(value);
      if (seen.size >= 256) seen.clear();
      seen.set(value, answer);
    }
    return answer as T;
  };
}

const isJsonContentType = remembered(jsonContentType);
const negotiatedMediaType = remembered(negotiateMediaType);

function jsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const [type, ...params] = value.toLowerCase().replace(/\s/g, '').split(';');
  return type === 'application/json' && params.every((p) => p === 'charset=utf-8' || !p.startsWith('charset='));
}

/**
 * The response type Yoga picks for a single (non-streamed) result: the first Accept entry that
 * matches one of its two JSON types, where a wildcard entry means application/json. Null when
 * Yoga would answer 406 or pick a streaming type; those requests go to Yoga.
 */
export function negotiateMediaType(accept: string | undefined): RegularMediaType | null {
  if (!accept) return 'application/json';
  for (const entry of accept.replace(/\s/g, '').toLowerCase().split(',')) {
    const [type, ...params] = entry.split(';');
    const charset = params.find((p) => p.includes('charset='));
    if (charset && charset !== 'charset=utf-8') continue;
    if (type === 'application/json' || type === 'application/*' || type === '*/*') return 'application/json';
    if (type === 'application/graphql-response+json') return 'application/graphql-response+json';
    if (type === 'text/event-stream' || type === 'multipart/mixed') return null;
  }
  return null;
}

function isParams(value: unknown): value is GraphQLParams {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const p = value as Record<string, unknown>;
  const objectOrNull = (v: unknown) => v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v));
  return (
    typeof p.query === 'string' &&
    objectOrNull(p.variables) &&
    objectOrNull(p.extensions) &&
    (p.operationName === undefined || p.operationName === null || typeof p.operationName === 'string')
  );
}

export interface GraphQLFastPath {
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** requests answered here, and requests handed on to Yoga */
  counts: { fast: number; fallback: number };
}

/**
 * Stands in for the Fetch Request in the envelop context. Yoga's parse hook only tags parse
 * errors (GRAPHQL_PARSE_FAILED, status 400) for requests that have one, and caches the error it
 * saw, so without it a syntax error first seen here would lose its code for everyone after.
 * One shared object: it carries no per-request data (the fast path sets `authorized` itself).
 */
const REQUEST_STAND_IN = Object.freeze({ method: 'POST', headers: new Headers() });

export function createGraphQLFastPath(yoga: Yoga, apiKeys: readonly string[], maxBodyBytes: number): GraphQLFastPath {
  const counts = { fast: 0, fallback: 0 };
  const fallback = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    counts.fallback++;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const init: RequestInit = {
      method: 'POST',
      headers,
      body: new Uint8Array(body) as Uint8Array<ArrayBuffer>,
    };
    const response = await yoga.fetch(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/graphql'}`, init, {});
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
      res.end(JSON.stringify({ errors: [{ message: `Request body larger than ${maxBodyBytes} bytes` }] }));
      return;
    }
    let params: unknown;
    try {
      params = JSON.parse(body.toString('utf8'));
    } catch {
      return fallback(req, res, body);
    }
    if (!isParams(params)) return fallback(req, res, body);

    const env = yoga.getEnveloped({ req, res, params, request: REQUEST_STAND_IN });
    let document: ReturnType<typeof env.parse>;
    try {
      document = env.parse(params.query);
    } catch {
      return fallback(req, res, body);
    }
    if (env.validate(env.schema, document).length > 0) return fallback(req, res, body);
    const operation = getOperationAST(document, params.operationName);
    if (!operation || operation.operation === 'subscription') return fallback(req, res, body);

    counts.fast++;
    const contextValue = (await env.contextFactory()) as unknown as PulseContext;
    contextValue.authorized = isAuthorized(apiKeys, req.headers.authorization);
    const result = await env.execute({
      schema: env.schema,
      document,
      variableValues: params.variables,
      operationName: params.operationName,
      contextValue,
    });
    const mediaType = negotiatedMediaType(req.headers.accept) as RegularMediaType;
    if (isAsyncIterable(result)) {
      // Not reachable without @defer/@stream, which Pulse does not enable; Yoga answers the same.
      res.writeHead(406, {
        accept: 'application/json; charset=utf-8, application/graphql-response+json; charset=utf-8',
      });
      res.end();
      return;
    }
    const status = statusOf(result, mediaType);
    res.writeHead(status, { 'content-type': `${mediaType}; charset=utf-8` });
    res.end(stringify(result));
  };
  return { handle, counts };
}

/** Yoga's status rule for a single result (error.ts getResponseInitByRespectingErrors). */
function statusOf(result: ExecutionResult, mediaType: RegularMediaType): number {
  const errors = result.errors;
  if (!errors?.length) return 200;
  const isApplicationJson = mediaType === 'application/json';
  let status = 0;
  let unexpected = false;
  for (const error of errors) {
    const http = error.extensions?.http as { status?: number; spec?: boolean } | undefined;
    if (http) {
      if (isApplicationJson && http.spec) continue;
      if (http.status && http.status > status) status = http.status;
    } else if (!(error instanceof GraphQLError) || error.extensions?.unexpected) {
      unexpected = true;
    }
  }
  if (status) return status;
  return unexpected && !('data' in result) ? 500 : 200;
}

/** JSON of the result without Yoga's internal error extensions (http, unexpected). */
function stringify(result: ExecutionResult): string {
  if (!result.errors?.length) return JSON.stringify(result);
  return JSON.stringify({
    ...result,
    errors: result.errors.map((error) => {
      const { extensions: all, ...json } = error.toJSON();
      if (!all) return json;
      const { http: _http, unexpected: _unexpected, ...extensions } = all;
      return Object.keys(extensions).length ? { ...json, extensions } : json;
    }),
  });
}
