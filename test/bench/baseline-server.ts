// The benchmark's floor: a bare node:http server doing the same work shape as Pulse's ingestion
// routes (read body → JSON.parse → push into an array; pixel: parse the query → push → GIF), with
// no validation, pipeline, GraphQL or storage. Prints `Baseline listening on http://…` when ready.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The same 1x1 transparent GIF Pulse serves. */
const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const GIF_HEADERS = {
  'content-type': 'image/gif',
  'content-length': String(PIXEL_GIF.length),
  'cache-control': 'no-store, max-age=0',
};
const QUEUED = JSON.stringify({ status: 'success', message: 'Event queued for processing' });

/** Stands in for Pulse's ring buffer; emptied at Pulse's flush batch size so memory stays flat. */
const BATCH = 5000;
let events: unknown[] = [];
let received = 0;

function keep(event: unknown): void {
  events.push(event);
  received++;
  if (events.length >= BATCH) events = [];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A GraphQL-shaped body keeps its variables' events; a REST body is the event itself. */
function keepBody(body: unknown): void {
  const variables = (body as { variables?: { input?: unknown; inputs?: unknown } } | null)?.variables;
  if (variables === undefined) keep(body);
  else if (Array.isArray(variables.inputs)) for (const e of variables.inputs) keep(e);
  else keep(variables.input);
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (path === '/pixel.gif' && req.method === 'GET') {
    keep(Object.fromEntries(new URLSearchParams(q === -1 ? '' : url.slice(q + 1))));
    res.writeHead(200, GIF_HEADERS);
    res.end(PIXEL_GIF);
    return;
  }
  if ((path === '/graphql' || path === '/event') && req.method === 'POST') {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, '{"status":"error","message":"Body is not valid JSON"}');
    }
    keepBody(body);
    return send(res, 202, QUEUED);
  }
  if (path === '/count') return send(res, 200, JSON.stringify({ received }));
  send(res, 404, '{"status":"error","message":"Not found"}');
}

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) send(res, 500, '{"status":"error"}');
    else res.end();
  });
});
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`Baseline listening on http://127.0.0.1:${port}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
