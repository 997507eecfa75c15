// Raw SQL on a Prisma driver adapter (the SqlDriverAdapter a PrismaClient runs on), shared by both
// backends: statements, one transaction ended the way Prisma's transaction manager ends it, and
// reads as row objects. Why the driver adapter and not PrismaClient's raw queries: docs/performance.md
// (the client's query compiler cost more than the statements themselves).
import type { ArgType, SqlDriverAdapter, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';

const argType = (arg: unknown): ArgType => ({
  scalarType: typeof arg === 'string' ? 'string' : Number.isInteger(arg) ? 'int' : 'float',
  arity: 'scalar',
});

/** A statement for the driver adapter (strings, numbers and nulls as arguments). */
export const sqlQuery = (sql: string, ...args: unknown[]): SqlQuery => ({ sql, args, argTypes: args.map(argType) });

/** Turns a driver error into the error callers see (the backend's own message, never a URL). */
export type ErrorMapper = (error: unknown) => Error;

/**
 * Runs `work` in one transaction on `driver`, committed or rolled back as Prisma's transaction
 * manager does it for both adapters (usePhantomQuery is false: the COMMIT or ROLLBACK statement
 * is sent, then the transaction's lock or pooled connection is released). A failed ROLLBACK (the
 * database may have rolled back already, or gone away) does not hide the error that caused it.
 */
export async function inTransaction<T>(
  driver: SqlDriverAdapter,
  mapError: ErrorMapper,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  let tx: Transaction;
  try {
    tx = await driver.startTransaction();
  } catch (error) {
    throw mapError(error);
  }
  try {
    const result = await work(tx);
    await tx.executeRaw(sqlQuery('COMMIT'));
    await tx.commit();
    return result;
  } catch (error) {
    await tx.executeRaw(sqlQuery('ROLLBACK')).catch(() => undefined);
    await tx.rollback().catch(() => undefined);
    throw mapError(error);
  }
}

/** Rows of a raw read as objects keyed by column name. */
export async function rowsOf<T>(
  queryable: Pick<SqlDriverAdapter, 'queryRaw'>,
  mapError: ErrorMapper,
  sql: string,
  ...args: unknown[]
): Promise<T[]> {
  let result: Awaited<ReturnType<SqlDriverAdapter['queryRaw']>>;
  try {
    result = await queryable.queryRaw(sqlQuery(sql, ...args));
  } catch (error) {
    throw mapError(error);
  }
  const { columnNames, rows } = result;
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < columnNames.length; i++) out[columnNames[i] as string] = row[i];
    return out as T;
  });
}
