// A node:http fast path for the most common GraphQL request: POST /graphql with a JSON body
// holding one query or mutation (docs/architecture.md, "The GraphQL fast path"). It skips Yoga's
// Fetch-API adapter (Request/Response objects, AbortSignals, streams), and for a document it has
// seen before it skips the envelop pipeline too: the first time a (query, operationName) arrives
// it is parsed and validated through Yoga's envelop (every plugin: armor limits, introspection
// switch, input-error codes) and executed there; from its second request on (as Mercurius with
// `jit: 1`) it is compiled with graphql-jit, and requests run the compiled function (compiled
// variable coercion and execution) with a context built here.
//
// graphql-js through envelop stays the path that produces every error docs/api.md promises:
// - anything that fails before execution (bad JSON, a syntax or validation error, an unknown
//   operation, an unacceptable Accept header) goes to Yoga unchanged;
// - variables that do not coerce (nothing executed) are run again through envelop's execute;
// - execution errors of a query (reads only) are run again through envelop's execute;
// - execution errors of a mutation are run again only when it provably changed nothing: no event
//   was accepted during the compiled run (Pulse's mutations accept all or nothing, before the
//   buffer, src/ingestion/ingest.ts), and the refusal counters it moved are put back, so the
//   re-run counts them once. Otherwise (events accepted) the compiled result is answered, its
//   errors masked and counted as the envelop hooks would: re-running would record them twice.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getOperationAST,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import { isAsyncIterable, type MaskError, type YogaServerInstance } from 'graphql-yoga';
import { isAuthorized, type PulseContext, type Services } from '../context.js';
import { SizedLru } from '../graphql-cache.js';
import type { HitContext } from '../ingestion/pipeline.js';
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

/** How a compiled document answers; null when graphql-jit could not compile it (envelop runs it). */
type Run = CompiledQuery['query'];

interface Prepared {
  document: DocumentNode;
  mutation: boolean;
  schema: GraphQLSchema;
  /** requests seen; -Infinity once compiled or found not compilable */
  seen: number;
  run: Run | null;
}

export interface GraphQLFastPathOptions {
  yoga: Yoga;
  /** PULSE_API_KEYS */
  apiKeys: readonly string[];
  /** PULSE_MAX_BODY_BYTES */
  maxBodyBytes: number;
  /** what resolvers get as ctx.pulse */
  services: Services;
  /** the request behind an ingestion call, as the Yoga context builds it for a node request */
  hitOf: (req: IncomingMessage) => HitContext;
  /** Yoga's maskedErrors.maskError (applied to the errors of a compiled result answered here) */
  maskError: MaskError;
  /** compiled documents kept (least recently used first out; default 1024, as Mercurius) */
  maxDocuments?: number;
  /**
   * requests of a document answered through envelop before it is compiled (default 1: compiled
   * from its second request on, as Mercurius with `jit: 1`), so a one-off document costs no
   * compilation
   */
  compileAfter?: number;
  /** false: every document runs through envelop's execute (for comparing the two; default true) */
  compile?: boolean;
}

export interface GraphQLFastPath {
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** requests answered here, and requests handed on to Yoga */
  counts: { fast: number; fallback: number };
  /** the compiled-document cache: compilations so far, requests run again through envelop */
  compiled: { readonly size: number; compilations: number; reruns: number };
}

/**
 * Stands in for the Fetch Request in the envelop context. Yoga's parse hook only tags parse
 * errors (GRAPHQL_PARSE_FAILED, status 400) for requests that have one, and caches the error it
 * saw, so without it a syntax error first seen here would lose its code for everyone after.
 * One shared object: it carries no per-request data (the fast path sets `authorized` itself).
 */
const REQUEST_STAND_IN = Object.freeze({ method: 'POST', headers: new Headers() });

/** One shared header object per response type: none is built per request. */
const RESPONSE_HEADERS: Record<RegularMediaType, Readonly<Record<string, string>>> = {
  'application/json': Object.freeze({ 'content-type': 'application/json; charset=utf-8' }),
  'application/graphql-response+json': Object.freeze({
    'content-type': 'application/graphql-response+json; charset=utf-8',
  }),
};

/**
 * The context of a compiled run: what the Yoga context factory in app.ts gives a node request,
 * as a class, so a request allocates one object and no closure (`hit` is a method).
 */
class FastContext implements PulseContext {
  constructor(
    readonly pulse: Services,
    public authorized: boolean,
    private readonly req: IncomingMessage,
    private readonly hitOfRequest: (req: IncomingMessage) => HitContext,
  ) {}

  hit(): HitContext {
    return this.hitOfRequest(this.req);
  }
}

const isPromise = (value: unknown): value is Promise<unknown> =>
  typeof (value as Promise<unknown> | null)?.then === 'function';

export function createGraphQLFastPath(options: GraphQLFastPathOptions): GraphQLFastPath {
  const { yoga, apiKeys, maxBodyBytes, services, hitOf, maskError } = options;
  const counts = { fast: 0, fallback: 0 };
  const compileAfter = options.compileAfter ?? 1;
  // Keyed by the query text (and operationName): weight is the text's length, as Yoga's caches.
  const documents = new SizedLru<Prepared>(4 * 1024 * 1024, 64 * 1024, options.maxDocuments ?? 1024);
  const compiled = {
    get size() {
      return documents.size;
    },
    compilations: 0,
    reruns: 0,
  };
  const refused = services.ingest.refused;
  const reasons = Object.keys(refused) as (keyof typeof refused)[];
  const counters = refused as Record<string, number>;
  const refusedBefore = new Array<number>(reasons.length).fill(0);

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

  /** Parses, validates (through envelop: every plugin's rules) and compiles; null: Yoga answers. */
  const prepare = (req: IncomingMessage, res: ServerResponse, params: GraphQLParams): Prepared | null => {
    const env = yoga.getEnveloped({ req, res, params, request: REQUEST_STAND_IN });
    let document: DocumentNode;
    try {
      document = env.parse(params.query);
    } catch {
      return null;
    }
    if (env.validate(env.schema, document).length > 0) return null;
    const operation = getOperationAST(document, params.operationName);
    if (!operation || operation.operation === 'subscription') return null;
    const mutation = operation.operation === 'mutation';
    const seen = options.compile === false ? Number.NEGATIVE_INFINITY : 0;
    return { document, mutation, schema: env.schema, seen, run: null };
  };

  /** graphql-jit's compilation of a prepared document (once; null run: envelop keeps it). */
  const compile = (prepared: Prepared, operationName: string | null | undefined): void => {
    const jit = compileQuery(prepared.schema, prepared.document, operationName ?? undefined);
    compiled.compilations++;
    prepared.seen = Number.NEGATIVE_INFINITY;
    if (isCompiledQuery(jit)) prepared.run = jit.query;
  };

  /** Envelop's own execute (graphql-js, every plugin's hooks), on a document already validated. */
  const standard = async (
    req: IncomingMessage,
    res: ServerResponse,
    params: GraphQLParams,
  ): Promise<ExecutionResult | AsyncIterable<ExecutionResult>> => {
    const env = yoga.getEnveloped({ req, res, params, request: REQUEST_STAND_IN });
    const document = env.parse(params.query);
    const contextValue = (await env.contextFactory()) as unknown as PulseContext;
    contextValue.authorized = isAuthorized(apiKeys, req.headers.authorization);
    return env.execute({
      schema: env.schema,
      document,
      variableValues: params.variables,
      operationName: params.operationName,
      contextValue,
    });
  };

  /**
   * The compiled run; falls back to `standard` where the header comment says it may. A run whose
   * resolvers all return plain values (every Pulse mutation) answers without a promise.
   */
  const execute = (
    req: IncomingMessage,
    res: ServerResponse,
    params: GraphQLParams,
    prepared: Prepared,
    run: Run,
  ): ExecutionResult | Promise<ExecutionResult | AsyncIterable<ExecutionResult>> => {
    const accepted = services.ingest.acceptedEvents;
    if (prepared.mutation) {
      for (let i = 0; i < reasons.length; i++) refusedBefore[i] = counters[reasons[i] as string] as number;
    }
    const context = new FastContext(services, isAuthorized(apiKeys, req.headers.authorization), req, hitOf);
    const result = run(undefined, context, params.variables ?? undefined) as ExecutionResult | Promise<ExecutionResult>;
    if (isPromise(result)) return result.then((done) => settle(req, res, params, prepared, done, null));
    return settle(req, res, params, prepared, result, accepted);
  };

  /**
   * A compiled result without errors is the answer; with errors, see the header comment.
   * `accepted`: ingest.acceptedEvents before a run that finished synchronously (then the
   * counters moved by this request alone); null after an asynchronous one.
   */
  const settle = (
    req: IncomingMessage,
    res: ServerResponse,
    params: GraphQLParams,
    prepared: Prepared,
    done: ExecutionResult,
    accepted: number | null,
  ): ExecutionResult | Promise<ExecutionResult | AsyncIterable<ExecutionResult>> => {
    if (!done.errors?.length) return done;
    const changedNothing = accepted !== null && services.ingest.acceptedEvents === accepted;
    if (!('data' in done) || !prepared.mutation || changedNothing) {
      if (prepared.mutation && changedNothing) {
        for (let i = 0; i < reasons.length; i++) counters[reasons[i] as string] = refusedBefore[i] as number;
      }
      compiled.reruns++;
      return standard(req, res, params);
    }
    return maskCompiled(done, prepared);
  };

  /** A compiled result with errors answered as is: masked and counted as the envelop hooks do. */
  const maskCompiled = (result: ExecutionResult, prepared: Prepared): ExecutionResult => {
    const errors = (result.errors ?? []).map((error) => {
      const standardError = new GraphQLError(error.message, {
        path: error.path,
        originalError: error.originalError,
        extensions: error.extensions,
      });
      const masked = maskError(standardError, 'Unexpected error.', false);
      if (masked !== standardError) yoga.logger.error(error);
      return withLocations(masked as GraphQLError, error.locations);
    });
    if (prepared.mutation && errors.some((e) => e.extensions?.code === 'BAD_USER_INPUT')) refused.invalid++;
    // graphql-js's key order (errors first), which the answer's JSON keeps
    return result.extensions
      ? { errors, data: result.data, extensions: result.extensions }
      : { errors, data: result.data };
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

    const key = params.operationName == null ? params.query : `${params.query}\u0000${params.operationName}`;
    let prepared = documents.get(key);
    if (prepared === undefined) {
      const fresh = prepare(req, res, params);
      if (fresh === null) return fallback(req, res, body);
      documents.set(key, fresh);
      prepared = fresh;
    }

    counts.fast++;
    if (prepared.run === null && ++prepared.seen > compileAfter) compile(prepared, params.operationName);
    const pending =
      prepared.run === null ? standard(req, res, params) : execute(req, res, params, prepared, prepared.run);
    const result = isPromise(pending) ? await pending : pending;
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
    res.writeHead(status, RESPONSE_HEADERS[mediaType]);
    res.end(stringify(result));
  };
  return { handle, counts, compiled };
}

/**
 * The masked error with graphql-jit's locations: jit keeps line/column only, where graphql-js
 * keeps the nodes. Key order as GraphQLError.toJSON: message, locations, path, extensions.
 */
function withLocations(error: GraphQLError, locations: GraphQLFormattedError['locations']): GraphQLError {
  if (!locations?.length || error.locations?.length) return error;
  const json = error.toJSON();
  const formatted: GraphQLFormattedError = {
    message: json.message,
    locations,
    ...(json.path ? { path: json.path } : {}),
    ...(json.extensions ? { extensions: json.extensions } : {}),
  };
  return Object.assign(Object.create(error) as GraphQLError, { toJSON: () => formatted });
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
