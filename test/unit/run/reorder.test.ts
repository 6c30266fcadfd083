// The reorder buffer on its own: arrivals in any order come out strictly in index order, and no
// more chunks are admitted than the bound allows until earlier ones are taken.
import { strict as assert } from 'node:assert';
import { ReorderBuffer } from '../../../src/engine/run/reorder';

/** A seeded shuffle, so a failure can be replayed. */
function shuffled(n: number, seed: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

describe('reorder buffer', () => {
  it('emits in index order whatever order the chunks arrive in', () => {
    const buffer = new ReorderBuffer<string>(8);
    for (let i = 0; i < 8; i++) assert.equal(buffer.admit(), i);
    const emitted: string[] = [];
    for (const index of [3, 1, 7, 0, 2, 6, 5, 4]) {
      buffer.put(index, `chunk ${index}`);
      for (let v = buffer.take(); v !== undefined; v = buffer.take()) emitted.push(v);
    }
    assert.deepEqual(
      emitted,
      Array.from({ length: 8 }, (_, i) => `chunk ${i}`),
    );
    assert.equal(buffer.drained, true);
  });

  it('holds later chunks until the next one in order arrives', () => {
    const buffer = new ReorderBuffer<number>(4);
    for (let i = 0; i < 3; i++) buffer.admit();
    buffer.put(2, 20);
    buffer.put(1, 10);
    assert.equal(buffer.ready, false);
    assert.equal(buffer.take(), undefined);
    assert.equal(buffer.pending, 3);
    buffer.put(0, 0);
    assert.equal(buffer.ready, true);
    assert.deepEqual([buffer.take(), buffer.take(), buffer.take(), buffer.take()], [0, 10, 20, undefined]);
    assert.equal(buffer.pending, 0);
  });

  it('bounds the chunks admitted and not yet taken', () => {
    const buffer = new ReorderBuffer<number>(3);
    for (let i = 0; i < 3; i++) {
      assert.equal(buffer.hasRoom, true);
      buffer.admit();
    }
    assert.equal(buffer.hasRoom, false);
    assert.throws(() => buffer.admit(), RangeError);
    // An arrival out of order frees nothing: only taking the next in order does.
    buffer.put(1, 1);
    assert.equal(buffer.hasRoom, false);
    buffer.put(0, 0);
    assert.equal(buffer.take(), 0);
    assert.equal(buffer.hasRoom, true);
    assert.equal(buffer.admit(), 3);
    assert.equal(buffer.hasRoom, false);
  });

  it('keeps order and bound over a long run with random completion order', () => {
    const limit = 5;
    const total = 500;
    const buffer = new ReorderBuffer<number>(limit);
    const done = shuffled(total, 42);
    const emitted: number[] = [];
    let inFlight: number[] = [];
    let admitted = 0;
    // Workers finish the admitted chunk that comes next in `done`'s ranking: as out of order as the bound allows.
    const rank = new Map(done.map((c, i) => [c, i]));
    while (emitted.length < total) {
      while (admitted < total && buffer.hasRoom) {
        inFlight.push(buffer.admit());
        admitted++;
      }
      assert.ok(buffer.pending <= limit);
      inFlight.sort((a, b) => rank.get(a)! - rank.get(b)!);
      const finished = inFlight[0];
      inFlight = inFlight.slice(1);
      buffer.put(finished, finished);
      for (let v = buffer.take(); v !== undefined; v = buffer.take()) emitted.push(v);
    }
    assert.deepEqual(
      emitted,
      Array.from({ length: total }, (_, i) => i),
    );
    assert.equal(buffer.drained, true);
  });

  it('is drained before anything is admitted, and rejects a limit below 1', () => {
    assert.equal(new ReorderBuffer<number>(1).drained, true);
    assert.throws(() => new ReorderBuffer<number>(0), RangeError);
    assert.throws(() => new ReorderBuffer<number>(Number.NaN), RangeError);
  });
});
