// Event ids: instance * 2^32 + counter, a new instance number claimed ahead before the counter
// runs out (here a counter of 8 per instance, so the switch is reached).
import { describe, expect, it } from 'vitest';
import { EventIds, EventIdsExhaustedError, PER_INSTANCE } from '../../../src/ingestion/event-ids.js';

function claims(...numbers: number[]) {
  const queue = [...numbers];
  return async () => {
    const n = queue.shift();
    if (n === undefined) throw new Error('no more instance numbers');
    return n;
  };
}

describe('EventIds', () => {
  it('numbers events from the claimed instance, consecutively within a request', async () => {
    const ids = await EventIds.start(claims(3));
    expect(ids.take(2)).toBe(3 * PER_INSTANCE);
    expect(ids.take(5)).toBe(3 * PER_INSTANCE + 2);
    expect(Number.isSafeInteger(3 * PER_INSTANCE + 7)).toBe(true);
  });

  it('moves to the instance number claimed ahead when its counter would run out, never reusing an id', async () => {
    const ids = await EventIds.start(claims(1, 2), 8);
    const seen = new Set<number>();
    const take = (n: number) => {
      const first = ids.take(n);
      for (let i = 0; i < n; i++) seen.add(first + i);
      return first;
    };
    expect(take(3)).toBe(8);
    expect(take(2)).toBe(11); // past half: instance 2 is being claimed
    await new Promise((r) => setTimeout(r, 0));
    expect(take(4)).toBe(16); // 13..16 would not fit in instance 1: all four from instance 2
    expect(ids.instanceNumber).toBe(2);
    expect(seen.size).toBe(9);
  });

  it('refuses (a retry succeeds) rather than reuse ids when no next number has arrived', async () => {
    let release: (n: number) => void = () => undefined;
    let claimed = 0;
    // the first claim answers at once; the next one only when released
    const claim = () => (++claimed === 1 ? Promise.resolve(1) : new Promise<number>((resolve) => (release = resolve)));
    const ids = await EventIds.start(claim, 4);
    expect(ids.take(1)).toBe(4);
    expect(ids.take(1)).toBe(5); // half used: the claim starts and hangs
    expect(() => ids.take(3)).toThrow(EventIdsExhaustedError);
    release(7);
    await new Promise((r) => setTimeout(r, 0));
    expect(ids.take(3)).toBe(28);
  });

  it('rejects instance numbers whose ids JavaScript could not represent exactly', async () => {
    await expect(EventIds.start(claims(2 ** 21))).rejects.toThrow(/out of range/);
  });
});
