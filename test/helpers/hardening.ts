// Helpers for the security and reliability tests: an in-process app on a real port (so the plain
// node:http routes, the fast path and graphql-ws are all reachable), Prometheus text parsing, and
// real SQLite faults on a running app's database.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach } from 'vitest';
import type { PulseApp } from '../../src/app.js';
import { SqliteStorage } from '../../src/storage/sqlite/index.js';

/** A browser's User-Agent: bot User-Agents (and Node's fetch, which says "node") are dropped on the browser routes. */
export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

export interface Listening {
  baseUrl: string;
  graphqlUrl: string;
  wsUrl: string;
  server: Server;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

/** Serves the app's request listener and graphql-ws on 127.0.0.1 and a free port (closed after each test). */
export async function listen(app: PulseApp): Promise<Listening> {
  const server = createServer(app.handler);
  app.attachWebSocket(server);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    graphqlUrl: `${baseUrl}/graphql`,
    wsUrl: `ws://${baseUrl.slice('http://'.length)}/graphql`,
    server,
  };
}

/** One sample of the Prometheus text format: `name{a="b",…} value`, 0 when absent. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (wanted.every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

export async function scrape(baseUrl: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${baseUrl}/metrics`, { headers });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${await res.text()}`);
  return res.text();
}

/** A database fault that a test switches on and off. */
export interface Fault {
  name: string;
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * Another process's writer: a second connection holds a write transaction (BEGIN IMMEDIATE),
 * so the server's writes wait out their busy timeout and fail with SQLITE_BUSY.
 */
export function lockedByAnotherWriter(dbPath: string): Fault {
  let other: Database.Database | null = null;
  return {
    name: 'database locked by another writer',
    start: async () => {
      other = new Database(dbPath);
      other.exec('BEGIN IMMEDIATE');
    },
    stop: async () => {
      other?.exec('ROLLBACK');
      other?.close();
      other = null;
    },
  };
}

/**
 * Runs a statement on the connection flushes write through: the app's writer thread when it has
 * one, else its Prisma client.
 */
async function onWriterConnection(app: PulseApp, sql: string): Promise<unknown> {
  if (!(app.storage instanceof SqliteStorage)) throw new Error('SQLite faults need the SQLite backend');
  return app.storage.writer.query(sql);
}

/**
 * A read-only database: the server's own connection is switched to `PRAGMA query_only`, so
 * every write fails with SQLITE_READONLY, as it does on a read-only file or mount. (chmod 444
 * cannot do this here: the tests may run as root, whom file modes do not stop.)
 */
export function readOnly(app: PulseApp): Fault {
  return {
    name: 'database read-only',
    start: async () => {
      await onWriterConnection(app, 'PRAGMA query_only = ON');
    },
    stop: async () => {
      await onWriterConnection(app, 'PRAGMA query_only = OFF');
    },
  };
}

/**
 * A full disk: the server's connection may not grow the file past its current size
 * (`PRAGMA max_page_count`), so a write that needs a new page fails with SQLITE_FULL.
 */
export function diskFull(app: PulseApp): Fault {
  return {
    name: 'disk full',
    start: async () => {
      const [row] = (await onWriterConnection(app, 'PRAGMA page_count')) as { page_count: bigint | number }[];
      await onWriterConnection(app, `PRAGMA max_page_count = ${Number(row?.page_count ?? 1)}`);
    },
    stop: async () => {
      await onWriterConnection(app, 'PRAGMA max_page_count = 1073741823');
    },
  };
}

/**
 * PostgreSQL: another session holds an EXCLUSIVE lock on rollup_days (reads go on; every flush
 * waits at its rollup_days upsert until the lock is released).
 */
export function pgLockedByAnotherWriter(url: string): Fault {
  let other: pg.Client | null = null;
  return {
    name: 'rollups locked by another session',
    start: async () => {
      other = new pg.Client({ connectionString: url });
      other.on('error', () => undefined);
      await other.connect();
      await other.query('BEGIN');
      await other.query('LOCK TABLE rollup_days IN EXCLUSIVE MODE');
    },
    stop: async () => {
      await other?.query('ROLLBACK');
      await other?.end();
      other = null;
    },
  };
}

/**
 * PostgreSQL: every connection of the app is terminated by the server (as on a failover or an
 * administrator's pg_terminate_backend): whatever a flush had in hand fails and is retried on a
 * new connection.
 */
export function pgConnectionsKilled(url: string): Fault {
  return {
    name: 'connections terminated',
    start: async () => {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        );
      } finally {
        await admin.end();
      }
    },
    stop: async () => undefined,
  };
}

/**
 * PostgreSQL: the database turns read-only (as after a failover to a standby): new sessions
 * default to read-only transactions, and the app's sessions are terminated so it reconnects into
 * them; every flush then fails until the fault stops.
 */
export function pgReadOnly(url: string): Fault {
  const name = new URL(url).pathname.slice(1);
  const set = async (sql: string) => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // (a session opened while the fault is on is read-only too)
      await admin.query('SET default_transaction_read_only = off');
      await admin.query(sql);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
    } finally {
      await admin.end();
    }
  };
  return {
    name: 'database read-only',
    start: () => set(`ALTER DATABASE "${name}" SET default_transaction_read_only = on`),
    stop: () => set(`ALTER DATABASE "${name}" RESET default_transaction_read_only`),
  };
}
