// Unique-user sketches: HyperLogLog with p = 12 (m = 4096 registers), the same on both backends
// (docs/api.md, "Which answers are exact, and from where"; docs/architecture.md, "Rollups").
//
//  * Hash: cyrb53 (bryc's public-domain string hash, two 32-bit Math.imul lanes) with both lanes
//    kept whole: 64 bits of well-mixed output in plain 32-bit JS arithmetic, no BigInt (xxHash64
//    and MurmurHash3-x64 need 64-bit multiplies, ~10x slower in JS). 64 bits and not 32: a 32-bit
//    hash leaves 20 bits of rank after the 12 index bits and collides visibly past ~10^7 users.
//  * Sparse (small sets): as HLL++ (Heule, Nunkesser, Hall 2013), the set of (25-bit index, rank
//    of the 39 bits after it) pairs, estimated by linear counting over 2^25 buckets: exact in
//    practice up to the break-even (collisions among 1000 users in 2^25 buckets: 0.015 expected).
//  * Dense: 4096 one-byte registers, estimated with Ertl's improved estimator ("New cardinality
//    estimation algorithms for HyperLogLog sketches", 2017, algorithm 6): unbiased over the whole
//    range without empirical bias tables; standard error 1.04 / sqrt(4096) = 1.6%.
//  * Merge: the union of the pairs (sparse), the register-wise maximum (dense). Idempotent: adding
//    the same user twice, or merging a sketch into itself, changes nothing.
//  * Encoding (base64 TEXT in both databases: plain string parameters through the driver
//    adapters): byte 0 = 1 then 4 bytes a pair, sorted, or byte 0 = 2 then the 4096 registers.
//    Sparse while 4 × pairs < 4096 (the break-even).

export const P = 12;
export const M = 1 << P;
const SPARSE_P = 25;
const SPARSE_M = 2 ** SPARSE_P;
/** Sparse until this many pairs (4 bytes each against the dense 4096). */
export const SPARSE_MAX = M / 4;
/** The relative standard error of a dense estimate, 1.04 / sqrt(m). */
export const STANDARD_ERROR = 1.04 / Math.sqrt(M);
/**
 * The bound docs/api.md states for a sketched count: within 3 standard errors (4.9%) of the true
 * count, rounded down (so exact below 21 users; the sparse form is exact well past that).
 */
export const SKETCH_BOUND = 3 * STANDARD_ERROR;

/** cyrb53's two lanes, both kept: [hi, lo] unsigned 32-bit. */
export function hash64(s: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

/** The pair of a hash: 25-bit index << 6 | rank (1 + leading zeros of the 39 bits after the index, ≤ 40). */
function sparsePair(hi: number, lo: number): number {
  const index = hi >>> (32 - SPARSE_P);
  const top = hi & 0x7f; // 7 bits, then lo's 32
  const rank = top !== 0 ? Math.clz32(top) - 25 + 1 : lo !== 0 ? 7 + Math.clz32(lo) + 1 : 40;
  return index * 64 + rank;
}

/** A user id's sparse pair (what add() adds). */
export function pairOf(userId: string): number {
  const [hi, lo] = hash64(userId);
  return sparsePair(hi, lo);
}

/** A pair's dense register (the same as hashing straight into the dense registers). */
const registerOfPair = (pair: number): number => Math.floor(pair / 64) >>> 13;

/** A pair's dense rank: the 13 bits between the dense index and the pair's rest, then its rank. */
function rankOfPair(pair: number): number {
  const mid = Math.floor(pair / 64) & 0x1fff;
  return mid !== 0 ? Math.clz32(mid) - 19 + 1 : 13 + (pair % 64);
}

export class Hll {
  /** sorted pairs (index25 << 6 | rank), one per index, while sparse */
  private pairs: number[] | null = [];
  private pending: number[] = [];
  private registers: Uint8Array | null = null;

  get isSparse(): boolean {
    return this.registers === null;
  }

  add(userId: string): this {
    return this.addPair(pairOf(userId));
  }

  /** Adds a user by its pairOf(userId): hash once, add to many sketches. */
  addPair(pair: number): this {
    if (this.registers) this.setRegister(pair);
    else {
      this.pending.push(pair);
      if (this.pending.length >= SPARSE_MAX) this.compact();
    }
    return this;
  }

  /** Sets the pair's register in the dense registers; true when it rose. */
  private setRegister(pair: number): boolean {
    const r = registerOfPair(pair);
    const rank = rankOfPair(pair);
    const regs = this.registers as Uint8Array;
    if ((regs[r] as number) >= rank) return false;
    regs[r] = rank;
    return true;
  }

  /** Folds pending pairs into the sorted list (max rank per index), going dense past SPARSE_MAX. */
  private compact(): void {
    if (this.registers || this.pending.length === 0) return;
    const pairs = this.pairs as number[];
    const all = new Uint32Array(pairs.length + this.pending.length);
    all.set(pairs);
    all.set(this.pending, pairs.length);
    all.sort(); // numeric: a typed array
    this.pending = [];
    const out: number[] = [];
    for (const pair of all) {
      const last = out[out.length - 1];
      // same index: the later (larger) pair has the larger rank
      if (last !== undefined && Math.floor(last / 64) === Math.floor(pair / 64)) out[out.length - 1] = pair;
      else out.push(pair);
    }
    if (out.length > SPARSE_MAX) {
      this.registers = new Uint8Array(M);
      this.pairs = null;
      for (const pair of out) this.setRegister(pair);
    } else this.pairs = out;
  }

  merge(other: Hll): this {
    other.compact();
    if (other.registers) {
      this.compact();
      if (!this.registers) {
        const pairs = this.pairs as number[];
        this.registers = new Uint8Array(M);
        this.pairs = null;
        for (const pair of pairs) this.setRegister(pair);
      }
      const regs = this.registers;
      const theirs = other.registers;
      for (let i = 0; i < M; i++) if ((regs[i] as number) < (theirs[i] as number)) regs[i] = theirs[i] as number;
    } else if (this.registers) {
      for (const pair of other.pairs as number[]) this.setRegister(pair);
    } else {
      for (const pair of other.pairs as number[]) this.pending.push(pair);
      if (this.pending.length >= SPARSE_MAX) this.compact();
    }
    return this;
  }

  /**
   * Adds users by their pairs (pairOf) and tells whether this sketch changed (its estimate or
   * encoding may differ): the flush writes back only the sketches a batch changed (storage/sketches.ts).
   */
  addPairsChanged(pairs: readonly number[]): boolean {
    this.compact();
    if (this.registers) {
      let changed = false;
      for (const pair of pairs) if (this.setRegister(pair)) changed = true;
      return changed;
    }
    // sparse: each pair into the sorted list by binary search (a flush adds a few pairs a key,
    // against up to SPARSE_MAX stored: no sort, no copy of the list)
    const list = this.pairs as number[];
    let changed = false;
    for (const pair of pairs) {
      const index = Math.floor(pair / 64);
      const first = index * 64;
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((list[mid] as number) < first) lo = mid + 1;
        else hi = mid;
      }
      const at = list[lo];
      if (at !== undefined && Math.floor(at / 64) === index) {
        // one pair an index, the larger rank
        if (at >= pair) continue;
        list[lo] = pair;
      } else list.splice(lo, 0, pair);
      changed = true;
    }
    if (list.length > SPARSE_MAX) {
      this.registers = new Uint8Array(M);
      this.pairs = null;
      for (const pair of list) this.setRegister(pair);
    }
    return changed;
  }

  /** Roughly the bytes this sketch holds (the writer's sketch cache counts them). */
  get bytes(): number {
    return this.registers ? M + 64 : 64 + 8 * ((this.pairs as number[]).length + this.pending.length);
  }

  /** The estimated number of distinct users, rounded. */
  estimate(): number {
    this.compact();
    if (!this.registers) {
      const n = (this.pairs as number[]).length;
      return Math.round(SPARSE_M * Math.log(SPARSE_M / (SPARSE_M - n)));
    }
    return Math.round(ertl(this.registers));
  }

  encode(): string {
    this.compact();
    if (this.registers) {
      const out = new Uint8Array(M + 1);
      out[0] = 2;
      out.set(this.registers, 1);
      return Buffer.from(out).toString('base64');
    }
    const pairs = this.pairs as number[];
    const out = Buffer.allocUnsafe(1 + 4 * pairs.length);
    out[0] = 1;
    for (let i = 0, j = 1; i < pairs.length; i++, j += 4) {
      const pair = pairs[i] as number;
      out[j] = pair >>> 24;
      out[j + 1] = (pair >>> 16) & 0xff;
      out[j + 2] = (pair >>> 8) & 0xff;
      out[j + 3] = pair & 0xff;
    }
    return out.toString('base64');
  }

  static decode(text: string): Hll {
    const bytes = Buffer.from(text, 'base64');
    const h = new Hll();
    if (bytes[0] === 2 && bytes.length === M + 1) {
      h.registers = new Uint8Array(bytes.subarray(1));
      h.pairs = null;
    } else if (bytes[0] === 1 && (bytes.length - 1) % 4 === 0) {
      const pairs: number[] = [];
      for (let i = 1; i < bytes.length; i += 4) pairs.push(bytes.readUInt32BE(i));
      h.pairs = pairs;
    } else throw new Error('not a Pulse HyperLogLog sketch');
    return h;
  }

  static of(userIds: Iterable<string>): Hll {
    const h = new Hll();
    for (const u of userIds) h.add(u);
    return h;
  }
}

/** Ertl 2017, algorithm 6 (q = 64 - p bits of rank: registers hold 0 … q + 1). */
function ertl(registers: Uint8Array): number {
  const q = 64 - P;
  const c = new Array<number>(q + 2).fill(0);
  for (const r of registers) c[r] = (c[r] as number) + 1;
  let z = M * tau(1 - (c[q + 1] as number) / M);
  for (let k = q; k >= 1; k--) z = 0.5 * (z + (c[k] as number));
  z += M * sigma((c[0] as number) / M);
  return (M / (2 * Math.LN2) / z) * M;
}

function sigma(x0: number): number {
  if (x0 === 1) return Number.POSITIVE_INFINITY;
  let x = x0;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const prev = z;
    z += x * y;
    y += y;
    if (z === prev) return z;
  }
}

function tau(x0: number): number {
  if (x0 === 0 || x0 === 1) return 0;
  let x = x0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const prev = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
    if (z === prev) return z / 3;
  }
}
