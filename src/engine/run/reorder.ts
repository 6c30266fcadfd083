// Chunks finish in any order but must be emitted in input order (output lines, row numbers and
// byte-range verification all follow the previous chunk). This buffer holds early arrivals and
// bounds how many chunks are between submission and emission, so memory stays bounded however
// far ahead the fast workers get. Pure: no I/O, no clocks.

export class ReorderBuffer<T> {
  private readonly early = new Map<number, T>();
  private admitted = 0;
  private next = 0;

  /** `limit`: at most this many chunks admitted and not yet taken. */
  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`A reorder buffer needs a limit of at least 1, not ${limit}`);
  }

  /** Whether another chunk may be admitted now. */
  get hasRoom(): boolean {
    return this.admitted - this.next < this.limit;
  }

  /** Chunks admitted and not yet taken: in flight or waiting for an earlier one. */
  get pending(): number {
    return this.admitted - this.next;
  }

  /** Every admitted chunk has been taken. */
  get drained(): boolean {
    return this.next === this.admitted;
  }

  /** Whether the next chunk in order has arrived, so take() returns it. */
  get ready(): boolean {
    return this.early.has(this.next);
  }

  /** Admits the next chunk (indexes count up from 0) and returns its index. */
  admit(): number {
    if (this.admitted - this.next >= this.limit)
      throw new RangeError(`Reorder buffer full: ${this.limit} chunks already pending`);
    return this.admitted++;
  }

  /**
   * A chunk's value has arrived, once: `index` must be admitted and not yet taken (unchecked: this
   * runs in a worker's result callback, where a throw would be lost). `value` must not be undefined.
   */
  put(index: number, value: T): void {
    this.early.set(index, value);
  }

  /** The next chunk's value in index order if it has arrived (and frees its place), else undefined. */
  take(): T | undefined {
    const value = this.early.get(this.next);
    if (value === undefined) return undefined;
    this.early.delete(this.next);
    this.next++;
    return value;
  }
}
