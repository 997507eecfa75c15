// CSRF prevention for GraphQL over HTTP, as Yoga's @graphql-yoga/plugin-csrf-prevention does it
// (that package is not a dependency; this is its rule): a request a browser may send cross-site
// without a CORS preflight ("simple": GET, or a form / text/plain body) must carry one of
// `requestHeaders`, which a page on another origin cannot add without a preflight. JSON POSTs
// (every GraphQL client, GraphiQL) are always preflighted cross-site and pass untouched.
// One exception: GET with `Accept: text/event-stream`, the SSE subscription route (docs/api.md,
// "Endpoints"), because EventSource cannot set headers; it is read-only, and the protected stats
// need an `Authorization` header, which EventSource cannot send either (docs/security.md, "Access").
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** Content types a browser sends cross-site without asking first (the CORS "simple" ones). */
const NON_PREFLIGHTED_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

export const DEFAULT_CSRF_HEADERS = [
  'x-graphql-csrf',
  'x-graphql-yoga-csrf',
  'graphql-client-name',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  // Not CORS-safelisted either, so a request with an API key was preflighted too.
  'authorization',
];

export interface CSRFPreventionOptions {
  /** a simple request needs at least one of these (default DEFAULT_CSRF_HEADERS) */
  requestHeaders?: readonly string[];
}

function wasPreflighted(contentType: string | null): boolean {
  if (!contentType) return false;
  const type = contentType.toLowerCase();
  return !NON_PREFLIGHTED_CONTENT_TYPES.some((simple) => type.startsWith(simple));
}

function isEventSource(request: Request): boolean {
  return request.method === 'GET' && (request.headers.get('accept') ?? '').toLowerCase().includes('text/event-stream');
}

export function useCSRFPrevention(options: CSRFPreventionOptions = {}): Plugin {
  const requestHeaders = options.requestHeaders ?? DEFAULT_CSRF_HEADERS;
  return {
    onRequestParse({ request }) {
      if (wasPreflighted(request.headers.get('content-type'))) return;
      if (requestHeaders.some((name) => request.headers.has(name))) return;
      if (isEventSource(request)) return;
      throw createGraphQLError(
        `Required CSRF header missing: a GET or form request must carry one of ${requestHeaders.join(', ')}`,
        { extensions: { code: 'CSRF_HEADER_MISSING', http: { status: 403 } } },
      );
    },
  };
}
