/** writeReport: results file -> report.html + summary.json. */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CLOCK_TOLERANCE_SECONDS, clockWindow, scanResults } from './aggregate.js';
import { renderHtml } from './html.js';
import { buildModel, type RunSummary } from './model.js';
import { copyPgRun, isPgUri, maskUri } from './pg-run.js';
import { openResultsFile, readQuarantine, readRejects, readRun, readTurrets, ReportError } from './store.js';
import { readThresholds, type ThresholdsInput } from './thresholds.js';

/** Options of writeReport. */
export interface ReportOptions {
  /** The results SQLite file (OCT's original format or ours), or a postgresql:// URL with `run`. */
  dbPath: string;
  /** With a PostgreSQL dbPath: the run to report (its id in the run table, or its run_uuid). */
  run?: string;
  /** Directory where report.html and summary.json are written. */
  outDir: string;
  /** Time-series interval in seconds; default: the run's results_ts_interval, else 1. */
  intervalSeconds?: number;
  /**
   * Results whose epoch lies more than this many seconds before the run's start or after its end
   * (the run table's times, the HQ's clock) are flagged per turret and placed in no interval.
   * Default CLOCK_TOLERANCE_SECONDS (60).
   */
  clockToleranceSeconds?: number;
  /** Results the HQ received but did not store (its run summary's `notStored`): the file cannot say. */
  resultsNotStored?: number;
  /**
   * The thresholds to judge (config.json's `thresholds`, as written) and the file that says so, for
   * messages. Default: those of the config the run was started with (the run table's config_json).
   */
  thresholds?: ThresholdsInput;
}

/** What writeReport wrote. */
export interface ReportFiles {
  htmlPath: string;
  summaryPath: string;
  summary: RunSummary;
}

let generator: string | undefined;

/** "@oct/reporter <version>", read from this package's package.json. */
export function generatorName(): string {
  if (generator === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      name: string;
      version: string;
    };
    generator = `${pkg.name} ${pkg.version}`;
  }
  return generator;
}

/**
 * Writes every file or none: each goes to a temporary file first, and the temporary files are
 * renamed over the real names only once all are written. On failure (a full disk) they are removed
 * and the error is thrown, naming the file, with its `code` (ENOSPC, ...).
 */
function writeAllOrNone(files: [path: string, text: string][]): void {
  const tmps: string[] = [];
  try {
    for (const [path, text] of files) {
      const tmp = `${path}.${process.pid}.tmp`;
      tmps.push(tmp);
      try {
        writeFileSync(tmp, text);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw Object.assign(new Error(`cannot write ${path}: ${err.message}`), { code: err.code });
      }
    }
    files.forEach(([path], i) => renameSync(tmps[i]!, path));
  } catch (e) {
    for (const tmp of tmps) rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Reads the results file once (streaming: memory grows with intervals x custom timers, not with
 * results) and writes outDir/report.html and outDir/summary.json.
 */
export async function writeReport(options: ReportOptions): Promise<ReportFiles> {
  if (!isPgUri(options.dbPath)) return writeReportFrom(options, basename(options.dbPath));
  if (options.run === undefined)
    throw new ReportError(`${maskUri(options.dbPath)}: which run? Name it (oct: --run <id>)`);
  const copy = await copyPgRun(options.dbPath, options.run);
  try {
    return await writeReportFrom({ ...options, dbPath: copy.dbPath }, copy.name);
  } finally {
    copy.remove();
  }
}

/** writeReport from a SQLite file; `resultsFile` is what summary.json calls it. */
async function writeReportFrom(options: ReportOptions, resultsFile: string): Promise<ReportFiles> {
  const { dbPath, outDir } = options;
  if (
    options.intervalSeconds !== undefined &&
    !(options.intervalSeconds > 0 && Number.isFinite(options.intervalSeconds))
  ) {
    throw new ReportError(
      `time-series interval must be a positive number of seconds, got ${options.intervalSeconds}`,
    );
  }
  const tolerance = options.clockToleranceSeconds ?? CLOCK_TOLERANCE_SECONDS;
  if (!(tolerance >= 0 && Number.isFinite(tolerance))) {
    throw new ReportError(`clock tolerance must be a number of seconds >= 0, got ${tolerance}`);
  }
  const file = openResultsFile(dbPath);
  let summary: RunSummary;
  let html: string;
  try {
    const run = readRun(file);
    const interval =
      options.intervalSeconds ??
      (run?.results_ts_interval && run.results_ts_interval > 0 ? run.results_ts_interval : 1);
    const scan = await scanResults(file, interval, run?.started_at ?? null, {
      window: clockWindow(run, tolerance),
    });
    const thresholds = readThresholds(file, options.thresholds, resultsFile);
    const model = buildModel({
      thresholds,
      clockTolerance: tolerance,
      resultsNotStored: options.resultsNotStored ?? null,
      scan,
      run,
      turrets: readTurrets(file),
      rejects: readRejects(file),
      quarantined: readQuarantine(file),
      resultsFile,
      layout: file.layout,
      generator: generatorName(),
    });
    summary = model.summary;
    html = renderHtml(model, new Date());
  } finally {
    file.db.close();
  }
  mkdirSync(outDir, { recursive: true });
  const htmlPath = join(outDir, 'report.html');
  const summaryPath = join(outDir, 'summary.json');
  writeAllOrNone([
    [htmlPath, html],
    [summaryPath, JSON.stringify(summary, null, 2) + '\n'],
  ]);
  return { htmlPath, summaryPath, summary };
}
