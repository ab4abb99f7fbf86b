/** writeReport: results file -> report.html + summary.json. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { scanResults } from './aggregate.js';
import { renderHtml } from './html.js';
import { buildModel, type RunSummary } from './model.js';
import { openResultsFile, readRejects, readRun, readTurrets, ReportError } from './store.js';

/** Options of writeReport. */
export interface ReportOptions {
  /** The results SQLite file (OCT's original format or ours). */
  dbPath: string;
  /** Directory where report.html and summary.json are written. */
  outDir: string;
  /** Time-series interval in seconds; default: the run's results_ts_interval, else 1. */
  intervalSeconds?: number;
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

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * Reads the results file once (streaming: memory grows with intervals x custom timers, not with
 * results) and writes outDir/report.html and outDir/summary.json.
 */
export async function writeReport(options: ReportOptions): Promise<ReportFiles> {
  const { dbPath, outDir } = options;
  if (
    options.intervalSeconds !== undefined &&
    !(options.intervalSeconds > 0 && Number.isFinite(options.intervalSeconds))
  ) {
    throw new ReportError(
      `time-series interval must be a positive number of seconds, got ${options.intervalSeconds}`,
    );
  }
  const file = openResultsFile(dbPath);
  let summary: RunSummary;
  let html: string;
  try {
    const run = readRun(file);
    const interval =
      options.intervalSeconds ??
      (run?.results_ts_interval && run.results_ts_interval > 0 ? run.results_ts_interval : 1);
    const scan = await scanResults(file, interval, run?.started_at ?? null);
    const model = buildModel({
      scan,
      run,
      turrets: readTurrets(file),
      rejects: readRejects(file),
      resultsFile: basename(dbPath),
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
  writeAtomic(htmlPath, html);
  writeAtomic(summaryPath, JSON.stringify(summary, null, 2) + '\n');
  return { htmlPath, summaryPath, summary };
}
