// The seed's REST routes, kept for compatibility: POST /event (also the sendBeacon target) and
// GET /stats (with time_zone and a filter parameter per dimension). Thin adapters over
// ingestion/request, Ingest and stats.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAuthorized, type Services } from '../context.js';
import { DIMENSION_COLUMN, DIMENSIONS, type StatsFilter } from '../core/stats.js';
import { InputError, PulseError, unauthenticated } from '../errors.js';
import { parseDate, siteIdProblem, validateEvent } from '../ingestion/request.js';
import { dayOf } from '../stats/scope.js';
import { type ScopeFieldNames, scopeFromInput } from '../stats/scope-input.js';
import { hitOf } from './hit.js';
import { BodyTooLargeError, methodNotAllowed, readBody, sendError, sendJson } from './respond.js';
import { eventFromSnake, problemsToSnake } from './snake-case.js';

const QUEUED = JSON.stringify({ status: 'success', message: 'Event queued for processing' });

const CORS_HEADERS: readonly (readonly [string, string])[] = [
  ['access-control-allow-origin', '*'],
  ['access-control-allow-methods', 'POST, OPTIONS'],
  ['access-control-allow-headers', 'content-type'],
  ['access-control-max-age', '86400'],
];

/** Every answer but the 202 gets the CORS headers set here first (then sendJson's own). */
function setCors(res: ServerResponse): void {
  for (const [name, value] of CORS_HEADERS) res.setHeader(name, value);
}

/** The 202's headers (CORS, then the type) as one flat list for writeHead: nothing set or merged per request. */
const ACCEPTED_HEADERS = [...CORS_HEADERS.flat(), 'content-type', 'application/json'];

function badInput(res: ServerResponse, error: InputError): void {
  const errors = problemsToSnake(error.problems);
  const message = `Invalid event: ${errors.map((p) => `${p.field}: ${p.message}`).join('; ')}`;
  sendJson(res, 400, { status: 'error', code: error.code, message, errors });
}

function isSupportedType(contentType: string | undefined): boolean {
  if (contentType === 'application/json') return true;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || type === 'text/plain';
}

function isBeacon(contentType: string | undefined): boolean {
  if (contentType === 'application/json') return false;
  return (contentType ?? '').trimStart().toLowerCase().startsWith('text/plain');
}

/**
 * Every answer carries CORS headers, so a page on another origin can read errors and Retry-After
 * (an internal error's 500 too: set before submit's unexpected error goes on to app.ts).
 */
export async function handleEvent(req: IncomingMessage, res: ServerResponse, services: Services): Promise<void> {
  if (req.method !== 'POST') {
    setCors(res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    return methodNotAllowed(res, 'POST');
  }
  if (!isSupportedType(req.headers['content-type'])) {
    setCors(res);
    services.ingest.refused.invalid++;
    req.resume();
    sendJson(res, 415, {
      status: 'error',
      code: 'BAD_USER_INPUT',
      message: 'Content-Type must be application/json or text/plain',
    });
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req, services.config.PULSE_MAX_BODY_BYTES)).toString('utf8'));
  } catch (error) {
    setCors(res);
    if (error instanceof BodyTooLargeError) {
      services.ingest.refused.too_large++;
      sendJson(res, 413, {
        status: 'error',
        message: `Body larger than ${services.config.PULSE_MAX_BODY_BYTES} bytes`,
      });
    } else {
      services.ingest.refused.invalid++;
      sendJson(res, 400, { status: 'error', code: 'BAD_USER_INPUT', message: 'Body is not valid JSON' });
    }
    return;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    setCors(res);
    services.ingest.refused.invalid++;
    sendJson(res, 400, { status: 'error', code: 'BAD_USER_INPUT', message: 'Body must be a JSON object' });
    return;
  }
  const valid = validateEvent(eventFromSnake(body as Record<string, unknown>));
  if (!valid.ok) {
    setCors(res);
    services.ingest.refused.invalid++;
    return badInput(res, new InputError(valid.problems));
  }
  try {
    // A text/plain body is what navigator.sendBeacon sends: a browser hit, which gets an anonymous
    // visitor id when it has no user_id and is dropped when a bot sent it. JSON bodies (the seed's
    // curl, server code) keep their user_id as sent, as the seed did. Both get the attributes the
    // body does not carry derived from the request (ingestion/attributes.ts).
    services.ingest.submit(
      [valid.value],
      hitOf(req, {
        trustedProxies: services.config.PULSE_TRUST_PROXY,
        anonymousVisitor: isBeacon(req.headers['content-type']),
        page: 'origin',
      }),
    );
  } catch (error) {
    setCors(res);
    if (error instanceof PulseError) return sendError(res, error);
    throw error;
  }
  res.writeHead(202, ACCEPTED_HEADERS);
  res.end(QUEUED);
}

/** GET /stats filter parameters: each dimension's events column name (path, utm_source, ...). */
const FILTER_PARAMS = DIMENSIONS.map((dimension) => ({ dimension, param: DIMENSION_COLUMN[dimension] }));
const paramOf = (filter: StatsFilter) => DIMENSION_COLUMN[filter.dimension];
const REST_NAMES: ScopeFieldNames = {
  date: 'date',
  from: 'date',
  timeZone: 'time_zone',
  filter: paramOf,
  filters: paramOf,
};

export async function handleStats(
  req: IncomingMessage,
  res: ServerResponse,
  services: Services,
  query: URLSearchParams,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET');
  if (!isAuthorized(services.config.PULSE_API_KEYS, req.headers.authorization))
    return sendError(res, unauthenticated());
  const siteId = query.get('site_id');
  const date = query.get('date');
  const errors: { field: string; message: string }[] = [];
  if (!siteId) errors.push({ field: 'site_id', message: 'is required' });
  else {
    const problem = siteIdProblem(siteId);
    if (problem) errors.push({ field: 'site_id', message: problem });
  }
  const dayStart = parseDate(date);
  if (!date) errors.push({ field: 'date', message: 'is required (YYYY-MM-DD)' });
  else if (dayStart === null) errors.push({ field: 'date', message: 'must be a calendar date YYYY-MM-DD' });
  // An empty value filters for "none" (e.g. source= : direct traffic).
  const filters: StatsFilter[] = [];
  for (const { dimension, param } of FILTER_PARAMS) {
    for (const value of query.getAll(param)) filters.push({ dimension, value: value === '' ? null : value });
  }
  const scope = scopeFromInput(
    {
      siteId: siteId ?? '',
      date: dayStart === null ? null : dayOf(dayStart),
      from: null,
      to: null,
      timeZone: query.get('time_zone'),
      filters,
    },
    REST_NAMES,
  );
  if (!scope.ok) errors.push(...scope.problems);
  if (errors.length > 0 || !scope.ok) {
    // (the last condition only narrows the type; errors is non-empty then)
    const message = `Invalid parameters: ${errors.map((p) => `${p.field}: ${p.message}`).join('; ')}`;
    sendJson(res, 400, { status: 'error', code: 'BAD_USER_INPUT', message, errors });
    return;
  }
  const stats = await services.stats(scope.scope);
  sendJson(res, 200, {
    site_id: stats.siteId,
    date: stats.date,
    total_views: stats.totalViews,
    unique_users: stats.uniqueUsers,
    top_paths: stats.topPaths,
  });
}
