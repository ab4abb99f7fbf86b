/**
 * Thresholds (config.json `thresholds`): pass/fail criteria on a run's merged results. Parsed and
 * checked here (each mistake one line naming the file and the threshold's index), judged here against
 * any source of statistics: the HQ's live accumulators during a run (abort_on_fail) and the
 * reporter's scan of the results file at the end. Both feed a MetricAccumulator-like view with exact
 * counts, exact min / max / mean / variance and a LogLinearHistogram of microsecond values
 * (3 significant digits), so a percentile is the report's percentile. Portable: no Node APIs.
 */
import type { ProjectConfig } from './generated/types.js';
import { LogLinearHistogram, type HistogramPlain } from './histogram.js';

/** The metric of all transactions (every result's scriptrun_time). */
export const METRIC_TRANSACTIONS = 'transactions';
/** The metric of failed transactions (results whose error is not empty). */
export const METRIC_ERRORS = 'errors';

/** Significant digits of a threshold's percentiles: the report's whole-run digits. */
export const THRESHOLD_DIGITS = 3;

/** A threshold as written in config.json (its type generated from config.schema.json). */
export type ThresholdConfig = NonNullable<ProjectConfig['thresholds']>[number];

type Named = 'count' | 'rate' | 'error_rate' | 'min' | 'max' | 'avg' | 'stdev' | 'rstddev';
const NAMED: readonly Named[] = ['count', 'rate', 'error_rate', 'min', 'max', 'avg', 'stdev', 'rstddev'];
/** Statistics of the `errors` metric. */
const ERROR_STATS: readonly string[] = ['count', 'rate', 'error_rate'];

/** One side of a threshold: value and whether equality passes. */
export interface Bound {
  value: number;
  inclusive: boolean;
}

/** A checked threshold. */
export interface Threshold {
  /** Its index in config.json's `thresholds`. */
  index: number;
  metric: string;
  stat: string;
  /** The percentile (0-100) for a `p<N>` stat, else null. */
  percentile: number | null;
  /** Passes below this (lt / lte), when set. */
  upper: Bound | null;
  /** Passes above this (gt / gte), when set. */
  lower: Bound | null;
  abortOnFail: boolean;
  /** Seconds after the start before abort_on_fail may stop the run. */
  delayAbortEval: number;
}

/** A threshold's verdict (summary.json `thresholds[]`, the report, JUnit, the console). */
export interface ThresholdVerdict {
  index: number;
  metric: string;
  stat: string;
  /** The bound in words: `< 0.5`, `>= 100`, `> 1 and <= 5`. */
  bound: string;
  /** The statistic judged; null when there was nothing to judge (then the threshold failed). */
  actual: number | null;
  passed: boolean;
  /** One line: `transactions p95 = 0.612 (not < 0.5)`, or why nothing could be judged. */
  message: string;
  abort_on_fail: boolean;
}

/** The statistics a threshold is judged on, for one metric (durations in seconds). */
export interface MetricView {
  count: number;
  /** Of `count`, the results whose error was not empty. */
  errors: number;
  min: number;
  max: number;
  /** NaN when empty. */
  avg: number;
  /** Population standard deviation; NaN when empty. */
  stdev: number;
  /** The value at percentile p (0-100) in seconds; NaN when empty. */
  percentile(p: number): number;
}

/** What thresholds are judged against: the run's metrics and its span. */
export interface ThresholdSource {
  /** Every transaction; null when not known. */
  all: MetricView;
  /** A custom timer by name; undefined when no stored result set it. */
  timer(name: string): MetricView | undefined;
  /** Seconds over which `rate` is computed (first to last result); null when unknown or 0. */
  span: number | null;
}

export type ThresholdCheck = { ok: true; thresholds: Threshold[] } | { ok: false; errors: string[] };

const STAT_WORDS =
  'count, rate, error_rate, min, max, avg, stdev, rstddev or a percentile p<N> with N from 0 to 100 (p50, p95, p99.9)';

/** The percentile of `p95`, `p99.9`..., or null for another word. */
function percentileOf(stat: string): number | null {
  const m = /^p(\d{1,3}(?:\.\d{1,3})?)$/.exec(stat);
  if (!m) return null;
  const p = Number(m[1]);
  return p >= 0 && p <= 100 ? p : null;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Checks config.json's `thresholds` (already valid against the schema, or not: every shape is
 * checked). `source` names the file in messages.
 */
export function checkThresholds(raw: unknown, source = 'config.json'): ThresholdCheck {
  if (raw === undefined) return { ok: true, thresholds: [] };
  if (!Array.isArray(raw))
    return { ok: false, errors: [`${source}: thresholds must be a list of thresholds`] };
  const errors: string[] = [];
  const thresholds: Threshold[] = [];
  raw.forEach((t: unknown, index) => {
    const at = `${source}: thresholds[${index}]`;
    if (t === null || typeof t !== 'object' || Array.isArray(t)) {
      errors.push(`${at} must be an object such as {"metric": "transactions", "stat": "p95", "lt": 0.5}`);
      return;
    }
    const o = t as Record<string, unknown>;
    const metric = o.metric;
    const stat = o.stat;
    if (typeof metric !== 'string' || metric === '') {
      errors.push(
        `${at}.metric must name a metric: "${METRIC_TRANSACTIONS}", "${METRIC_ERRORS}" or a custom timer`,
      );
      return;
    }
    const where = `${at} (${metric})`;
    if (typeof stat !== 'string') {
      errors.push(`${where}.stat must be one of ${STAT_WORDS}`);
      return;
    }
    const percentile = percentileOf(stat);
    if (percentile === null && !NAMED.includes(stat as Named)) {
      errors.push(`${where}.stat ${JSON.stringify(stat)} is not a statistic: use ${STAT_WORDS}`);
      return;
    }
    if (metric === METRIC_ERRORS && !ERROR_STATS.includes(stat)) {
      errors.push(
        `${where}.stat ${JSON.stringify(stat)} does not apply to the metric "errors" (count, rate or error_rate); for durations name "transactions" or a custom timer`,
      );
      return;
    }
    for (const key of ['lt', 'lte', 'gt', 'gte'] as const) {
      if (o[key] !== undefined && !num(o[key])) {
        errors.push(`${where}.${key} must be a number, got ${JSON.stringify(o[key])}`);
        return;
      }
    }
    if (o.lt !== undefined && o.lte !== undefined) {
      errors.push(`${where}: lt and lte both set: keep one upper bound`);
      return;
    }
    if (o.gt !== undefined && o.gte !== undefined) {
      errors.push(`${where}: gt and gte both set: keep one lower bound`);
      return;
    }
    const upper: Bound | null = num(o.lt)
      ? { value: o.lt, inclusive: false }
      : num(o.lte)
        ? { value: o.lte, inclusive: true }
        : null;
    const lower: Bound | null = num(o.gt)
      ? { value: o.gt, inclusive: false }
      : num(o.gte)
        ? { value: o.gte, inclusive: true }
        : null;
    if (upper === null && lower === null) {
      errors.push(`${where}: no bound: set one of lt, lte, gt, gte (e.g. "lt": 0.5)`);
      return;
    }
    if (
      upper !== null &&
      lower !== null &&
      (lower.value > upper.value || (lower.value === upper.value && !(lower.inclusive && upper.inclusive)))
    ) {
      errors.push(`${where}: the bounds ${boundText(upper, lower)} contradict each other: no value can pass`);
      return;
    }
    if (o.abort_on_fail !== undefined && typeof o.abort_on_fail !== 'boolean') {
      errors.push(`${where}.abort_on_fail must be true or false`);
      return;
    }
    const delay = o.delay_abort_eval;
    if (delay !== undefined && !(num(delay) && delay >= 0)) {
      errors.push(`${where}.delay_abort_eval must be a number of seconds >= 0`);
      return;
    }
    const known = ['metric', 'stat', 'lt', 'lte', 'gt', 'gte', 'abort_on_fail', 'delay_abort_eval'];
    const unknown = Object.keys(o).filter((k) => !known.includes(k));
    if (unknown.length > 0) {
      errors.push(`${where}: unknown key ${JSON.stringify(unknown[0])} (known: ${known.join(', ')})`);
      return;
    }
    thresholds.push({
      index,
      metric,
      stat,
      percentile,
      upper,
      lower,
      abortOnFail: o.abort_on_fail === true,
      delayAbortEval: num(delay) ? delay : 0,
    });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, thresholds };
}

function boundText(upper: Bound | null, lower: Bound | null): string {
  const parts: string[] = [];
  if (lower) parts.push(`${lower.inclusive ? '>=' : '>'} ${lower.value}`);
  if (upper) parts.push(`${upper.inclusive ? '<=' : '<'} ${upper.value}`);
  return parts.join(' and ');
}

/** `transactions p95 < 0.5`: a threshold in words. */
export function thresholdLabel(t: Threshold): string {
  return `${t.metric} ${t.stat} ${boundText(t.upper, t.lower)}`;
}

/** Whether `v` lies within the threshold's bounds. */
function within(t: Threshold, v: number): boolean {
  if (t.upper && !(t.upper.inclusive ? v <= t.upper.value : v < t.upper.value)) return false;
  if (t.lower && !(t.lower.inclusive ? v >= t.lower.value : v > t.lower.value)) return false;
  return true;
}

/** Up to 6 significant digits, no exponent for ordinary values. */
function show(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/** The statistic `t` names from `m` (NaN when there is nothing to judge). */
function statOf(t: Threshold, m: MetricView, all: MetricView, span: number | null): number {
  if (t.metric === METRIC_ERRORS) {
    if (t.stat === 'count') return all.errors;
    if (t.stat === 'rate') return span !== null && span > 0 ? all.errors / span : NaN;
    return all.count > 0 ? all.errors / all.count : NaN;
  }
  if (t.percentile !== null) return m.percentile(t.percentile);
  switch (t.stat as Named) {
    case 'count':
      return m.count;
    case 'rate':
      return span !== null && span > 0 ? m.count / span : m.count === 0 ? 0 : NaN;
    case 'error_rate':
      return m.count > 0 ? m.errors / m.count : NaN;
    case 'min':
      return m.count > 0 ? m.min : NaN;
    case 'max':
      return m.count > 0 ? m.max : NaN;
    case 'avg':
      return m.avg;
    case 'stdev':
      return m.stdev;
    case 'rstddev':
      return m.avg > 0 ? m.stdev / m.avg : NaN;
  }
}

/** Judges one threshold. */
export function judgeThreshold(t: Threshold, source: ThresholdSource): ThresholdVerdict {
  const base = {
    index: t.index,
    metric: t.metric,
    stat: t.stat,
    bound: boundText(t.upper, t.lower),
    abort_on_fail: t.abortOnFail,
  };
  const named = t.metric === METRIC_TRANSACTIONS || t.metric === METRIC_ERRORS;
  const m = named ? source.all : source.timer(t.metric);
  if (m === undefined)
    return {
      ...base,
      actual: null,
      passed: false,
      message: `${thresholdLabel(t)}: no stored result has the custom timer ${JSON.stringify(t.metric)} (misspelt? the metric of every transaction is "${METRIC_TRANSACTIONS}")`,
    };
  const v = statOf(t, m, source.all, source.span);
  if (!Number.isFinite(v)) {
    const why =
      (t.metric === METRIC_ERRORS ? source.all.count : m.count) === 0
        ? 'no result was stored'
        : t.stat === 'rstddev'
          ? 'the average is 0'
          : 'the run has no span of time to divide by';
    return {
      ...base,
      actual: null,
      passed: false,
      message: `${thresholdLabel(t)}: nothing to judge (${why})`,
    };
  }
  const passed = within(t, v);
  return {
    ...base,
    actual: v,
    passed,
    message: `${t.metric} ${t.stat} = ${show(v)}${passed ? `, ${base.bound}` : ` (not ${base.bound})`}`,
  };
}

/** Judges every threshold. */
export function judgeThresholds(
  thresholds: readonly Threshold[],
  source: ThresholdSource,
): ThresholdVerdict[] {
  return thresholds.map((t) => judgeThreshold(t, source));
}

/** One metric's accumulator as plain data (structured-clone safe). */
export interface MetricPlain {
  count: number;
  errors: number;
  min: number;
  max: number;
  mean: number;
  m2: number;
  hist: HistogramPlain | null;
}

/**
 * Exact count, errors, min, max, mean and variance (Welford) of one metric, and optionally its
 * histogram of microsecond values (THRESHOLD_DIGITS). Mergeable.
 */
export class MetricAccumulator implements MetricView {
  count = 0;
  errors = 0;
  min = Infinity;
  max = -Infinity;
  private mean = 0;
  private m2 = 0;
  readonly hist: LogLinearHistogram | null;

  constructor(withHistogram: boolean) {
    this.hist = withHistogram ? new LogLinearHistogram(THRESHOLD_DIGITS) : null;
  }

  /** Records one value in seconds. */
  record(seconds: number, isError: boolean): void {
    this.count++;
    if (isError) this.errors++;
    if (seconds < this.min) this.min = seconds;
    if (seconds > this.max) this.max = seconds;
    const d = seconds - this.mean;
    this.mean += d / this.count;
    this.m2 += d * (seconds - this.mean);
    this.hist?.record(seconds * 1e6);
  }

  get avg(): number {
    return this.count === 0 ? NaN : this.mean;
  }

  get stdev(): number {
    return this.count === 0 ? NaN : Math.sqrt(this.m2 / this.count);
  }

  percentile(p: number): number {
    return this.hist === null ? NaN : this.hist.valueAtPercentile(p) / 1e6;
  }

  /** Adds another accumulator (Chan et al.'s pairwise variance update; histograms add when both have one). */
  merge(o: MetricAccumulator): void {
    if (o.count === 0) return;
    const n = this.count + o.count;
    const delta = o.mean - this.mean;
    this.m2 += o.m2 + (delta * delta * this.count * o.count) / n;
    this.mean += (delta * o.count) / n;
    this.count = n;
    this.errors += o.errors;
    if (o.min < this.min) this.min = o.min;
    if (o.max > this.max) this.max = o.max;
    if (this.hist !== null && o.hist !== null) this.hist.add(o.hist);
  }

  toPlain(): MetricPlain {
    const { count, errors, min, max, mean, m2 } = this;
    return { count, errors, min, max, mean, m2, hist: this.hist?.toPlain() ?? null };
  }

  static fromPlain(p: MetricPlain): MetricAccumulator {
    const a = new MetricAccumulator(false);
    Object.assign(a, {
      count: p.count,
      errors: p.errors,
      min: p.min,
      max: p.max,
      mean: p.mean,
      m2: p.m2,
      hist: p.hist === null ? null : LogLinearHistogram.fromPlain(p.hist),
    });
    return a;
  }
}

/** Whether judging `thresholds` needs percentiles of `metric`. */
export function needsHistogram(thresholds: readonly Threshold[], metric: string): boolean {
  return thresholds.some((t) => t.percentile !== null && t.metric === metric);
}
