// The PostgreSQL connection: a Prisma client over @prisma/adapter-pg (a pg pool), and the driver
// adapter under it that every statement of the backend runs on (storage/driver.ts says why).
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../../generated/prisma-postgres/client.js';
import { inTransaction as onDriverInTransaction, rowsOf, sqlQuery } from '../driver.js';
import { StorageUnavailableError } from '../port.js';
import type { Dialect } from '../reads.js';

export interface PgDb {
  client: PrismaClient;
  driver: SqlDriverAdapter;
}

/** Connections in the pool: flushes, stats reads and maintenance of one instance share it. */
export const POOL_SIZE = 10;
/** How long taking a connection may wait (a database that is down fails at once anyway). */
const CONNECT_TIMEOUT_MS = 5000;

export async function openPostgres(url: string): Promise<PgDb> {
  const factory = new PrismaPg(
    {
      connectionString: url,
      max: POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // Pulse's reads are small: starting parallel workers cost more than the work (a 30-day
      // top paths of a time-zone range: 104 ms with two workers, ~10 ms of it work; docs/performance.md).
      // An `options` parameter in DATABASE_URL takes precedence over this one (pg reads the URL last).
      options: '-c max_parallel_workers_per_gather=0',
    },
    // An idle connection dropped by a restarting server is replaced on next use: nothing to do.
    { onPoolError: () => undefined, onConnectionError: () => undefined },
  );
  let driver: SqlDriverAdapter | null = null;
  const adapter: SqlDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      driver = await factory.connect();
      return driver;
    },
  };
  const client = new PrismaClient({ adapter });
  // Connecting creates the pool, not a connection: this works while the database is down.
  await client.$connect();
  if (!driver) throw new Error('Prisma did not connect its PostgreSQL driver adapter');
  return { client, driver };
}

/** SQLSTATE classes and codes that mean "the server is not there right now" (08: connection, 57P: shutdown/starting). */
const UNAVAILABLE_CODE = /^(08|57P0[1-3]|53300)/;
const UNAVAILABLE_KIND = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
]);
const UNAVAILABLE_MESSAGE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EPIPE|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)|terminating connection/i;

/**
 * PostgreSQL's own message for a driver error, or a StorageUnavailableError when the server
 * cannot be reached. pg's messages name host and port at most, never the password.
 */
export function pgError(error: unknown): Error {
  if (error instanceof StorageUnavailableError) return error;
  const cause = (error as { cause?: { kind?: string; originalCode?: string; originalMessage?: string } } | null)?.cause;
  const code = cause?.originalCode ?? (error as { code?: unknown } | null)?.code;
  const message = cause?.originalMessage ?? (error instanceof Error ? error.message : String(error));
  if (
    (cause?.kind && UNAVAILABLE_KIND.has(cause.kind)) ||
    (typeof code === 'string' && UNAVAILABLE_CODE.test(code)) ||
    UNAVAILABLE_MESSAGE.test(message)
  ) {
    return new StorageUnavailableError(`PostgreSQL is unavailable: ${cause?.kind ?? code ?? message}`);
  }
  return cause?.originalMessage ? new Error(cause.originalMessage) : (error as Error);
}

export function inTransaction<T>(db: PgDb, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return onDriverInTransaction(db.driver, pgError, work);
}

/**
 * A raw read on a pooled connection: rows as objects (bigint and sums as strings). A pooled
 * connection that the server ended while it sat idle (a restart, a failover,
 * pg_terminate_backend) fails its next query once, and pg then drops it; a read is safe to run
 * again, so it runs once more, on another connection, before the error reaches the caller.
 */
export async function queryRows<T>(db: PgDb, sql: string, ...args: unknown[]): Promise<T[]> {
  try {
    return await rowsOf<T>(db.driver, pgError, sql, ...args);
  } catch (error) {
    if (!(error instanceof StorageUnavailableError)) throw error;
    return rowsOf<T>(db.driver, pgError, sql, ...args);
  }
}

/** A raw statement on a pooled connection; returns the rows it changed. */
export async function execute(db: PgDb, sql: string, ...args: unknown[]): Promise<number> {
  try {
    return await db.driver.executeRaw(sqlQuery(sql, ...args));
  } catch (error) {
    throw pgError(error);
  }
}

/** How the shared reads (storage/reads.ts) are written for PostgreSQL: byte order whatever the database's collation. */
export const READ_DIALECT: Dialect = {
  parts: (parts) =>
    `(VALUES ${parts
      .map(([b, lo, hi], i) => {
        // integers the planner computed (storage/plan.ts), never input text
        if (![b, lo, hi].every(Number.isSafeInteger)) throw new Error('a part of a read is not an integer');
        return i === 0 ? `(${b}, ${lo}::bigint, ${hi}::bigint)` : `(${b}, ${lo}, ${hi})`;
      })
      .join(', ')}) AS p (b, lo, hi)`,
  // LATERAL, kept from being flattened (OFFSET 0): each part is one index range scan, where the
  // planner otherwise scanned the site's whole index with the parts as the inner side.
  join: (parts, table, alias, where) =>
    `FROM ${parts} CROSS JOIN LATERAL (SELECT * FROM ${table} ${alias} WHERE ${where} OFFSET 0) ${alias}`,
  bytes: ' COLLATE "C"',
};
