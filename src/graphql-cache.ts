// Yoga's parse caches (documents, parse errors), bounded by the size of what they hold. Yoga's
// default keeps 1024 documents of any size, so 1024 distinct 1 MB documents (a long string literal
// is one token, so the token limit does not stop them) would pin over a gigabyte. Here the cached
// source text is capped in total and per document: hostile documents cost parse time, not memory.
import type { DocumentNode } from 'graphql';

/** A least-recently-used map whose entries weigh the length of their key. */
export class SizedLru<V> {
  private readonly entries = new Map<string, V>();
  private weight = 0;

  constructor(
    /** most key characters held in total */
    private readonly maxWeight: number,
    /** keys longer than this are not cached at all */
    private readonly maxEntryWeight: number,
    /** most entries held, whatever their weight */
    private readonly maxEntries = Number.POSITIVE_INFINITY,
  ) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Map keeps insertion order: moving the key to the end marks it most recently used.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    if (key.length > this.maxEntryWeight) return;
    if (this.entries.delete(key)) this.weight -= key.length;
    this.entries.set(key, value);
    this.weight += key.length;
    for (const oldest of this.entries.keys()) {
      if (this.weight <= this.maxWeight && this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
      this.weight -= oldest.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get totalWeight(): number {
    return this.weight;
  }
}

/** Documents up to 64 KB each, 4 MB of source in all; parse errors a quarter of that. */
export function createParseCaches(): { documentCache: SizedLru<DocumentNode>; errorCache: SizedLru<unknown> } {
  return {
    documentCache: new SizedLru<DocumentNode>(4 * 1024 * 1024, 64 * 1024),
    errorCache: new SizedLru<unknown>(1024 * 1024, 64 * 1024),
  };
}
