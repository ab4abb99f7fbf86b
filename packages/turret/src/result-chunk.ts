/**
 * Results on their way from a worker thread to the main thread, column-wise: the three numbers of each
 * result in one transferable Float64Array, errors and custom timers only where a result has some.
 * Structured-cloning one object per result was the turret's bottleneck (about 400k results/s).
 */
import type { RawResult } from './firing.js';
import type { CustomTimers } from './transaction.js';

/** What a worker posts: `count` results. */
export interface ResultColumns {
  count: number;
  /** elapsed, epoch, scriptrun_time for each result, in order. */
  numbers: Float64Array;
  /** [index, error] for the results that failed. */
  errors: [number, string][];
  /** [index, timers] for the results that set timers. */
  timers: [number, CustomTimers][];
  /** Indexes of the results that report a failed setup. */
  setupFailed: number[];
}

/** Collects results in a worker; `take()` hands over what was collected (transferable). */
export class ResultChunkWriter {
  private numbers: Float64Array;
  private count = 0;
  private errors: [number, string][] = [];
  private timers: [number, CustomTimers][] = [];
  private setupFailed: number[] = [];

  constructor(readonly capacity: number) {
    this.numbers = new Float64Array(capacity * 3);
  }

  get size(): number {
    return this.count;
  }

  /** Adds a result; returns true when the chunk is full. */
  add(
    elapsed: number,
    epoch: number,
    scriptrunTime: number,
    error: string,
    timers: CustomTimers,
    setupFailed = false,
  ): boolean {
    const i = this.count++;
    if (setupFailed) this.setupFailed.push(i);
    this.numbers[i * 3] = elapsed;
    this.numbers[i * 3 + 1] = epoch;
    this.numbers[i * 3 + 2] = scriptrunTime;
    if (error !== '') this.errors.push([i, error]);
    for (const _ in timers) {
      this.timers.push([i, timers]);
      break;
    }
    return this.count >= this.capacity;
  }

  take(): ResultColumns {
    const out: ResultColumns = {
      count: this.count,
      numbers: this.numbers.subarray(0, this.count * 3),
      errors: this.errors,
      timers: this.timers,
      setupFailed: this.setupFailed,
    };
    this.numbers = new Float64Array(this.capacity * 3);
    this.count = 0;
    this.errors = [];
    this.timers = [];
    this.setupFailed = [];
    return out;
  }
}

/** Back to one object per result, on the main thread. */
export function readResultColumns(c: ResultColumns): RawResult[] {
  const out: RawResult[] = new Array<RawResult>(c.count);
  const n = c.numbers;
  const none: CustomTimers = Object.freeze({}) as CustomTimers; // shared by every result without timers
  for (let i = 0; i < c.count; i++) {
    out[i] = {
      elapsed: n[i * 3]!,
      epoch: n[i * 3 + 1]!,
      scriptrun_time: n[i * 3 + 2]!,
      error: '',
      custom_timers: none,
    };
  }
  for (const [i, error] of c.errors) out[i]!.error = error;
  for (const [i, timers] of c.timers) out[i]!.custom_timers = timers;
  for (const i of c.setupFailed) out[i]!.setup_failed = true;
  return out;
}
