// The Prisma client over better-sqlite3, with the pragmas Pulse relies on (WAL, busy timeout).
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { ensureDatabaseDir, sqlitePathFromUrl } from './db-url.js';
import { PrismaClient } from './generated/prisma/client.js';

export type Db = PrismaClient;

/**
 * How long a statement waits for another writer's lock before failing (ms). better-sqlite3 waits
 * synchronously, so this is also how long the event loop can stall on a locked database; the
 * flusher's own retry with backoff does the longer waiting (PULSE_DB_BUSY_TIMEOUT_MS).
 */
export const BUSY_TIMEOUT_MS = 1000;

export async function openDatabase(url: string, busyTimeoutMs = BUSY_TIMEOUT_MS): Promise<Db> {
  const path = sqlitePathFromUrl(url);
  ensureDatabaseDir(path);
  const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: path, timeout: busyTimeoutMs }) });
  // WAL lets readers (stats) run beside the flusher's writes; NORMAL sync is durable across a
  // process crash (not a power cut), the usual trade for WAL.
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await db.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
  return db;
}

export async function isDatabaseReachable(db: Db): Promise<boolean> {
  try {
    await db.$queryRawUnsafe('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
