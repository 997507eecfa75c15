// Retention: deletes raw events older than a cutoff, site by site (each delete then uses the
// (site_id, timestamp) index). Rollups are kept, so stats for pruned days stay the same.
import type { PrismaClient } from '../generated/prisma/client.js';
import { DAY_MS } from '../time.js';

/** Deletes events with timestamp < cutoffMs; returns how many. */
export async function deleteEventsBefore(db: PrismaClient, cutoffMs: number): Promise<number> {
  const sites = await db.$queryRawUnsafe<{ site_id: string }[]>('SELECT DISTINCT site_id FROM rollup_daily');
  let deleted = 0;
  for (const { site_id } of sites) {
    deleted += await db.$executeRawUnsafe('DELETE FROM events WHERE site_id = ? AND timestamp < ?', site_id, cutoffMs);
  }
  return deleted;
}

const EVERY_MS = 60 * 60_000;

/** The cutoff for keeping `days` whole UTC days of raw events, today included. */
export function retentionCutoff(days: number, now = Date.now()): number {
  return (Math.floor(now / DAY_MS) - days + 1) * DAY_MS;
}

/** Prunes now and then hourly; returns a stop function. */
export function startRetention(
  db: PrismaClient,
  days: number,
  onDone: (deleted: number, cutoffMs: number) => void,
  onError: (error: unknown) => void,
): () => void {
  const run = () => {
    const cutoff = retentionCutoff(days);
    deleteEventsBefore(db, cutoff).then((n) => onDone(n, cutoff), onError);
  };
  run();
  const timer = setInterval(run, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
