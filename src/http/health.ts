// GET /healthz (the process answers) and GET /readyz (database reachable, buffer not full,
// flushes succeeding, still accepting events; and how the live change feed is, with REDIS_URL).
import type { ServerResponse } from 'node:http';
import type { Services } from '../context.js';
import type { Flusher } from '../ingestion/flusher.js';
import type { ChangeFeed } from '../live/change-feed.js';
import type { Storage } from '../storage/port.js';
import { sendJson } from './respond.js';

export function handleHealth(res: ServerResponse): void {
  sendJson(res, 200, { status: 'ok' });
}

/**
 * 200 when the database answers, the buffer has room, flushes succeed and events are taken; the
 * body names each dependency with `ok` or what is wrong. `live` (the Redis change feed, present
 * only with REDIS_URL) can be degraded without making the instance unready.
 */
export async function handleReady(
  res: ServerResponse,
  services: Services,
  storage: Storage,
  flusher: Flusher,
  live: ChangeFeed | null = null,
): Promise<void> {
  const problems: string[] = [];
  const database = (await storage.ping()) ? 'ok' : 'unreachable';
  if (database !== 'ok') problems.push('database unreachable');
  const buffer = services.ingest.bufferFull ? 'full' : 'ok';
  if (buffer !== 'ok') problems.push('ingest buffer full');
  const flush = flusher.healthy ? 'ok' : `failing: ${flusher.status.lastError ?? 'unknown error'}`;
  if (!flusher.healthy) problems.push(`flushes failing: ${flusher.status.lastError ?? 'unknown error'}`);
  if (!services.ingest.isAccepting) problems.push('shutting down');
  const checks: Record<string, string> = { database, buffer, flush };
  if (live) checks.live = live.state.ok ? 'ok' : `degraded: ${live.state.problem}`;
  sendJson(
    res,
    problems.length ? 503 : 200,
    problems.length ? { status: 'unavailable', problems, ...checks } : { status: 'ready', ...checks },
  );
}
