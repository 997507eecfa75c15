// The SQLite connection: a Prisma client over better-sqlite3 with the pragmas Pulse relies on (WAL,
// busy timeout), and the driver adapter under it that every statement of the backend runs on.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from '@prisma/driver-adapter-utils';
import { ensureDatabaseDir, sqlitePathFromUrl } from '../../db-url.js';
import { PrismaClient } from '../../generated/prisma/client.js';
import { inTransaction as onDriverInTransaction, rowsOf } from '../driver.js';
import type { Dialect, Read } from '../reads.js';

export type Db = PrismaClient;

/**
 * How long a statement waits for another writer's lock before failing (ms). better-sqlite3 waits
 * synchronously, so this is also how long the event loop can stall on a locked database; the
 * flusher's own retry with backoff does the longer waiting (PULSE_DB_BUSY_TIMEOUT_MS).
 */
export const BUSY_TIMEOUT_MS = 1000;

/** The driver adapter (Prisma's connection to SQLite) under each client openDatabase made. */
const drivers = new WeakMap<Db, { current: SqlDriverAdapter | null }>();

export async function openDatabase(url: string, busyTimeoutMs = BUSY_TIMEOUT_MS): Promise<Db> {
  const path = sqlitePathFromUrl(url);
  ensureDatabaseDir(path);
  const factory = new PrismaBetterSQLite3({ url: path, timeout: busyTimeoutMs });
  // The factory Prisma gets keeps hold of the adapter it connects, for driverOf.
  const driver = { current: null as SqlDriverAdapter | null };
  const adapter: SqlDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      driver.current = await factory.connect();
      return driver.current;
    },
  };
  const db = new PrismaClient({ adapter });
  drivers.set(db, driver);
  // WAL lets readers (stats) run beside the flusher's writes; NORMAL sync is durable across a
  // process crash (not a power cut), the usual trade for WAL.
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await db.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
  return db;
}

/**
 * The Prisma driver adapter (@prisma/adapter-better-sqlite3) that `db` runs its queries on: the
 * same SQLite connection, and the same transaction lock as `db.$transaction`.
 */
export async function driverOf(db: Db): Promise<SqlDriverAdapter> {
  const driver = drivers.get(db);
  if (!driver) throw new Error('driverOf: the client was not opened with openDatabase');
  if (!driver.current) await db.$connect();
  if (!driver.current) throw new Error('driverOf: Prisma did not connect its driver adapter');
  return driver.current;
}

/** SQLite's own message for a driver error (a DriverAdapterError's message is only its kind). */
export function sqliteError(error: unknown): Error {
  const cause = (error as { cause?: { originalMessage?: unknown } } | null)?.cause;
  return typeof cause?.originalMessage === 'string' ? new Error(cause.originalMessage) : (error as Error);
}

/** One transaction on the driver adapter under `db` (storage/driver.ts), failing with SQLite's message. */
export async function inTransaction<T>(db: Db, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return onDriverInTransaction(await driverOf(db), sqliteError, work);
}

/**
 * A raw SQL read on Prisma's driver adapter: rows as objects (64-bit integers as strings), like
 * $queryRawUnsafe without the trip through PrismaClient's query compiler, which a raw query does
 * not need: a trivial query costs ~0.01 ms here against ~0.2 ms through PrismaClient
 * (tsx test/bench/probes/prisma-params.ts), about what a one-day siteStats itself takes.
 */
export async function queryRows<T>(db: Db, sql: string, ...args: unknown[]): Promise<T[]> {
  return rowsOf<T>(await driverOf(db), sqliteError, sql, ...args);
}

/** How the shared reads (storage/reads.ts) are written for SQLite: text compares by its bytes already. */
export const READ_DIALECT: Dialect = {
  parts: (parts, param) =>
    `(SELECT value ->> 0 AS b, value ->> 1 AS lo, value ->> 2 AS hi FROM json_each(${param(JSON.stringify(parts))})) p`,
  // CROSS JOIN: SQLite keeps the parts as the outer loop, each a range of the table's key
  join: (parts, table, alias, where) => `FROM ${parts} CROSS JOIN ${table} ${alias} WHERE ${where}`,
  bytes: '',
};

/** Reads written with $n placeholders, on `db`: each $n becomes a ? and its value goes in that place. */
export function readOn(db: Db): Read {
  return <T>(sql: string, args: unknown[]) => {
    const ordered: unknown[] = [];
    const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
      ordered.push(args[Number(n) - 1]);
      return '?';
    });
    return queryRows<T>(db, text, ...ordered);
  };
}
