// Daily visitor-id salts: one random salt per UTC day, shared by every instance on the database.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.js';

/** Makes sure each day has a salt (the first writer wins) and returns the salts by day. */
export async function ensureSalts(db: PrismaClient, days: readonly string[]): Promise<Map<string, string>> {
  for (const day of days) {
    await db.$executeRawUnsafe(
      'INSERT OR IGNORE INTO visitor_salts (day, salt) VALUES (?, ?)',
      day,
      randomBytes(32).toString('base64url'),
    );
  }
  const rows = await db.$queryRawUnsafe<{ day: string; salt: string }[]>(
    `SELECT day, salt FROM visitor_salts WHERE day IN (${days.map(() => '?').join(',')})`,
    ...days,
  );
  return new Map(rows.map((r) => [r.day, r.salt]));
}

/** Deletes salts of days before `oldestKept` (YYYY-MM-DD), so old visitor ids cannot be recomputed. */
export async function deleteSaltsBefore(db: PrismaClient, oldestKept: string): Promise<void> {
  await db.$executeRawUnsafe('DELETE FROM visitor_salts WHERE day < ?', oldestKept);
}
