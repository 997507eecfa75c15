// UTC calendar helpers shared by every layer: hours and days since the epoch, and the bounds that
// stand for an open end of a range of days.
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** YYYY-MM-DD of the UTC day containing `ms`. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The UTC day (days since the epoch) containing `ms`. */
export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
/** YYYY-MM-DD of a UTC day number. */
export const dayString = (day: number) => utcDate(day * DAY_MS);

/** Bounds that stand for "open" in SQL range conditions. */
export const MIN_DAY = -1e8;
export const MAX_DAY = 1e8;
/** rollup_daily_uniques.prev_day of a first visit: below every day, open ranges included. */
export const NO_PREVIOUS_DAY = MIN_DAY - 1;
