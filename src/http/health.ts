// GET /healthz (the process answers) and GET /readyz (database reachable, buffer not full,
// flushes succeeding, still accepting events).
import type { ServerResponse } from 'node:http';
import type { Services } from '../context.js';
import type { Flusher } from '../ingestion/flusher.js';
import type { Storage } from '../storage/port.js';
import { sendJson } from './respond.js';

export function handleHealth(res: ServerResponse): void {
  sendJson(res, 200, { status: 'ok' });
}

export async function handleReady(
  res: ServerResponse,
  services: Services,
  storage: Storage,
  flusher: Flusher,
): Promise<void> {
  const problems: string[] = [];
  if (!(await storage.ping())) problems.push('database unreachable');
  if (services.ingest.bufferFull) problems.push('ingest buffer full');
  if (!flusher.healthy) problems.push(`flushes failing: ${flusher.status.lastError ?? 'unknown error'}`);
  if (!services.ingest.isAccepting) problems.push('shutting down');
  sendJson(
    res,
    problems.length ? 503 : 200,
    problems.length ? { status: 'unavailable', problems } : { status: 'ready' },
  );
}
