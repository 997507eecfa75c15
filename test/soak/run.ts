// `npm run soak`: a bounded run of mixed load against the real server (GraphQL single and batch,
// REST JSON and beacon, pixel with browsers and bots, stats reads, invalid requests, liveStats
// subscribers that come and go) with the database locked by another writer now and then. Prints
// the server's RSS and events accepted vs stored over time; at the end stops the server gracefully
// and exits non-zero if any accepted event is missing or stored twice. `npm run soak -- --help`.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { migrateSqlite as migrateDatabase } from '../../src/storage/sqlite/migrate.js';
import { procStatusBytes, startChild } from '../bench/processes.js';
import { buildServer, SERVER_ARGS } from '../helpers/build.js';
import { Load } from './load.js';

const HELP = `npm run soak -- [flags]
  --minutes M        how long the load runs (default 10; decimals allowed)
  --rate R           requests per second to aim for (default 300)
  --concurrency C    requests in flight at most (default 16)
  --sample S         seconds between progress lines (default 10)
  --lock-every S     lock the database from another connection every S seconds (default 60; 0: never)
  --lock-for S       for S seconds each time (default 3)
  --keep             keep the temporary directory (database, server output)`;

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '16' },
    sample: { type: 'string', default: '10' },
    'lock-every': { type: 'string', default: '60' },
    'lock-for': { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const num = (name: keyof typeof flags, min: number): number => {
  const n = Number(flags[name]);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}`);
  return n;
};
const minutes = num('minutes', 0.05);
const rate = num('rate', 1);
const concurrency = num('concurrency', 1);
const sampleMs = num('sample', 1) * 1000;
const lockEveryMs = num('lock-every', 0) * 1000;
const lockForMs = num('lock-for', 0.1) * 1000;

const log = (line: string) => process.stdout.write(`${line}\n`);
const mb = (bytes: number | null) => (bytes === null ? '-' : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

function metric(text: string, name: string, label = ''): number {
  const m = new RegExp(`^${name}${label ? `\\{${label}\\}` : ''} (\\S+)$`, 'm').exec(text);
  return m?.[1] ? Number(m[1]) : 0;
}

function stored(dbPath: string): { rows: number; ids: number } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    return db.prepare('SELECT COUNT(*) AS rows, COUNT(DISTINCT id) AS ids FROM events').get() as {
      rows: number;
      ids: number;
    };
  } finally {
    db.close();
  }
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(os.tmpdir(), 'pulse-soak-'));
  const dbPath = join(dir, 'pulse.db');
  await migrateDatabase(`file:${dbPath}`);
  buildServer();
  const server = await startChild({
    name: 'pulse',
    args: SERVER_ARGS,
    env: {
      DATABASE_URL: `file:${dbPath}`,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      PULSE_FLUSH_MAX_BACKOFF_MS: '1000',
      PULSE_DB_BUSY_TIMEOUT_MS: '100',
    },
    ready: /Pulse listening on (http:\/\/\S+)\/graphql/,
  });
  const base = server.baseUrl;
  log(`soak: ${minutes} min at ~${rate} req/s (${concurrency} in flight), database ${dbPath}`);
  log(
    `soak: another writer locks the database ${lockEveryMs ? `for ${lockForMs / 1000} s every ${lockEveryMs / 1000} s` : 'never'}`,
  );

  // Long-lived subscribers, and one that comes and goes.
  const wsUrl = `${base.replace(/^http/, 'ws')}/graphql`;
  const ws = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 5 });
  let liveUpdates = 0;
  const subscriptions = ['soak-a', 'soak-b', 'soak-c'].map((siteId) =>
    ws.subscribe(
      { query: `subscription { liveStats(siteId: "${siteId}") { totalEvents } }` },
      { next: () => liveUpdates++, error: () => undefined, complete: () => undefined },
    ),
  );

  const load = new Load(base, { rate, concurrency });
  const started = Date.now();
  const deadline = started + minutes * 60_000;
  const running = load.run(deadline);

  const lock: { db: Database.Database | null } = { db: null };
  let locks = 0;
  const lockTimer =
    lockEveryMs > 0
      ? setInterval(() => {
          if (lock.db) return;
          try {
            lock.db = new Database(dbPath);
            lock.db.exec('BEGIN IMMEDIATE');
            locks++;
          } catch {
            lock.db = null;
            return;
          }
          setTimeout(() => {
            lock.db?.exec('ROLLBACK');
            lock.db?.close();
            lock.db = null;
          }, lockForMs);
        }, lockEveryMs)
      : null;

  const churn: { stop: (() => void) | null } = { stop: null };
  let churns = 0;
  const rssSeen: number[] = [];
  const sampler = setInterval(async () => {
    churn.stop?.();
    churn.stop = ws.subscribe(
      { query: 'subscription { liveStats(siteId: "soak-churn") { totalEvents } }' },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
    churns++;
    const text = await fetch(`${base}/metrics`)
      .then((r) => r.text())
      .catch(() => '');
    const rss = procStatusBytes(server.pid, 'VmRSS');
    if (rss !== null) rssSeen.push(rss);
    const s = stored(dbPath);
    log(
      [
        `t=${Math.round((Date.now() - started) / 1000)}s`,
        `rss=${mb(rss)}`,
        `accepted=${load.counts.accepted}`,
        `stored=${s.rows}`,
        `buffered=${metric(text, 'pulse_buffer_events')}`,
        `overloaded=${load.counts.overloaded}`,
        `retries=${metric(text, 'pulse_flush_retries_total')}`,
        `ready=${metric(text, 'pulse_flusher_healthy') === 1 ? 'yes' : 'no'}`,
        `subscribers=${metric(text, 'pulse_live_subscribers')}`,
        `req=${load.counts.requests}`,
      ].join(' '),
    );
  }, sampleMs);

  await running;
  clearInterval(sampler);
  if (lockTimer) clearInterval(lockTimer);
  while (lock.db) await new Promise((r) => setTimeout(r, 50));
  churn.stop?.();
  for (const unsubscribe of subscriptions) unsubscribe();
  await ws.dispose();

  // Everything the server accepted, by its own count, just before the graceful stop.
  const finalMetrics = await (await fetch(`${base}/metrics`)).text();
  const serverAccepted = metric(finalMetrics, 'pulse_events_accepted_total');
  const bots = metric(finalMetrics, 'pulse_events_dropped_total', 'reason="bot"');
  const retries = metric(finalMetrics, 'pulse_flush_retries_total');
  const rssEnd = procStatusBytes(server.pid, 'VmRSS');
  const peak = procStatusBytes(server.pid, 'VmHWM');
  const code = await server.stop(60_000);
  const s = stored(dbPath);

  const c = load.counts;
  const lossy = c.unknown > 0;
  const problems: string[] = [];
  if (code !== 0) problems.push(`server exited with ${code} on SIGTERM:\n${server.output()}`);
  if (s.rows !== serverAccepted) problems.push(`stored ${s.rows} != accepted ${serverAccepted} (server count)`);
  if (!lossy && s.rows !== c.accepted) problems.push(`stored ${s.rows} != accepted ${c.accepted} (client count)`);
  if (s.ids !== s.rows) problems.push(`${s.rows - s.ids} events stored twice`);
  if (c.errors5xx > 0) problems.push(`${c.errors5xx} answers were 5xx other than OVERLOADED`);
  if (!lossy && bots !== c.bots) problems.push(`bots dropped ${bots} != bot hits sent ${c.bots}`);

  const warm = rssSeen[Math.min(rssSeen.length - 1, 2)] ?? null;
  log('');
  log('soak summary');
  log(
    `  duration          ${((Date.now() - started) / 60_000).toFixed(1)} min, ${c.requests} requests (${(c.requests / ((deadline - started) / 1000)).toFixed(0)}/s)`,
  );
  log(`  events accepted   ${c.accepted} (client), ${serverAccepted} (server)`);
  log(`  events stored     ${s.rows} (${s.ids} distinct ids)`);
  log(`  refused           overloaded ${c.overloaded}, invalid ${c.invalid} (sent on purpose), bots dropped ${bots}`);
  log(`  faults            ${locks} database locks, ${retries} flush retries`);
  log(`  live updates      ${liveUpdates} on 3 subscribers; ${churns} subscribe/unsubscribe cycles`);
  log(`  server RSS        after warm-up ${mb(warm)}, end ${mb(rssEnd)}, peak ${mb(peak)}`);
  if (c.unknown > 0) log(`  unknown outcomes  ${c.unknown} requests failed on the client side`);
  log(problems.length ? `  FAILED\n    ${problems.join('\n    ')}` : '  OK: every accepted event stored exactly once');
  if (flags.keep) log(`  kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  return problems.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
