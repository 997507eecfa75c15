// The Prisma client over better-sqlite3, with the pragmas Pulse relies on (WAL, busy timeout).
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import type {
  ArgType,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from '@prisma/driver-adapter-utils';
import { ensureDatabaseDir, sqlitePathFromUrl } from './db-url.js';
import { PrismaClient } from './generated/prisma/client.js';

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
 * same SQLite connection, and the same transaction lock as `db.$transaction`. The flush writes
 * through it (storage/insert-events.ts says why).
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

const argType = (arg: unknown): ArgType => ({
  scalarType: typeof arg === 'string' ? 'string' : Number.isInteger(arg) ? 'int' : 'float',
  arity: 'scalar',
});

/** A statement for the driver adapter (strings, numbers and nulls as arguments). */
export const sqlQuery = (sql: string, ...args: unknown[]): SqlQuery => ({ sql, args, argTypes: args.map(argType) });

/**
 * Runs `work` in one transaction on the driver adapter under `db`, committed or rolled back as
 * Prisma's transaction manager does it for this adapter (its transactions' usePhantomQuery is
 * false: the COMMIT or ROLLBACK statement is sent, then the transaction's lock is released).
 * Fails with SQLite's message; a failed ROLLBACK (SQLite may have rolled back already, e.g. on a
 * full disk) does not hide the error that caused it.
 */
export async function inTransaction(db: Db, work: (tx: Transaction) => Promise<void>): Promise<void> {
  const tx = await (await driverOf(db)).startTransaction();
  try {
    await work(tx);
    await tx.executeRaw(sqlQuery('COMMIT'));
    await tx.commit();
  } catch (error) {
    await tx.executeRaw(sqlQuery('ROLLBACK')).catch(() => undefined);
    await tx.rollback();
    throw sqliteError(error);
  }
}

/**
 * A raw SQL read on Prisma's driver adapter: rows as objects (64-bit integers as strings), like
 * $queryRawUnsafe without the trip through PrismaClient's query compiler, which a raw query does
 * not need: a trivial query costs ~0.01 ms here against ~0.2 ms through PrismaClient
 * (tsx test/bench/probes/prisma-params.ts), about what a one-day siteStats itself takes.
 */
export async function queryRows<T>(db: Db, sql: string, ...args: unknown[]): Promise<T[]> {
  const driver = await driverOf(db);
  let result: Awaited<ReturnType<SqlDriverAdapter['queryRaw']>>;
  try {
    result = await driver.queryRaw(sqlQuery(sql, ...args));
  } catch (error) {
    throw sqliteError(error);
  }
  const { columnNames, rows } = result;
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < columnNames.length; i++) out[columnNames[i] as string] = row[i];
    return out as T;
  });
}

export async function isDatabaseReachable(db: Db): Promise<boolean> {
  try {
    await db.$queryRawUnsafe('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
