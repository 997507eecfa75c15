import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../../src/ingestion/ring-buffer.js';

describe('RingBuffer', () => {
  it('returns items oldest first and keeps them until dropped', () => {
    const ring = new RingBuffer<number>(4);
    expect(ring.pushAll([1, 2, 3])).toBe(true);
    expect(ring.peek(2)).toEqual([1, 2]);
    expect(ring.size).toBe(3);
    ring.drop(2);
    expect(ring.peek(10)).toEqual([3]);
  });

  it('wraps around the end of its slots in order', () => {
    const ring = new RingBuffer<number>(3);
    ring.pushAll([1, 2, 3]);
    ring.drop(2);
    expect(ring.push(4)).toBe(true);
    expect(ring.push(5)).toBe(true);
    expect(ring.peek(3)).toEqual([3, 4, 5]);
    ring.drop(1);
    ring.pushAll([6]);
    expect(ring.peek(3)).toEqual([4, 5, 6]);
  });

  it('refuses a push when full and changes nothing', () => {
    const ring = new RingBuffer<number>(2);
    ring.pushAll([1, 2]);
    expect(ring.push(3)).toBe(false);
    expect(ring.size).toBe(2);
    expect(ring.free).toBe(0);
    expect(ring.peek(5)).toEqual([1, 2]);
  });

  it('accepts a batch all or nothing', () => {
    const ring = new RingBuffer<number>(5);
    ring.pushAll([1, 2, 3]);
    expect(ring.pushAll([4, 5, 6])).toBe(false);
    expect(ring.peek(5)).toEqual([1, 2, 3]);
    expect(ring.pushAll([4, 5])).toBe(true);
    expect(ring.peek(5)).toEqual([1, 2, 3, 4, 5]);
  });

  it('drains many wrap-arounds in exact order', () => {
    const ring = new RingBuffer<number>(7);
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      while (ring.push(next)) next++;
      const take = (round % 5) + 1;
      out.push(...ring.peek(take));
      ring.drop(Math.min(take, ring.size));
    }
    out.push(...ring.peek(ring.size));
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
  });

  it('rejects dropping more than it holds and bad capacities', () => {
    const ring = new RingBuffer<number>(2);
    ring.push(1);
    expect(() => ring.drop(2)).toThrow(RangeError);
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
