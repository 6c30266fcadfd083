// Verification of byte-range starts as a pure decision: which results stand, which ranges own no
// record, and which must be parsed again from the true start.
import { strict as assert } from 'node:assert';
import type { BytesTask, ChunkPlan, ChunkResult, RangeTask } from '../../../src/engine/model/protocol';
import { verifyStart } from '../../../src/engine/run/verify';

const plan: ChunkPlan = {
  rowShape: 'object',
  types: 'string',
  numericColumns: [],
  encode: true,
  fold: false,
  onError: 'stop',
};

function range(start: number, limit: number, speculative = true): RangeTask {
  return { kind: 'range', chunk: 3, plan, start, limit, speculative };
}

function result(start: number, end: number, speculative = true): ChunkResult {
  return {
    chunk: 3,
    workerId: 7,
    start,
    end,
    speculative,
    records: 5,
    lines: 6,
    leadingLines: 1,
    startedAt: 1000,
    readMs: 1,
    parseMs: 2,
    computeMs: 3,
    encodeMs: 4,
    finishedAt: 1010,
    output: '{"a":1}\n',
    partial: 9,
    hasPartial: true,
    errors: [{ kind: 'processor', message: 'x', record: 0 }],
    fatal: { kind: 'data', message: 'bad' },
  };
}

describe('byte-range start verification', () => {
  it('accepts a speculative start that matches where the previous chunk ended', () => {
    assert.deepEqual(verifyStart(120, range(100, 200), result(120, 210)), { action: 'accept' });
  });

  it('accepts tasks and results that are not speculative, whatever the expected start', () => {
    assert.equal(verifyStart(999, range(100, 200, false), result(100, 210, false)).action, 'accept');
    // The worker parsed from a known start (the first chunk): nothing to check.
    assert.equal(verifyStart(999, range(100, 200, true), result(100, 210, false)).action, 'accept');
    const bytes: BytesTask = { kind: 'bytes', chunk: 3, plan, bytes: new Uint8Array(4), byteStart: 100 };
    assert.equal(verifyStart(999, bytes, result(100, 104)).action, 'accept');
  });

  it('asks for a re-parse from the true start when the guess was taken inside a quoted field', () => {
    const task = range(100, 200);
    const verdict = verifyStart(150, task, result(120, 210));
    assert.deepEqual(verdict, { action: 'reparse', task, start: 150 });
    // The expected start can also be before the guess (the guess skipped a record start).
    assert.deepEqual(verifyStart(101, task, result(120, 210)), { action: 'reparse', task, start: 101 });
  });

  it("empties a range that the previous chunk's last record runs past", () => {
    const got = result(130, 260);
    const verdict = verifyStart(250, range(100, 200), got);
    assert.equal(verdict.action, 'empty');
    if (verdict.action !== 'empty') return;
    assert.deepEqual(verdict.result, {
      ...got,
      start: 250,
      end: 250,
      records: 0,
      lines: 0,
      leadingLines: 0,
      output: '',
      partial: undefined,
      hasPartial: false,
      errors: [],
      fatal: undefined,
    });
    // The worker's timings and identity stay: the chunk still ran.
    assert.equal(verdict.result.workerId, 7);
    assert.equal(verdict.result.startedAt, 1000);
    // Its guess (a record at 130) was wrong, so the chunk counts as repaired.
    assert.equal(verdict.repaired, true);
    // The received result itself is left as it was.
    assert.equal(got.records, 5);
  });

  it('does not count an empty range as repaired when the worker already found no record start in it', () => {
    const verdict = verifyStart(200, range(100, 200), result(200, 200));
    assert.equal(verdict.action, 'empty');
    if (verdict.action === 'empty') assert.equal(verdict.repaired, false);
  });

  it('treats an expected start exactly at the limit as owning no record', () => {
    assert.equal(verifyStart(200, range(100, 200), result(120, 230)).action, 'empty');
    assert.equal(verifyStart(199, range(100, 200), result(120, 230)).action, 'reparse');
  });
});
