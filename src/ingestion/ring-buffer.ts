// A fixed-capacity FIFO ring: preallocated slots, head index and size; O(1) push, and peek/drop so
// the flusher can write a batch and only then release it (a failed write leaves it in place).
export class RingBuffer<T> {
  readonly capacity: number;
  private readonly slots: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
    this.slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  get free(): number {
    return this.capacity - this.count;
  }

  /** Appends one item; false (and nothing changes) when the ring is full. */
  push(item: T): boolean {
    if (this.count === this.capacity) return false;
    this.slots[(this.head + this.count) % this.capacity] = item;
    this.count++;
    return true;
  }

  /** Appends all items or none: false (and nothing changes) when they do not all fit. */
  pushAll(items: readonly T[]): boolean {
    if (items.length > this.capacity - this.count) return false;
    let at = (this.head + this.count) % this.capacity;
    for (const item of items) {
      this.slots[at] = item;
      at = at + 1 === this.capacity ? 0 : at + 1;
    }
    this.count += items.length;
    return true;
  }

  /** Copies up to `max` of the oldest items, oldest first, without removing them. */
  peek(max: number): T[] {
    const n = Math.min(max, this.count);
    const out = new Array<T>(n);
    let at = this.head;
    for (let i = 0; i < n; i++) {
      out[i] = this.slots[at] as T;
      at = at + 1 === this.capacity ? 0 : at + 1;
    }
    return out;
  }

  /** Removes the `n` oldest items (after they were written). */
  drop(n: number): void {
    if (n > this.count) throw new RangeError(`cannot drop ${n} of ${this.count} items`);
    for (let i = 0; i < n; i++) {
      this.slots[this.head] = undefined;
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    }
    this.count -= n;
  }
}
