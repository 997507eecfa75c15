// Small helpers for the end-to-end tests, which talk to a real server (see server.ts) over HTTP.

import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { print } from 'graphql';
import {
  LiveStatsDocument,
  RecordEventDocument,
  RecordEventsDocument,
  SiteStatsDocument,
} from '../generated/graphql.js';
import { SERVER_ARGS } from './build.js';
import { ROOT } from './server.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: T | null;
    errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[];
  };
}

/** POSTs one GraphQL operation as JSON and parses the JSON answer. */
export async function gql<T = Record<string, unknown>>(
  graphqlUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse<T>['body'] };
}

// The operations of test/documents/operations.graphql, as text for raw HTTP and WebSocket clients.
export const RECORD_EVENT = print(RecordEventDocument);
export const RECORD_EVENTS = print(RecordEventsDocument);
export const SITE_STATS = print(SiteStatsDocument);
export const LIVE_STATS = print(LiveStatsDocument);

export interface SiteStatsData {
  siteId: string;
  date: string | null;
  totalViews: number;
  uniqueUsers: number;
  totalEvents: number;
  topPaths: { path: string; views: number }[];
}

export async function siteStats(graphqlUrl: string, siteId: string, date?: string | null): Promise<SiteStatsData> {
  const res = await gql<{ siteStats: SiteStatsData }>(graphqlUrl, SITE_STATS, { siteId, date });
  if (res.status !== 200 || !res.body.data) {
    throw new Error(`siteStats failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.data.siteStats;
}

/**
 * Calls `probe` until `done` holds for its value (or `timeoutMs` passes, which throws with the
 * last value). Used to wait for the flusher; never asserts how long anything took.
 */
export async function waitUntil<T>(
  probe: () => Promise<T> | T,
  done: (value: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 25 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** YYYY-MM-DD of the current UTC day. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

export interface StoredEvent {
  site_id: string;
  event_type: string;
  path: string | null;
  user_id: string | null;
  timestamp: number;
}

/** The rows of the events table (optionally of one site), read with plain better-sqlite3. */
export function storedEvents(dbPath: string, siteId?: string): StoredEvent[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const sql = `SELECT site_id, event_type, path, user_id, CAST(timestamp AS INTEGER) AS timestamp FROM events${
      siteId === undefined ? '' : ' WHERE site_id = ?'
    } ORDER BY rowid`;
    const stmt = db.prepare(sql);
    return (siteId === undefined ? stmt.all() : stmt.all(siteId)) as StoredEvent[];
  } finally {
    db.close();
  }
}

/** Every text column of every row of every table, for "this value is stored nowhere" checks. */
export function allStoredText(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
      .all() as { name: string }[];
    return tables
      .map(({ name }) => JSON.stringify(db.prepare(`SELECT * FROM "${name.replaceAll('"', '""')}"`).all()))
      .join('\n');
  } finally {
    db.close();
  }
}

/** One `text/event-stream` event. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Reads a `text/event-stream` response body event by event (blank-line separated blocks of
 * `event:` / `data:` lines; comments and keep-alives are skipped).
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffered = '';
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true }).replaceAll('\r\n', '\n');
      let end = buffered.indexOf('\n\n');
      while (end !== -1) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':') || line === '') continue;
          const colon = line.indexOf(':');
          const field = colon === -1 ? line : line.slice(0, colon);
          const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
        }
        if (data.length > 0 || event !== 'message') yield { event, data: data.join('\n') };
        end = buffered.indexOf('\n\n');
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * Runs the built server (`node dist/server.js`) with the given environment until it exits on its own (or `timeoutMs`
 * passes, when it is killed and the result says so). For starts that must fail.
 */
export async function runServerToExit(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  const proc = spawn(process.execPath, SERVER_ARGS, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill('SIGKILL');
  }, timeoutMs);
  const code = await new Promise<number | null>((resolve) => proc.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr, timedOut };
}
