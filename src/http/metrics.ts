// GET /metrics: the Prometheus text format. With PULSE_API_KEYS set it needs the same
// `Authorization: Bearer <key>` as the stats (Prometheus sends it with `authorization.credentials`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAuthorized } from '../context.js';
import { unauthenticated } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { methodNotAllowed, sendError } from './respond.js';

export async function handleMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  metrics: Metrics,
  apiKeys: readonly string[],
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET');
  if (!isAuthorized(apiKeys, req.headers.authorization)) return sendError(res, unauthenticated());
  const text = await metrics.render();
  res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : text);
}
