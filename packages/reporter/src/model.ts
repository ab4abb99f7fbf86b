/**
 * Turns one scan into the report's model: the RunSummary (also written as summary.json for CI) and
 * the per-interval rows behind the tables and charts. All times are epoch seconds, all durations
 * seconds; null marks "not known" (never 0).
 */
import {
  CLOCK_TOLERANCE_SECONDS,
  INTERVAL_DIGITS,
  OVERALL_DIGITS,
  type ScanResult,
  type SeriesAccumulator,
} from './aggregate.js';
import { judgeThresholds, type Threshold, type ThresholdSource, type ThresholdVerdict } from '@oct/protocol';
import { fmtTime } from './format.js';
import type { QuarantineInfo, RejectInfo, RunInfo, TurretInfo } from './store.js';

/** Statistics of one series (all transactions, or one custom timer), in seconds. */
export interface TimerStats {
  name: string;
  count: number;
  /** Values recorded from results whose `error` was not empty. */
  errors: number;
  error_rate: number | null;
  /** Mean per second between the first and the last result of the run (within the clock window). */
  rate: number | null;
  min: number | null;
  avg: number | null;
  p50: number | null;
  p80: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  /** Population standard deviation. */
  stdev: number | null;
}

/** One time-series interval of one series. */
export interface IntervalRow {
  /** Interval start, epoch seconds. */
  start: number;
  count: number;
  /** count / interval width. */
  rate: number;
  errors: number;
  avg: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** One series with its interval rows. */
export interface SeriesReport {
  stats: TimerStats;
  intervals: IntervalRow[];
}

/** A turret as the report shows it. */
export interface TurretSummary extends TurretInfo {
  /** Results in the file whose turret_name is this turret's name. */
  results_in_file: number;
  /** lost, killed or aborted: the turret did not finish the run normally. */
  dead: boolean;
  /**
   * results_sent - results_stored when the turret used accounting, else null. Negative: more results
   * stored in its name than it sent (forged under its uuid and name, spec 7.5, or a wrong count).
   */
  missing: number | null;
  /**
   * Its results whose epoch lies outside the clock window (its clock is wrong): stored and in the
   * whole-run statistics, in no interval. null when the window is unknown (no run start in the file).
   */
  results_outside_window: number | null;
  /** The earliest and latest such epoch, as the turret sent them; null when there is none. */
  outside_window_first: number | null;
  outside_window_last: number | null;
  /** Its results that report a failed setup (spec 5.3.2): in results_in_file, in no statistic. */
  setup_failures: number;
}

/** The run summary written to summary.json (stable keys for CI). */
export interface RunSummary {
  transactions: number;
  errors: number;
  error_rate: number;
  /** The run's started_at, else the first result's epoch. */
  started_at: number | null;
  /** The run's finished_at, else the last result's epoch. */
  finished_at: number | null;
  format: 'oct-report-summary/1';
  generator: string;
  results_file: string;
  layout: 'oct-ts' | 'oct-legacy';
  project: string | null;
  outcome: string | null;
  hq_version: string | null;
  /** Configured run_time (seconds), when the file says. */
  run_time: number | null;
  /** finished_at - started_at. */
  duration: number | null;
  /** The first and last result's epoch within the clock window. */
  first_result_at: number | null;
  last_result_at: number | null;
  /** Time-series interval used, seconds. */
  interval: number;
  /** The interval asked for, when it was widened to keep the report within its interval limit. */
  interval_requested: number | null;
  precision: {
    unit: 'second';
    resolution: number;
    significant_digits: number;
    interval_significant_digits: number;
    method: string;
  };
  /** Results without a numeric epoch or scriptrun_time: counted, not in the statistics. */
  invalid_results: number;
  /**
   * The HQ's clock window, epoch seconds: the run's start minus `tolerance` to its end plus
   * `tolerance` (`to` null: the file does not say when the run ended). Results whose epoch lies
   * outside it are in the whole-run statistics but in no interval, and set no first/last time.
   * null when the file does not say when the run started (then every result is placed).
   */
  clock_window: { from: number; to: number | null; tolerance: number } | null;
  /** Results outside the clock window (all turrets, unattributed included); null without a window. */
  results_outside_window: number | null;
  /**
   * Results the HQ received but did not store (the results file refused them: disk full): in no
   * figure of the report. null when not known (the results file cannot say; `oct run` passes it).
   */
  results_not_stored: number | null;
  all: TimerStats;
  timers: TimerStats[];
  turrets: TurretSummary[];
  /** Results without turret_name (legacy canons send none). */
  unattributed_results: number;
  /**
   * Results that report a canon's failed setup (spec 5.3.2), not a transaction: not in
   * `transactions`, `errors` nor any latency statistic; their messages in setup_failure_messages.
   */
  setup_failures: number;
  setup_failure_messages: { message: string; count: number; first: number | null; last: number | null }[];
  /** Canons the turrets abandoned after the stop grace time (spec 4.3.6), all turrets. */
  canons_abandoned: number;
  rejects: RejectInfo | null;
  /** Results kept aside in the quarantine table (spec 7.3), in no figure; null when the file has none. */
  quarantined: QuarantineInfo | null;
  distinct_error_messages: number;
  error_messages: { message: string; count: number; first: number | null; last: number | null }[];
  /** Anything the reader had to drop or could not read, in words. */
  notes: string[];
  /**
   * The verdict of each threshold of the run's config (config.json `thresholds`), in config order;
   * empty when it has none. Judged over every stored result, percentiles from `precision`'s
   * whole-run histograms.
   */
  thresholds: ThresholdVerdict[];
  [k: string]: unknown;
}

/** The full model behind report.html. */
export interface ReportModel {
  summary: RunSummary;
  series: SeriesReport[];
  otherErrorMessages: number;
}

const DEAD = new Set(['lost', 'killed', 'aborted']);

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function statsOf(s: SeriesAccumulator, span: number | null): TimerStats {
  const pct = (p: number): number | null => finite(s.overall.valueAtPercentile(p) / 1e6);
  const empty = s.count === 0;
  return {
    name: s.name,
    count: s.count,
    errors: s.errors,
    error_rate: empty ? null : s.errors / s.count,
    rate: span !== null && span > 0 ? s.count / span : null,
    min: empty ? null : s.min,
    avg: finite(s.avg),
    p50: pct(50),
    p80: pct(80),
    p90: pct(90),
    p95: pct(95),
    p99: pct(99),
    max: empty ? null : s.max,
    stdev: finite(s.stdev),
  };
}

function intervalsOf(s: SeriesAccumulator, scan: ScanResult): IntervalRow[] {
  const rows: IntervalRow[] = [];
  for (let i = 0; i < scan.intervals; i++) {
    const n = s.iCount[i];
    const h = s.iHist[i];
    const pct = (p: number): number | null => (h === undefined ? null : finite(h.valueAtPercentile(p) / 1e6));
    rows.push({
      start: scan.t0 + i * scan.interval,
      count: n,
      rate: n / scan.interval,
      errors: s.iErrors[i],
      avg: n > 0 ? s.iSum[i] / n : null,
      p50: pct(50),
      p90: pct(90),
      p95: pct(95),
      p99: pct(99),
      max: n > 0 ? s.iMax[i] : null,
    });
  }
  return rows;
}

/** "alpha: 10, beta: 2" for the per-turret counts of results outside the clock window. */
function outsideList(scan: ScanResult): string {
  return [...scan.outside]
    .sort((a, b) => b[1].count - a[1].count)
    .map(
      ([name, o]) =>
        `${name ?? 'unattributed'}: ${o.count} (${fmtTime(o.first)}${o.last !== o.first ? ` to ${fmtTime(o.last)}` : ''})`,
    )
    .join('; ');
}

/** Builds the model from a scan and the file's other tables. */
export function buildModel(input: {
  scan: ScanResult;
  run: RunInfo | null;
  turrets: TurretInfo[];
  rejects: RejectInfo | null;
  quarantined?: QuarantineInfo | null;
  resultsFile: string;
  layout: 'oct-ts' | 'oct-legacy';
  generator: string;
  /** Seconds of tolerance the scan's clock window was built with (default CLOCK_TOLERANCE_SECONDS). */
  clockTolerance?: number;
  /** Results the HQ received but did not store, when known. */
  resultsNotStored?: number | null;
  /** The run's thresholds (checked), judged into summary.thresholds. */
  thresholds?: readonly Threshold[];
}): ReportModel {
  const { scan, run } = input;
  const notStored = input.resultsNotStored ?? null;
  const tolerance = input.clockTolerance ?? CLOCK_TOLERANCE_SECONDS;
  const span = scan.firstEpoch !== null && scan.lastEpoch !== null ? scan.lastEpoch - scan.firstEpoch : null;
  const all = statsOf(scan.all, span);
  const startedAt = run?.started_at ?? scan.firstEpoch;
  const finishedAt = run?.finished_at ?? run?.stopped_at ?? scan.lastEpoch;
  const notes: string[] = [];
  if (scan.widenedFrom !== null) {
    notes.push(
      `The time-series interval was widened from ${scan.widenedFrom} s to ${scan.interval} s to keep the report within ${scan.intervals} intervals.`,
    );
  }
  if (notStored !== null && notStored > 0)
    notes.push(
      `${notStored} results were received by the HQ but not stored (the results file refused them): they are in no figure of this report.`,
    );
  if (scan.outsideTotal > 0)
    notes.push(
      `${scan.outsideTotal} results have an epoch more than ${tolerance} s outside the run (HQ clock) — ${outsideList(scan)}: those turrets' clocks are wrong. They are stored and in the whole-run statistics, but in no interval.`,
    );
  if (scan.invalidRows > 0)
    notes.push(
      `${scan.invalidRows} results have no numeric epoch or scriptrun_time; they are counted but not in the statistics.`,
    );
  if (scan.badCustomTimers > 0)
    notes.push(`${scan.badCustomTimers} custom timer values or objects could not be read as numbers.`);
  if (scan.droppedTimerValues > 0)
    notes.push(
      `${scan.droppedTimerValues} custom timer values were not charted: more than the report's limit of timer names.`,
    );
  if (scan.otherTurretResults > 0)
    notes.push(`${scan.otherTurretResults} results name turrets beyond the report's limit of turret names.`);
  if (input.layout === 'oct-legacy')
    notes.push('Results file in the original OCT layout: no run, accounting or reject tables.');
  const turrets: TurretSummary[] = input.turrets.map((t) => ({
    ...t,
    results_in_file: scan.perTurret.get(t.name) ?? 0,
    dead: DEAD.has((t.status ?? '').toLowerCase()),
    missing:
      t.results_sent !== null ? t.results_sent - (t.results_stored ?? scan.perTurret.get(t.name) ?? 0) : null,
    results_outside_window: scan.window === null ? null : (scan.outside.get(t.name)?.count ?? 0),
    outside_window_first: scan.outside.get(t.name)?.first ?? null,
    outside_window_last: scan.outside.get(t.name)?.last ?? null,
    setup_failures: scan.setupFailuresPerTurret.get(t.name) ?? 0,
  }));
  const abandoned = turrets.reduce((n, t) => n + (t.canons_abandoned ?? 0), 0);
  if (abandoned > 0)
    notes.push(
      `${abandoned} canons were abandoned after the stop grace time (${turrets
        .filter((t) => (t.canons_abandoned ?? 0) > 0)
        .map((t) => `${t.name}: ${t.canons_abandoned}`)
        .join(
          ', ',
        )}): their transactions were still running, and their results are in no figure of this report.`,
    );
  if (scan.setupFailures > 0)
    notes.push(
      `${scan.setupFailures} results report a failed setup, not a transaction: they are counted apart (setup failures) and are in no statistic.`,
    );
  for (const t of turrets)
    if (t.missing !== null && t.missing < 0)
      notes.push(
        `${-t.missing} more results are stored in the name of turret ${t.name} than it says it sent: they came from elsewhere under its uuid and name (forged, spec 7.5), or its count is wrong.`,
      );
  const quarantined = input.quarantined?.total ?? 0;
  if (quarantined > 0)
    notes.push(
      `${quarantined} results were kept aside (quarantine table): they named a turret no status announced, or not the name their uuid announced (spec 7.3). They are in no figure of this report.`,
    );
  const series: SeriesReport[] = [scan.all, ...scan.timers].map((s, i) => ({
    stats: i === 0 ? all : statsOf(s, span),
    intervals: intervalsOf(s, scan),
  }));
  const summary: RunSummary = {
    transactions: scan.rows - scan.setupFailures,
    errors: scan.all.errors,
    error_rate: scan.all.count > 0 ? scan.all.errors / scan.all.count : 0,
    started_at: startedAt,
    finished_at: finishedAt,
    format: 'oct-report-summary/1',
    generator: input.generator,
    results_file: input.resultsFile,
    layout: input.layout,
    project: run?.project ?? null,
    outcome: run?.outcome ?? null,
    hq_version: run?.hq_version ?? null,
    run_time: run?.run_time ?? null,
    duration: startedAt !== null && finishedAt !== null ? finishedAt - startedAt : null,
    first_result_at: scan.firstEpoch,
    last_result_at: scan.lastEpoch,
    interval: scan.interval,
    interval_requested: scan.widenedFrom,
    precision: {
      unit: 'second',
      resolution: 1e-6,
      significant_digits: OVERALL_DIGITS,
      interval_significant_digits: INTERVAL_DIGITS,
      method:
        'min, max, avg and stdev are exact; percentiles come from log-linear (HdrHistogram-layout) histograms of microsecond values',
    },
    invalid_results: scan.invalidRows,
    clock_window:
      scan.window === null
        ? null
        : {
            from: scan.window.from,
            to: Number.isFinite(scan.window.to) ? scan.window.to : null,
            tolerance,
          },
    results_outside_window: scan.window === null ? null : scan.outsideTotal,
    results_not_stored: notStored,
    all,
    timers: series.slice(1).map((s) => s.stats),
    turrets,
    unattributed_results: scan.perTurret.get(null) ?? 0,
    setup_failures: scan.setupFailures,
    setup_failure_messages: scan.setupErrorMessages.slice(0, 100),
    canons_abandoned: abandoned,
    rejects: input.rejects,
    quarantined: input.quarantined ?? null,
    distinct_error_messages: scan.errorMessages.length,
    error_messages: scan.errorMessages.slice(0, 100),
    notes,
    thresholds: judgeThresholds(input.thresholds ?? [], thresholdSource(scan, span)),
  };
  return { summary, series, otherErrorMessages: scan.otherErrorMessages };
}

/** What thresholds are judged on: the scan's whole-run accumulators (exact counts, its histograms). */
function thresholdSource(scan: ScanResult, span: number | null): ThresholdSource {
  return {
    all: scan.all.whole,
    timer: (name) => {
      const t = scan.timers.find((x) => x.name === name);
      return t === undefined || t.count === 0 ? undefined : t.whole;
    },
    span,
  };
}
