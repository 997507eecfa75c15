// GET /pixel.gif: tracking without JavaScript. Query parameters become an event (defaults:
// event_type page_view, path and UTM parameters from the Referer, timestamp now) validated like
// every other event.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../context.js';
import { InputError, PulseError } from '../errors.js';
import { validateEventAt } from '../ingestion/request.js';
import { hitOf } from './hit.js';
import { methodNotAllowed, sendError, sendJson } from './respond.js';
import { eventFromSnake, problemsToSnake } from './snake-case.js';

/** A 1x1 transparent GIF (42 bytes). */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const GIF_HEADERS = {
  'content-type': 'image/gif',
  'content-length': String(PIXEL_GIF.length),
  'cache-control': 'no-store, max-age=0',
};

const UTM_PARAMS = [
  ['utm_source', 'utmSource'],
  ['utm_medium', 'utmMedium'],
  ['utm_campaign', 'utmCampaign'],
] as const;

/** The URL, or null when it is none (one parse: URL.canParse and then new URL would be two). */
function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/**
 * Defaults from the page's URL (the Referer header): the path, and each UTM parameter the query
 * does not carry. A page URL's UTM value is the visitor's link, not the caller's input: an
 * over-long one is cut to the 256 characters EventInput allows rather than refusing the hit.
 */
function pageDefaults(raw: Record<string, unknown>, referer: string | undefined): void {
  if (!referer) return;
  // Nothing to take when the path is given and the page URL has no query ("?" starts one): the
  // usual hit skips parsing its Referer.
  if (raw.path !== undefined && !referer.includes('?')) return;
  const page = parseUrl(referer);
  if (page === null) return;
  raw.path ??= page.pathname;
  if (page.search === '') return;
  for (const [param, field] of UTM_PARAMS) {
    const value = page.searchParams.get(param);
    if (value) raw[field] ??= value.slice(0, 256);
  }
}

export function handlePixel(
  req: IncomingMessage,
  res: ServerResponse,
  services: Services,
  query: URLSearchParams,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    methodNotAllowed(res, 'GET');
    return;
  }
  const now = Date.now();
  // An empty parameter (`path=`) counts as absent, so its default applies (the last non-empty
  // value of a repeated one is taken).
  const params: Record<string, string> = {};
  for (const [name, value] of query) if (value !== '') params[name] = value;
  const raw = eventFromSnake(params);
  raw.eventType ??= 'page_view';
  pageDefaults(raw, req.headers.referer);
  // timestamp: now, when the query has none
  const valid = validateEventAt(raw, now);
  if (!valid.ok) {
    services.ingest.refused.invalid++;
    const errors = problemsToSnake(valid.problems);
    const message = `Invalid pixel parameters: ${errors.map((p) => `${p.field}: ${p.message}`).join('; ')}`;
    sendJson(res, 400, { status: 'error', code: new InputError(valid.problems).code, message, errors });
    return;
  }
  if (req.method === 'HEAD') {
    // Link checkers and prefetchers send HEAD: answer as GET would, but record nothing.
    res.writeHead(200, GIF_HEADERS);
    res.end();
    return;
  }
  try {
    services.ingest.submit(
      [valid.value],
      hitOf(req, { trustedProxies: services.config.PULSE_TRUST_PROXY, anonymousVisitor: true, page: 'referer' }),
    );
  } catch (error) {
    if (!(error instanceof PulseError)) throw error;
    sendError(res, error);
    return;
  }
  res.writeHead(200, GIF_HEADERS);
  res.end(PIXEL_GIF);
}
