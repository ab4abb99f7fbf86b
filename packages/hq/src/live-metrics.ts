/**
 * The metrics thresholds are judged on, kept by the ingest thread as results are stored: per metric
 * (every transaction, and each custom timer a threshold names) an exact count, error count, min, max,
 * mean and variance, and a histogram (the reporter's LogLinearHistogram, same digits) only when a
 * threshold asks for a percentile of it. Read from the packed columns the ingest thread stores, so
 * no result is decoded twice and nothing is read back from the results file. A run without
 * thresholds keeps none of it. The receive thread gets a snapshot with each tally (every ~100 ms).
 */
import {
  METRIC_ERRORS,
  METRIC_TRANSACTIONS,
  MetricAccumulator,
  needsHistogram,
  type MetricPlain,
  type Threshold,
  type ThresholdSource,
} from '@oct/protocol';
import { NUMS, type PackedResults } from './result-columns.js';

/** What the ingest thread keeps (structured-clone safe: sent as workerData). */
export interface LiveMetricsSetup {
  /** Percentiles of all transactions are asked for. */
  allHistogram: boolean;
  /** Custom timers named by a threshold, and whether a percentile of each is asked for. */
  timers: [name: string, histogram: boolean][];
}

/** A snapshot of the live metrics (structured-clone safe). */
export interface LiveMetricsPlain {
  all: MetricPlain;
  timers: [string, MetricPlain][];
  /** Smallest and largest epoch stored (NaN while none). */
  firstEpoch: number;
  lastEpoch: number;
}

/** The setup for `thresholds`, or null when there are none (then nothing is kept). */
export function liveMetricsSetup(thresholds: readonly Threshold[]): LiveMetricsSetup | null {
  if (thresholds.length === 0) return null;
  const names = new Set(
    thresholds.map((t) => t.metric).filter((m) => m !== METRIC_TRANSACTIONS && m !== METRIC_ERRORS),
  );
  return {
    allHistogram: needsHistogram(thresholds, METRIC_TRANSACTIONS),
    timers: [...names].map((n) => [n, needsHistogram(thresholds, n)]),
  };
}

/** The ingest thread's accumulators. */
export class LiveMetrics {
  private readonly all: MetricAccumulator;
  /** Per timer: its `"name":` prefix in the stored custom_timers JSON, and its accumulator. */
  private readonly timers: { name: string; key: string; acc: MetricAccumulator; next: number }[];
  private firstEpoch = NaN;
  private lastEpoch = NaN;

  constructor(setup: LiveMetricsSetup) {
    this.all = new MetricAccumulator(setup.allHistogram);
    this.timers = setup.timers.map(([name, histogram]) => ({
      name,
      key: `${JSON.stringify(name)}:`,
      acc: new MetricAccumulator(histogram),
      /** Where `key` next occurs in the pack being read (-1: nowhere further; -2: not searched). */
      next: -2,
    }));
  }

  /** Records the first `stored` rows of a pack (those now in the results file). */
  add(pack: PackedResults, stored: number): void {
    const { nums, ends, text } = pack;
    // Rows reporting a failed setup (spec 5.3.2, ascending) are no transaction: in no statistic, as
    // in the report.
    const setupFailed = (pack as { setupFailed?: readonly number[] }).setupFailed;
    let nextFailed = setupFailed?.[0] ?? -1;
    let f = 0;
    const timers = this.timers;
    for (const t of timers) t.next = -2;
    let first = this.firstEpoch;
    let last = this.lastEpoch;
    for (let i = 0, at = 0; i < stored; i++) {
      const n = i * NUMS;
      const epoch = nums[n + 1]!;
      const rt = nums[n + 2]!;
      const errorEnd = ends[i * 2]!;
      const timersEnd = ends[i * 2 + 1]!;
      const isError = errorEnd > at;
      if (i === nextFailed) {
        nextFailed = setupFailed![++f] ?? -1;
        at = timersEnd;
        continue;
      }
      // Without a numeric epoch or scriptrun_time a row is in no statistic of the report either.
      if (!Number.isFinite(epoch) || !Number.isFinite(rt)) {
        at = timersEnd;
        continue;
      }
      if (epoch < first || Number.isNaN(first)) first = epoch;
      if (epoch > last || Number.isNaN(last)) last = epoch;
      this.all.record(rt, isError);
      // Custom timers: find `"name":` in this row's JSON (written by timersJson: no spaces) and read
      // the number after it, rather than parse the whole object. Each timer's next occurrence in the
      // pack is remembered, so a timer absent from many rows costs one search, not one per row.
      if (timers.length > 0 && timersEnd - errorEnd > 2) {
        for (const t of timers) {
          if (t.next < errorEnd && t.next !== -1) t.next = text.indexOf(t.key, errorEnd);
          const k = t.next;
          if (k === -1 || k >= timersEnd) continue;
          const v = numberAt(text, k + t.key.length, timersEnd - 1);
          if (Number.isFinite(v)) t.acc.record(v, isError);
        }
      }
      at = timersEnd;
    }
    this.firstEpoch = first;
    this.lastEpoch = last;
  }

  snapshot(): LiveMetricsPlain {
    return {
      all: this.all.toPlain(),
      timers: this.timers.map((t) => [t.name, t.acc.toPlain()]),
      firstEpoch: this.firstEpoch,
      lastEpoch: this.lastEpoch,
    };
  }
}

/** 10^k, exactly, for the decimals numberAt reads. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The JSON number that starts at `from` in `text` and ends before the next `,` or at `end`, as
 * JSON.parse reads it. Plain decimals of up to 15 digits (String(seconds) of a timer, nearly always)
 * are read here: an integer below 2^53 divided by an exact power of ten is the correctly rounded
 * value, so this equals JSON.parse's; anything else (exponents, more digits) goes to Number().
 */
function numberAt(text: string, from: number, end: number): number {
  let i = from;
  const negative = text.charCodeAt(i) === 45; // -
  if (negative) i++;
  let mantissa = 0;
  let digits = 0;
  let decimals = -1;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === 46 && decimals < 0)
      decimals = 0; // .
    else break;
  }
  if (i < end && text.charCodeAt(i) !== 44) {
    // An exponent or something unusual: the general reader.
    let to = text.indexOf(',', from);
    if (to === -1 || to > end) to = end;
    return +text.slice(from, to);
  }
  if (digits === 0 || digits > 15 || decimals === 0) return digits === 0 ? NaN : +text.slice(from, i);
  const v = decimals > 0 ? mantissa / POW10[decimals]! : mantissa;
  return negative ? -v : v;
}

/** A snapshot as what thresholds are judged on. */
export function liveSource(p: LiveMetricsPlain): ThresholdSource {
  const timers = new Map(p.timers.map(([name, m]) => [name, MetricAccumulator.fromPlain(m)]));
  const span = p.lastEpoch - p.firstEpoch;
  return {
    all: MetricAccumulator.fromPlain(p.all),
    timer: (name) => {
      const t = timers.get(name);
      return t === undefined || t.count === 0 ? undefined : t;
    },
    span: Number.isFinite(span) && span > 0 ? span : null,
  };
}
