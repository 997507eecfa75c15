import { describe, expect, it } from 'vitest';
import { Hll, M, SKETCH_BOUND, SPARSE_MAX } from '../../../src/storage/sketch.js';

/** The bound docs/api.md states: 3 standard errors (4.9%) of the estimate, or exact when sparse. */
const BOUND = SKETCH_BOUND;
const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `user-${from + i}`);

describe('HyperLogLog sketch', () => {
  it('is exact for small sets (sparse) and 0 when empty', () => {
    expect(new Hll().estimate()).toBe(0);
    for (const n of [1, 2, 3, 10, 50, 100, 500]) {
      const h = Hll.of(ids(0, n));
      expect(h.estimate(), `n = ${n}`).toBe(n);
    }
    // near the break-even two users may share a 25-bit index (0.015 expected at 1000)
    const h = Hll.of(ids(0, SPARSE_MAX - 1));
    expect(h.isSparse).toBe(true);
    expect(Math.abs(h.estimate() - (SPARSE_MAX - 1))).toBeLessThanOrEqual(2);
  });

  it('estimates within 3 standard errors from 1 to 200k users', () => {
    const h = new Hll();
    let added = 0;
    const errors: number[] = [];
    for (const n of [1, 10, 100, 1000, 2000, 3000, 5000, 8000, 12_000, 20_000, 50_000, 100_000, 200_000]) {
      for (const id of ids(added, n)) h.add(id);
      added = n;
      const err = (h.estimate() - n) / n;
      errors.push(err);
      expect(Math.abs(err), `n = ${n}, estimate ${h.estimate()}`).toBeLessThanOrEqual(BOUND);
    }
    // dense, and not trivially exact: a sketch that returned n would not be one
    expect(h.isSparse).toBe(false);
    expect(errors.slice(-5).some((e) => e !== 0)).toBe(true);
  });

  it('counts a user added twice once', () => {
    const h = Hll.of([...ids(0, 5000), ...ids(0, 5000)]);
    expect(Math.abs(h.estimate() - 5000) / 5000).toBeLessThanOrEqual(BOUND);
    expect(h.estimate()).toBe(Hll.of(ids(0, 5000)).estimate());
  });

  it('merge equals the sketch of the union, whichever forms meet', () => {
    const cases: [number, number, number, number][] = [
      [0, 300, 200, 600], // sparse + sparse, overlapping
      [0, 800, 700, 1500], // sparse + sparse going dense
      [0, 20_000, 10_000, 30_000], // dense + dense
      [0, 20_000, 19_900, 20_100], // dense + sparse
      [0, 100, 50, 20_000], // sparse + dense
    ];
    for (const [a0, a1, b0, b1] of cases) {
      const a = Hll.of(ids(a0, a1));
      const b = Hll.of(ids(b0, b1));
      const union = Hll.of([...ids(a0, a1), ...ids(b0, b1)]);
      const merged = a.merge(b);
      expect(merged.encode()).toBe(union.encode());
      expect(merged.estimate()).toBe(union.estimate());
    }
  });

  it('encodes compactly and decodes to the same sketch', () => {
    for (const n of [0, 1, 100, SPARSE_MAX, 50_000]) {
      const h = Hll.of(ids(0, n));
      const text = h.encode();
      const back = Hll.decode(text);
      expect(back.estimate()).toBe(h.estimate());
      expect(back.encode()).toBe(text);
      const bytes = Buffer.from(text, 'base64').length;
      expect(bytes).toBeLessThanOrEqual(M + 1);
      if (n <= SPARSE_MAX) expect(bytes).toBeLessThanOrEqual(1 + 4 * n);
    }
    expect(() => Hll.decode('AAAA')).toThrow(/not a Pulse/);
  });
});
