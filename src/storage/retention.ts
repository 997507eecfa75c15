// Retention: deletes raw events older than a cutoff, now and then hourly, through the port.
// Rollups are kept, so stats for pruned days stay the same.
import { DAY_MS } from '../core/time.js';
import type { Storage } from './port.js';

const EVERY_MS = 60 * 60_000;

/** The cutoff for keeping `days` whole UTC days of raw events, today included. */
export function retentionCutoff(days: number, now = Date.now()): number {
  return (Math.floor(now / DAY_MS) - days + 1) * DAY_MS;
}

/** Prunes now and then hourly; returns a stop function. */
export function startRetention(
  storage: Storage,
  days: number,
  onDone: (deleted: number, cutoffMs: number) => void,
  onError: (error: unknown) => void,
): () => void {
  const run = () => {
    const cutoff = retentionCutoff(days);
    storage.deleteEventsBefore(cutoff).then((n) => onDone(n, cutoff), onError);
  };
  run();
  const timer = setInterval(run, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
