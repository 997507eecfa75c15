// Small node:http helpers shared by the plain routes (pixel, REST, health).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTP_STATUS, type PulseError } from '../errors.js';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

/** An error body of the REST routes: {"status":"error","code","message", ...extra}. */
export function sendError(res: ServerResponse, error: PulseError, extra: Record<string, unknown> = {}): void {
  const headers: Record<string, string> = {};
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
  if (error.code === 'UNAUTHENTICATED') headers['www-authenticate'] = 'Bearer';
  sendJson(
    res,
    HTTP_STATUS[error.code],
    { status: 'error', code: error.code, message: error.message, ...extra },
    headers,
  );
}

export function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendJson(res, 405, { status: 'error', message: `Method not allowed; use ${allow}` }, { allow });
}

export class BodyTooLargeError extends Error {}

/** Reads a request body up to `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      reject(new BodyTooLargeError());
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError());
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
