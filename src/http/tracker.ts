// GET /pulse.js: the tracker script (see docs/tracker.md), loaded once on first request, cached by
// browsers for a few hours and revalidated by ETag; any site may embed it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { methodNotAllowed } from './respond.js';
import { loadTracker, type TrackerAsset } from './tracker-asset.js';

/**
 * Four hours: the snippet's URL carries no version, so a new tracker reaches returning visitors
 * within a working day at worst, while a visitor's pages in one session reuse the cached copy; a
 * stale copy costs a 304, not the script.
 */
export const TRACKER_CACHE_CONTROL = 'public, max-age=14400';

const HEADERS = {
  'content-type': 'text/javascript; charset=utf-8',
  'cache-control': TRACKER_CACHE_CONTROL,
  vary: 'Accept-Encoding',
  // Embeddable from any origin: <script crossorigin> (and SRI) needs CORS, a page under
  // Cross-Origin-Embedder-Policy needs CORP.
  'access-control-allow-origin': '*',
  'cross-origin-resource-policy': 'cross-origin',
  'x-content-type-options': 'nosniff',
};

function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return acceptEncoding.split(',').some((part) => {
    const [coding, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** If-None-Match (weak comparison, RFC 9110 §13.1.2) against the tags of this asset. */
function notModified(ifNoneMatch: string | undefined, asset: TrackerAsset): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => {
    const opaque = tag.trim().replace(/^W\//, '');
    return opaque === asset.etag || opaque === asset.gzipEtag;
  });
}

export function createTrackerRoute(load: () => Promise<TrackerAsset> = loadTracker) {
  let asset: Promise<TrackerAsset> | null = null;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET');
    asset ??= load().catch((error: unknown) => {
      asset = null; // try again on the next request
      throw error;
    });
    const tracker = await asset;
    const gzip = acceptsGzip(req.headers['accept-encoding']);
    const etag = gzip ? tracker.gzipEtag : tracker.etag;
    if (notModified(req.headers['if-none-match'], tracker)) {
      res.writeHead(304, { ...HEADERS, etag });
      res.end();
      return;
    }
    const body = gzip ? tracker.gzip : tracker.body;
    res.writeHead(200, {
      ...HEADERS,
      etag,
      'content-length': String(body.length),
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
