// The dashboard's routes: GET / (its HTML, under a Content-Security-Policy that allows only this
// origin) and the bundled assets under /dashboard/, from memory with ETags and gzip.
// scripts/build-dashboard.mjs writes the assets to dist/dashboard/ (docs/dashboard.md).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { methodNotAllowed } from './respond.js';

/**
 * Where the built assets are: dist/dashboard/ beside the compiled server (dist/http/ → ../dashboard),
 * and the same folder when the server runs from TypeScript (src/http/ → ../../dist/dashboard).
 */
export const DASHBOARD_DIR = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../../dist/dashboard/' : '../dashboard/', import.meta.url),
);

export const DASHBOARD_ASSET_PREFIX = '/dashboard/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

interface Asset {
  type: string;
  body: Buffer;
  /** null when gzip does not make it smaller */
  gzip: Buffer | null;
  etag: string;
}

export interface DashboardAssets {
  /** by URL path: "/" and "/dashboard/<file>" */
  files: Map<string, Asset>;
}

function asset(type: string, body: Buffer): Asset {
  const gzip = gzipSync(body, { level: 9 });
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return { type, body, gzip: gzip.length < body.length ? gzip : null, etag };
}

/** Reads the built assets into memory, or null when they are not built (`npm run build`). */
export function loadDashboard(dir = DASHBOARD_DIR): DashboardAssets | null {
  if (!existsSync(join(dir, 'index.html'))) return null;
  const files = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[name.slice(name.lastIndexOf('.'))];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    files.set(name === 'index.html' ? '/' : `${DASHBOARD_ASSET_PREFIX}${name}`, asset(type, body));
  }
  return { files };
}

/** A Host header that can stand in a CSP source as it is (a name or address and a port). */
const PLAIN_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * Only this origin: scripts and styles from the files below (no inline code), the GraphQL
 * WebSocket on the same host (CSP3 lets 'self' match ws: and wss: of the page's host, older
 * browsers need it spelled out), images only as data: URLs (uPlot draws on a canvas).
 */
export function contentSecurityPolicy(host: string | undefined): string {
  const ws = host && PLAIN_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${ws}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Accept-Encoding names gzip (or *) with a quality above zero. */
export function acceptsGzip(header: string | undefined): boolean {
  for (const part of (header ?? '').toLowerCase().split(',')) {
    const [coding, ...params] = part.split(';').map((s) => s.trim());
    if (coding !== 'gzip' && coding !== '*') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/** Serves `path` if it is one of the dashboard's files; false when it is not. */
export function handleDashboard(
  req: IncomingMessage,
  res: ServerResponse,
  assets: DashboardAssets,
  path: string,
): boolean {
  const file = assets.files.get(path);
  if (!file) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    methodNotAllowed(res, 'GET, HEAD');
    return true;
  }
  const headers: Record<string, string> = {
    'content-type': file.type,
    etag: file.etag,
    // Revalidated on each load (a 304 when unchanged): the names stay the same across builds.
    'cache-control': 'no-cache',
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
  };
  if (path === '/') {
    headers['content-security-policy'] = contentSecurityPolicy(req.headers.host);
    headers['referrer-policy'] = 'no-referrer';
    headers['x-frame-options'] = 'DENY';
  }
  const match = req.headers['if-none-match'];
  if (match?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === file.etag)) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  const gzip = file.gzip !== null && acceptsGzip(req.headers['accept-encoding']);
  const body = gzip ? (file.gzip as Buffer) : file.body;
  if (gzip) headers['content-encoding'] = 'gzip';
  headers['content-length'] = String(body.length);
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
