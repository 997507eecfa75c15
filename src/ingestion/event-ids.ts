// Event ids, given when an event is accepted: instance * 2^32 + a counter of this process's own.
// The instance number is claimed from the database at start (Storage.claimInstance: no two
// processes ever get the same one), so any number of instances on one database give unique ids
// without asking it again, and a flush retried after a failure is ignored by the primary key.
// Past half the counter a next number is claimed ahead; ids stay below 2^53 (exact in JS).

export const PER_INSTANCE = 2 ** 32;
/** 2^53 / 2^32: instance numbers from here would give ids JavaScript cannot represent exactly. */
export const MAX_INSTANCE = 2 ** 21 - 1;

export class EventIdsExhaustedError extends Error {}

export class EventIds {
  private counter = 0;
  private next: number | null = null;
  private claiming: Promise<void> | null = null;

  private constructor(
    private instance: number,
    private readonly claim: () => Promise<number>,
    private readonly perInstance: number,
  ) {}

  /** `perInstance` is smaller only in tests, to reach the switch to a new instance number. */
  static async start(claim: () => Promise<number>, perInstance = PER_INSTANCE): Promise<EventIds> {
    return new EventIds(checked(await claim()), claim, perInstance);
  }

  get instanceNumber(): number {
    return this.instance;
  }

  /**
   * The first of `n` consecutive ids, taken now. Throws EventIdsExhaustedError (the caller
   * refuses the request; a retry succeeds) only when the counter is spent before the next
   * instance number has arrived.
   */
  take(n: number): number {
    if (this.counter + n > this.perInstance) {
      if (this.next === null) {
        this.claimAhead();
        throw new EventIdsExhaustedError('event ids: waiting for a new instance number');
      }
      this.instance = this.next;
      this.next = null;
      this.counter = 0;
    }
    const first = this.instance * this.perInstance + this.counter;
    this.counter += n;
    if (this.counter >= this.perInstance / 2) this.claimAhead();
    return first;
  }

  private claimAhead(): void {
    if (this.next !== null || this.claiming) return;
    this.claiming = this.claim()
      .then((n) => {
        this.next = checked(n);
      })
      .catch(() => undefined)
      .finally(() => {
        this.claiming = null;
      });
  }
}

function checked(instance: number): number {
  if (!Number.isSafeInteger(instance) || instance < 1 || instance > MAX_INSTANCE) {
    throw new Error(`instance number ${instance} is out of range 1..${MAX_INSTANCE} (pulse_instances)`);
  }
  return instance;
}
