// The parse caches hold a bounded amount of source text, whatever documents arrive.
import { describe, expect, it } from 'vitest';
import { SizedLru } from '../../src/graphql-cache.js';

describe('SizedLru', () => {
  it('evicts the least recently used entries once the keys weigh more than the budget', () => {
    const cache = new SizedLru<number>(10, 10);
    cache.set('aaaa', 1);
    cache.set('bbbb', 2);
    expect(cache.get('aaaa')).toBe(1); // now the most recent
    cache.set('cccc', 3); // 12 > 10: the oldest (bbbb) goes
    expect(cache.get('bbbb')).toBeUndefined();
    expect(cache.get('aaaa')).toBe(1);
    expect(cache.get('cccc')).toBe(3);
    expect(cache.totalWeight).toBe(8);
  });

  it('does not cache an entry heavier than the per-entry limit', () => {
    const cache = new SizedLru<number>(100, 5);
    cache.set('123456', 1);
    expect(cache.get('123456')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('stays within its budget under many distinct large keys', () => {
    const cache = new SizedLru<string>(1_000_000, 100_000);
    for (let i = 0; i < 1000; i++) cache.set(`${i}:${'x'.repeat(50_000)}`, 'doc');
    expect(cache.totalWeight).toBeLessThanOrEqual(1_000_000);
    expect(cache.size).toBe(19);
  });

  it('re-setting a key replaces it without counting it twice', () => {
    const cache = new SizedLru<number>(100, 100);
    cache.set('key', 1);
    cache.set('key', 2);
    expect(cache.get('key')).toBe(2);
    expect(cache.totalWeight).toBe(3);
  });

  it('holds at most maxEntries entries, however light, dropping the least recently used', () => {
    const cache = new SizedLru<number>(1_000_000, 1000, 2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.totalWeight).toBe(2);
  });
});
