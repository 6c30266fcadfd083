// Runs a processor's processRow over one chunk's rows, a batch at a time as the parser hands them
// over, and keeps each result with the record it came from. Taking rows while the chunk is parsed
// lets every row die young: a chunk's rows held until its parse ended outlived a scavenge or two,
// were copied and promoted, and made the user's function about 1.4× dearer at 1 MiB chunks
// (bench/README.md).
import { epochNow } from '../base/clock';
import type { WorkerRowError } from '../model/protocol';
import type { ProcessorContext } from '../model';

export type Locate = (record: number) => { byteOffset?: number; linesBefore?: number; place?: string };
/** Builds the error report of a row whose processRow failed. */
export type DescribeFailure = (
  error: unknown,
  locate: Locate,
  record: number | undefined,
  data: unknown,
) => WorkerRowError;

/** Rows handed over by the parser in this many at a time: small enough to stay in the young generation. */
export const ROW_BATCH = 256;

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * An empty array that already holds doubles, the usual results: pushing numbers never changes its
 * elements kind. One made by `[]` holds small integers until the first double arrives, and the
 * optimized loop below deoptimized on that change once in every worker.
 */
function emptyValues(): unknown[] {
  const values: unknown[] = [0.5];
  values.pop();
  return values;
}

export class RowRun {
  values = emptyValues();
  /** The record of each value, for locating a result that cannot be written. */
  records: number[] = [];
  errors: WorkerRowError[] = [];
  fatal: WorkerRowError | undefined;
  /** Time spent inside processRow, which the parser subtracts from its own. */
  computeMs = 0;
  /** Once a row returned a promise: the row of each value, so a rejection can report its row. */
  private asyncRows: unknown[] | undefined;
  private locate: Locate | undefined;

  constructor(
    private readonly processRow: (row: unknown, ctx: ProcessorContext) => unknown,
    private readonly ctx: ProcessorContext,
    private readonly stopOnError: boolean,
    private readonly describe: DescribeFailure,
  ) {}

  /** Runs rows[k] as record first + k, skipping `skipped` records. False once the run must stop. */
  take(rows: unknown[], first: number, locate: Locate, skipped: Set<number> | undefined): boolean {
    const started = epochNow();
    this.locate = locate;
    const { processRow, ctx, values, records } = this;
    let go = true;
    for (let k = 0; k < rows.length; k++) {
      const record = first + k;
      if (skipped !== undefined && skipped.has(record)) continue;
      const row = rows[k];
      try {
        const value = processRow(row, ctx);
        if (this.asyncRows === undefined && isThenable(value)) this.asyncRows = new Array(values.length);
        values.push(value);
        records.push(record);
        this.asyncRows?.push(row);
      } catch (error) {
        if (this.fail(error, record, row)) {
          go = false;
          break;
        }
      }
    }
    this.computeMs += epochNow() - started;
    return go;
  }

  /** The parse starts over (the chunk's last record ran past what was read): forget all taken. */
  restart(): void {
    this.values = emptyValues();
    this.records = [];
    this.errors = [];
    this.fatal = undefined;
    this.asyncRows = undefined;
  }

  /** An async processRow: waits for every row, keeping failures attached to their rows. */
  async settle(): Promise<void> {
    const kept = this.asyncRows;
    if (kept === undefined || this.fatal) return;
    const settled = await Promise.allSettled(this.values);
    const records = this.records;
    this.values = [];
    this.records = [];
    for (let k = 0; k < settled.length; k++) {
      const outcome = settled[k];
      if (outcome.status === 'fulfilled') {
        this.values.push(outcome.value);
        this.records.push(records[k]);
      } else if (this.fail(outcome.reason, records[k], kept[k])) break;
    }
  }

  /** Records a failure; true when it stops the run. */
  private fail(error: unknown, record: number, row: unknown): boolean {
    const failure = this.describe(error, this.locate!, record, row);
    if (this.stopOnError) {
      this.fatal = failure;
      return true;
    }
    this.errors.push(failure);
    return false;
  }
}
