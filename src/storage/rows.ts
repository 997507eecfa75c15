// Row shapes both backends read back (integers may come as strings: 64-bit values, sums).
import type { BucketCounts } from '../core/stats.js';

export type Count = string | number | null;
export type CountRow = { bucket: string | number; events: Count; views: Count };
export type UserRow = { bucket: string | number; users: Count };

/** Merges the count rows and user rows of a series into buckets. */
export function mergeBuckets(counts: CountRow[], users: UserRow[]): BucketCounts[] {
  const out = new Map<number, BucketCounts>();
  const at = (bucket: number) => {
    let b = out.get(bucket);
    if (!b) {
      b = { bucket, events: 0, views: 0, uniqueUsers: 0 };
      out.set(bucket, b);
    }
    return b;
  };
  for (const r of counts) {
    const b = at(Number(r.bucket));
    b.events = Number(r.events ?? 0);
    b.views = Number(r.views ?? 0);
  }
  for (const r of users) at(Number(r.bucket)).uniqueUsers = Number(r.users ?? 0);
  return [...out.values()];
}
