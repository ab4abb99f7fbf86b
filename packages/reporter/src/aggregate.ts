/**
 * One streaming pass over the `result` table -> per-series statistics (all transactions and each
 * custom timer), per-interval time series, error messages and per-turret counts. Memory is bounded by
 * intervals x series, never by the number of results: rows are handed one at a time to a SQLite
 * user function (SQLite runs the scan in C and calls back into JS with plain values), which costs
 * about a third of stmt.iterate()'s per-row price and holds no row after its call returns. A large
 * table is split by rowid between this thread and one worker thread; the partial results merge
 * exactly (histogram counts add, Welford moments combine).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { MetricAccumulator, THRESHOLD_DIGITS, type MetricPlain } from '@oct/protocol';
import { LogLinearHistogram, type HistogramPlain } from './histogram.js';
import { ReportError, type ResultsFile } from './store.js';

/**
 * Significant digits of the whole-run percentiles (HdrHistogram's numberOfSignificantValueDigits):
 * those of the thresholds' accumulator, which keeps the whole run's figures.
 */
export const OVERALL_DIGITS = THRESHOLD_DIGITS;
/** Significant digits of the per-interval percentiles (keeps an interval's histogram to ~10 KB). */
export const INTERVAL_DIGITS = 2;
/** Most intervals a report holds; a longer run gets a wider interval, and the report says so. */
export const MAX_INTERVALS = 2000;
/** Most custom timer names tracked; values of further names are counted as dropped. */
export const MAX_TIMERS = 100;
/** Most distinct error messages tracked; further ones are counted under one "other" line. */
export const MAX_ERROR_MESSAGES = 1000;
/** Longest error message kept (longer ones are cut, and two messages equal up to here merge). */
export const MAX_ERROR_LENGTH = 2000;
/** Most distinct turret names counted from results. */
export const MAX_TURRET_NAMES = 1000;
/** Below this many rows one thread scans everything (a worker costs ~100 ms to start). */
export const PARALLEL_MIN_ROWS = 250_000;
/**
 * Seconds a result's epoch may lie before the run's start or after its end (HQ clock, the run
 * table) and still be placed in the time series; further out, the turret's clock is wrong.
 */
export const CLOCK_TOLERANCE_SECONDS = 60;

/** Values are recorded in whole microseconds. */
const US = 1e6;

/** A series accumulator as plain data (structured-clone safe). */
export interface SeriesPlain {
  name: string;
  whole: MetricPlain;
  iCount: Float64Array;
  iErrors: Float64Array;
  iSum: Float64Array;
  iMax: Float64Array;
  iHist: (HistogramPlain | null)[];
}

/**
 * Accumulates one series: all transactions (scriptrun_time) or one custom timer. The whole run's
 * figures are the thresholds' MetricAccumulator (exact moments, OVERALL_DIGITS histogram), so the
 * report and the HQ's live verdicts count alike; the intervals are kept here.
 */
export class SeriesAccumulator {
  whole = new MetricAccumulator(true);
  readonly iCount: Float64Array;
  readonly iErrors: Float64Array;
  readonly iSum: Float64Array;
  readonly iMax: Float64Array;
  readonly iHist: (LogLinearHistogram | undefined)[];

  constructor(
    readonly name: string,
    intervals: number,
  ) {
    this.iCount = new Float64Array(intervals);
    this.iErrors = new Float64Array(intervals);
    this.iSum = new Float64Array(intervals);
    this.iMax = new Float64Array(intervals).fill(-Infinity);
    this.iHist = new Array<LogLinearHistogram | undefined>(intervals);
  }

  get count(): number {
    return this.whole.count;
  }
  get errors(): number {
    return this.whole.errors;
  }
  get min(): number {
    return this.whole.min;
  }
  get max(): number {
    return this.whole.max;
  }
  /** NaN when empty. */
  get avg(): number {
    return this.whole.avg;
  }
  /** Population standard deviation in seconds (NaN when empty). */
  get stdev(): number {
    return this.whole.stdev;
  }
  /** The whole run's histogram of microsecond values. */
  get overall(): LogLinearHistogram {
    return this.whole.hist!;
  }

  /** Records one value in seconds, in interval `b` (none when `b` < 0: the whole run only). */
  record(seconds: number, b: number, isError: boolean): void {
    this.whole.record(seconds, isError);
    if (b < 0) return;
    if (isError) this.iErrors[b]++;
    this.iCount[b]++;
    this.iSum[b] += seconds;
    if (seconds > this.iMax[b]) this.iMax[b] = seconds;
    let h = this.iHist[b];
    if (h === undefined) this.iHist[b] = h = new LogLinearHistogram(INTERVAL_DIGITS, 512);
    h.record(seconds * US);
  }

  /** Adds another accumulator of the same intervals. */
  merge(o: SeriesAccumulator): void {
    if (o.count === 0) return;
    this.whole.merge(o.whole);
    for (let i = 0; i < this.iCount.length; i++) {
      this.iCount[i] += o.iCount[i];
      this.iErrors[i] += o.iErrors[i];
      this.iSum[i] += o.iSum[i];
      if (o.iMax[i] > this.iMax[i]) this.iMax[i] = o.iMax[i];
      const oh = o.iHist[i];
      if (oh === undefined) continue;
      const h = this.iHist[i];
      if (h === undefined) this.iHist[i] = oh;
      else h.add(oh);
    }
  }

  toPlain(): SeriesPlain {
    return {
      name: this.name,
      whole: this.whole.toPlain(),
      iCount: this.iCount,
      iErrors: this.iErrors,
      iSum: this.iSum,
      iMax: this.iMax,
      iHist: this.iHist.map((h) => (h === undefined ? null : h.toPlain())),
    };
  }

  static fromPlain(p: SeriesPlain): SeriesAccumulator {
    const s = new SeriesAccumulator(p.name, 0);
    Object.assign(s, {
      whole: MetricAccumulator.fromPlain(p.whole),
      iCount: p.iCount,
      iErrors: p.iErrors,
      iSum: p.iSum,
      iMax: p.iMax,
      iHist: p.iHist.map((h) => (h === null ? undefined : LogLinearHistogram.fromPlain(h))),
    });
    return s;
  }
}

/**
 * First-seen and last-seen times of one error message (epochs within the clock window only: null
 * when every result with this message lies outside it).
 */
export interface ErrorCount {
  message: string;
  count: number;
  first: number | null;
  last: number | null;
}

/** Results of one turret whose epoch lies outside the clock window, and the extreme epochs. */
export interface OutsideCount {
  count: number;
  first: number;
  last: number;
}

/** The HQ's clock window: results whose epoch lies in [from, to] are placed in intervals. */
export interface ClockWindow {
  from: number;
  /** Infinity when the file does not say when the run ended. */
  to: number;
}

function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/** What a scan of one rowid range needs to know (structured-clone safe: sent to the worker). */
export interface ScanPlan {
  dbPath: string;
  t0: number;
  width: number;
  intervals: number;
  hasError: boolean;
  hasTimers: boolean;
  hasTurret: boolean;
  /** The result table has `setup_failed` (files of HQs before it do not). */
  hasSetupFailed: boolean;
  /** The clock window (-Infinity, Infinity when the file does not say when the run started). */
  from: number;
  to: number;
  /** Inclusive rowid range. */
  lo: number;
  hi: number;
}

/** The accumulators of one rowid range. */
export interface PartialScan {
  invalidRows: number;
  all: SeriesAccumulator;
  timers: Map<string, SeriesAccumulator>;
  droppedTimerValues: number;
  badCustomTimers: number;
  errors: Map<string, ErrorCount>;
  otherErrorMessages: number;
  perTurret: Map<string | null, number>;
  otherTurretResults: number;
  /** Results outside the clock window per turret_name (the names perTurret counts). */
  outside: Map<string | null, OutsideCount>;
  /** Results outside the clock window, all turrets. */
  outsideTotal: number;
  /** Results reporting a canon's failed setup (spec 5.3.2): in no statistics but these counts. */
  setupFailures: number;
  /** The same per turret_name (the names perTurret counts). */
  setupFailuresPerTurret: Map<string | null, number>;
  /** The same per error message (capped like errors; the rest in otherErrorMessages). */
  setupErrors: Map<string, ErrorCount>;
}

/** Scans the results of `plan`'s rowid range on connection `db`. */
export function scanRange(db: Database.Database, plan: ScanPlan): PartialScan {
  const { t0, width, intervals } = plan;
  const p: PartialScan = {
    invalidRows: 0,
    all: new SeriesAccumulator('All transactions', intervals),
    timers: new Map(),
    droppedTimerValues: 0,
    badCustomTimers: 0,
    errors: new Map(),
    otherErrorMessages: 0,
    perTurret: new Map(),
    otherTurretResults: 0,
    outside: new Map(),
    outsideTotal: 0,
    setupFailures: 0,
    setupFailuresPerTurret: new Map(),
    setupErrors: new Map(),
  };
  const { all, timers, errors, perTurret, outside } = p;
  const { from, to } = plan;
  const last = intervals - 1;

  const onRow = (
    epochIn: unknown,
    rtIn: unknown,
    err: unknown,
    ct: unknown,
    turret: unknown,
    setupFailed: unknown,
  ): null => {
    const tn = turret === null ? null : String(turret);
    const seen = perTurret.get(tn);
    if (seen !== undefined) perTurret.set(tn, seen + 1);
    else if (perTurret.size < MAX_TURRET_NAMES) perTurret.set(tn, 1);
    else p.otherTurretResults++;
    if (setupFailed !== null && setupFailed !== 0) {
      // A failed setup is no transaction: counted apart, kept out of every statistic (spec 5.3.2).
      p.setupFailures++;
      if (perTurret.has(tn)) p.setupFailuresPerTurret.set(tn, (p.setupFailuresPerTurret.get(tn) ?? 0) + 1);
      const msg = String(err ?? '').slice(0, MAX_ERROR_LENGTH);
      const epoch = Number(epochIn);
      const at = Number.isFinite(epoch) && epoch >= from && epoch <= to ? epoch : null;
      const e = p.setupErrors.get(msg);
      if (e !== undefined) {
        e.count++;
        e.first = minOf(e.first, at);
        e.last = maxOf(e.last, at);
      } else if (p.setupErrors.size < MAX_ERROR_MESSAGES)
        p.setupErrors.set(msg, { message: msg, count: 1, first: at, last: at });
      else p.otherErrorMessages++;
      return null;
    }
    const epoch = typeof epochIn === 'number' ? epochIn : epochIn === null ? NaN : Number(epochIn);
    const rt = typeof rtIn === 'number' ? rtIn : rtIn === null ? NaN : Number(rtIn);
    if (!Number.isFinite(epoch) || !Number.isFinite(rt)) {
      p.invalidRows++;
      return null;
    }
    // Far outside the run on the HQ's clock: the turret's clock is wrong. In the whole-run
    // statistics (durations are the turret's monotonic clock), in no interval, its time in no first/last.
    const inWindow = epoch >= from && epoch <= to;
    let b = -1;
    if (inWindow) {
      b = Math.floor((epoch - t0) / width);
      if (b < 0) b = 0;
      else if (b > last) b = last;
    } else {
      p.outsideTotal++;
      const o = outside.get(tn);
      if (o !== undefined) {
        o.count++;
        if (epoch < o.first) o.first = epoch;
        if (epoch > o.last) o.last = epoch;
      } else if (perTurret.has(tn)) outside.set(tn, { count: 1, first: epoch, last: epoch });
    }
    const isError = err !== null;
    all.record(rt, b, isError);
    if (isError) {
      const msg = String(err).slice(0, MAX_ERROR_LENGTH);
      const e = errors.get(msg);
      const at = inWindow ? epoch : null;
      if (e !== undefined) {
        e.count++;
        e.first = minOf(e.first, at);
        e.last = maxOf(e.last, at);
      } else if (errors.size < MAX_ERROR_MESSAGES) {
        errors.set(msg, { message: msg, count: 1, first: at, last: at });
      } else p.otherErrorMessages++;
    }
    if (ct === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(ct));
    } catch {
      p.badCustomTimers++;
      return null;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      p.badCustomTimers++;
      return null;
    }
    for (const key in parsed) {
      const raw = (parsed as Record<string, unknown>)[key];
      const v =
        typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(v)) {
        p.badCustomTimers++;
        continue;
      }
      let s = timers.get(key);
      if (s === undefined) {
        if (timers.size >= MAX_TIMERS) {
          p.droppedTimerValues++;
          continue;
        }
        timers.set(key, (s = new SeriesAccumulator(key, intervals)));
      }
      s.record(v, b, isError);
    }
    return null;
  };

  db.function('oct_report_row', { deterministic: false, directOnly: true }, onRow);
  // A flat query (a subquery would cost SQLite a co-routine per row); absent columns read as NULL.
  const error = plan.hasError ? "nullif(error, '')" : 'NULL';
  const timersCol = plan.hasTimers ? "nullif(custom_timers, '{}')" : 'NULL';
  const turretCol = plan.hasTurret ? 'turret_name' : 'NULL';
  const setupCol = plan.hasSetupFailed ? 'setup_failed' : 'NULL';
  db.prepare(
    `SELECT count(oct_report_row(epoch, scriptrun_time, ${error}, ${timersCol}, ${turretCol}, ${setupCol}))
     FROM result WHERE rowid BETWEEN ? AND ?`,
  ).get(plan.lo, plan.hi);
  return p;
}

/** A PartialScan as plain data (structured-clone safe). */
export interface PartialPlain extends Omit<PartialScan, 'all' | 'timers'> {
  all: SeriesPlain;
  timers: SeriesPlain[];
}

export function partialToPlain(p: PartialScan): PartialPlain {
  return { ...p, all: p.all.toPlain(), timers: [...p.timers.values()].map((s) => s.toPlain()) };
}

export function partialFromPlain(p: PartialPlain): PartialScan {
  return {
    ...p,
    all: SeriesAccumulator.fromPlain(p.all),
    timers: new Map(p.timers.map((s) => [s.name, SeriesAccumulator.fromPlain(s)])),
  };
}

/** Merges `b` into `a` (the same caps apply to the union). */
function mergePartial(a: PartialScan, b: PartialScan, intervals: number): void {
  a.invalidRows += b.invalidRows;
  a.droppedTimerValues += b.droppedTimerValues;
  a.badCustomTimers += b.badCustomTimers;
  a.otherErrorMessages += b.otherErrorMessages;
  a.otherTurretResults += b.otherTurretResults;
  a.outsideTotal += b.outsideTotal;
  a.setupFailures += b.setupFailures;
  for (const [name, n] of b.setupFailuresPerTurret)
    a.setupFailuresPerTurret.set(name, (a.setupFailuresPerTurret.get(name) ?? 0) + n);
  for (const [msg, e] of b.setupErrors) {
    const mine = a.setupErrors.get(msg);
    if (mine !== undefined) {
      mine.count += e.count;
      mine.first = minOf(mine.first, e.first);
      mine.last = maxOf(mine.last, e.last);
    } else if (a.setupErrors.size < MAX_ERROR_MESSAGES) a.setupErrors.set(msg, { ...e });
    else a.otherErrorMessages += e.count;
  }
  a.all.merge(b.all);
  for (const [name, s] of b.timers) {
    const mine = a.timers.get(name);
    if (mine !== undefined) mine.merge(s);
    else if (a.timers.size < MAX_TIMERS) {
      const fresh = new SeriesAccumulator(name, intervals);
      fresh.merge(s);
      a.timers.set(name, fresh);
    } else a.droppedTimerValues += s.count;
  }
  for (const [msg, e] of b.errors) {
    const mine = a.errors.get(msg);
    if (mine !== undefined) {
      mine.count += e.count;
      mine.first = minOf(mine.first, e.first);
      mine.last = maxOf(mine.last, e.last);
    } else if (a.errors.size < MAX_ERROR_MESSAGES) a.errors.set(msg, { ...e });
    else a.otherErrorMessages += e.count;
  }
  for (const [name, n] of b.perTurret) {
    const mine = a.perTurret.get(name);
    if (mine !== undefined) a.perTurret.set(name, mine + n);
    else if (a.perTurret.size < MAX_TURRET_NAMES) a.perTurret.set(name, n);
    else a.otherTurretResults += n;
  }
  for (const [name, o] of b.outside) {
    const mine = a.outside.get(name);
    if (mine !== undefined) {
      mine.count += o.count;
      mine.first = Math.min(mine.first, o.first);
      mine.last = Math.max(mine.last, o.last);
    } else if (a.perTurret.has(name)) a.outside.set(name, { ...o });
  }
}

/** Everything one pass over the results learns. */
export interface ScanResult {
  /** Rows in the result table. */
  rows: number;
  /** Rows whose epoch or scriptrun_time is not a number: counted, not charted. */
  invalidRows: number;
  /** The first and last epoch within the clock window. */
  firstEpoch: number | null;
  lastEpoch: number | null;
  /** The clock window used, or null when the file does not say when the run started. */
  window: ClockWindow | null;
  /** Results outside the clock window: in the whole-run statistics, in no interval. */
  outsideTotal: number;
  /** The same per turret_name (null: unattributed). */
  outside: Map<string | null, OutsideCount>;
  /** Start of interval 0 (epoch seconds). */
  t0: number;
  /** Interval width in seconds actually used. */
  interval: number;
  /** The interval asked for, when it had to be widened to stay within MAX_INTERVALS. */
  widenedFrom: number | null;
  intervals: number;
  all: SeriesAccumulator;
  timers: SeriesAccumulator[];
  droppedTimerValues: number;
  badCustomTimers: number;
  errorMessages: ErrorCount[];
  otherErrorMessages: number;
  /** Results per turret_name (null: unattributed). */
  perTurret: Map<string | null, number>;
  otherTurretResults: number;
  /** Results of failed setups (spec 5.3.2), kept out of every other statistic. */
  setupFailures: number;
  setupFailuresPerTurret: Map<string | null, number>;
  /** Their messages, most frequent first. */
  setupErrorMessages: ErrorCount[];
  /** Threads that scanned (1 or 2). */
  threads: number;
}

const NICE = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];

/** The smallest "nice" interval >= `min` seconds. */
export function niceInterval(min: number): number {
  for (const n of NICE) if (n >= min) return n;
  return Math.ceil(min / 86400) * 86400;
}

/** Running from src/*.ts under tsx (the tests): the worker is a .ts file and needs tsx's loader too. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

function scanWorker(plan: ScanPlan): Worker {
  if (!FROM_SOURCE) return new Worker(new URL('./scan-worker.js', import.meta.url), { workerData: plan });
  const entry = JSON.stringify(new URL('./scan-worker.ts', import.meta.url).href);
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); })`;
  return new Worker(boot, { eval: true, workerData: plan });
}

function scanInWorker(plan: ScanPlan): { result: Promise<PartialScan>; stop: () => void } {
  const worker = scanWorker(plan);
  const result = new Promise<PartialScan>((resolve, reject) => {
    let done = false;
    worker.once('message', (m: { ok: true; result: PartialPlain } | { ok: false; message: string }) => {
      done = true;
      if (m.ok) resolve(partialFromPlain(m.result));
      else reject(new ReportError(`${plan.dbPath}: ${m.message}`));
    });
    worker.once('error', (err) => {
      done = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`report worker exited with code ${code} before answering`));
    });
  });
  // Handled by the caller's await; without this an early worker failure would be an unhandled rejection.
  result.catch(() => undefined);
  return { result, stop: () => void worker.terminate() };
}

/** Options of scanResults. */
export interface ScanOptions {
  /** Rows from which the table is split with a worker thread; default PARALLEL_MIN_ROWS. */
  parallelMinRows?: number;
  /**
   * Only results whose epoch lies in this window (the run on the HQ's clock, with a tolerance) are
   * placed in intervals and set first/last times; the others are counted per turret. None: all are.
   */
  window?: ClockWindow | null;
}

/** The clock window of a run: [started_at - tolerance, end + tolerance] (end: finished_at, else
 * stopped_at, else started_at + run_time, else none), or null when the run's start is unknown. */
export function clockWindow(
  run: {
    started_at: number | null;
    stopped_at: number | null;
    finished_at: number | null;
    run_time: number | null;
  } | null,
  tolerance = CLOCK_TOLERANCE_SECONDS,
): ClockWindow | null {
  if (run?.started_at == null) return null;
  const end =
    run.finished_at ?? run.stopped_at ?? (run.run_time !== null ? run.started_at + run.run_time : null);
  return { from: run.started_at - tolerance, to: end === null ? Infinity : end + tolerance };
}

/**
 * Scans every result once. `startHint` (the run's started_at) anchors interval 0 when no result
 * is older; `interval` is the requested width in seconds. Results outside `options.window` neither
 * move interval 0 nor widen the series.
 */
export async function scanResults(
  file: ResultsFile,
  interval: number,
  startHint: number | null,
  options: ScanOptions = {},
): Promise<ScanResult> {
  if (!(interval > 0) || !Number.isFinite(interval)) {
    throw new ReportError(`time-series interval must be a positive number of seconds, got ${interval}`);
  }
  const { db } = file;
  const window = options.window ?? null;
  const from = window?.from ?? -Infinity;
  const to = window?.to ?? Infinity;
  const inWindow = 'CASE WHEN CAST(epoch AS REAL) BETWEEN @from AND @to THEN CAST(epoch AS REAL) END';
  const pre = db
    .prepare(
      `SELECT count(*) AS n, min(${inWindow}) AS lo, max(${inWindow}) AS hi,
        min(rowid) AS rlo, max(rowid) AS rhi FROM result`,
    )
    .get({ from, to }) as {
    n: number;
    lo: number | null;
    hi: number | null;
    rlo: number | null;
    rhi: number | null;
  };
  const rows = pre.n;
  const firstEpoch = pre.lo;
  const lastEpoch = pre.hi;
  let t0 = firstEpoch ?? startHint ?? 0;
  if (startHint !== null && startHint < t0) t0 = startHint;
  const span = lastEpoch === null ? 0 : lastEpoch - t0;
  let width = interval;
  let widenedFrom: number | null = null;
  if (span / width >= MAX_INTERVALS) {
    widenedFrom = width;
    width = niceInterval(span / (MAX_INTERVALS - 1));
  }
  const intervals = Math.max(1, Math.floor(span / width) + 1);
  const cols = file.tables.get('result');
  const base: ScanPlan = {
    dbPath: file.path,
    t0,
    width,
    intervals,
    hasError: cols?.has('error') === true,
    hasTimers: cols?.has('custom_timers') === true,
    hasTurret: cols?.has('turret_name') === true,
    hasSetupFailed: cols?.has('setup_failed') === true,
    from,
    to,
    lo: 0,
    hi: 0,
  };
  const rowLo = pre.rlo ?? 0;
  const rowHi = pre.rhi ?? 0;
  const parallel = rows >= (options.parallelMinRows ?? PARALLEL_MIN_ROWS) && availableParallelism() > 1;
  let partial: PartialScan;
  if (parallel) {
    const mid = Math.floor(rowLo / 2 + rowHi / 2);
    const other = scanInWorker({ ...base, lo: mid + 1, hi: rowHi });
    try {
      partial = scanRange(db, { ...base, lo: rowLo, hi: mid });
    } catch (err) {
      other.stop();
      throw err;
    }
    mergePartial(partial, await other.result, intervals);
  } else {
    partial = scanRange(db, { ...base, lo: rowLo, hi: rowHi });
  }
  return {
    rows,
    invalidRows: partial.invalidRows,
    firstEpoch,
    lastEpoch,
    window,
    outsideTotal: partial.outsideTotal,
    outside: partial.outside,
    t0,
    interval: width,
    widenedFrom,
    intervals,
    all: partial.all,
    timers: [...partial.timers.values()].sort((a, b) => a.name.localeCompare(b.name)),
    droppedTimerValues: partial.droppedTimerValues,
    badCustomTimers: partial.badCustomTimers,
    errorMessages: [...partial.errors.values()].sort(
      (a, b) => b.count - a.count || (a.first ?? Infinity) - (b.first ?? Infinity) || 0,
    ),
    otherErrorMessages: partial.otherErrorMessages,
    perTurret: partial.perTurret,
    otherTurretResults: partial.otherTurretResults,
    setupFailures: partial.setupFailures,
    setupFailuresPerTurret: partial.setupFailuresPerTurret,
    setupErrorMessages: [...partial.setupErrors.values()].sort((a, b) => b.count - a.count),
    threads: parallel ? 2 : 1,
  };
}
