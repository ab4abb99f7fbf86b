/** rebuildReport: the original OCT's `rebuild-results` (a results directory + optional project config). */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ReportFiles, writeReport } from './report.js';
import { ReportError } from './store.js';
import { thresholdsFromConfig } from './thresholds.js';

/** Options of rebuildReport. */
export interface RebuildOptions {
  /** Project config (config.json) whose results_ts_interval sets the time-series interval. */
  configPath?: string;
  /**
   * The results file: a path relative to the directory (default "results.sqlite"), or absolute (it may
   * lie elsewhere: the report is still written into the directory).
   */
  dbFile?: string;
  /** Overrides the config's interval. */
  intervalSeconds?: number;
  /** Read the run from this PostgreSQL database (postgresql://...) instead; `resultsDir` receives the report. */
  db?: string;
  /** With `db`: the run (its id in the run table, or its run_uuid). */
  run?: string;
}

/** The results_ts_interval of a project config, or undefined when it does not set one. */
export function intervalFromConfig(configPath: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (err) {
    throw new ReportError(`${configPath}: cannot read config: ${(err as Error).message}`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (err) {
    throw new ReportError(`${configPath}: not valid JSON: ${(err as Error).message}`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ReportError(`${configPath}: a project config must be a JSON object`);
  }
  const raw = (config as Record<string, unknown>).results_ts_interval;
  if (raw === undefined || raw === null) return undefined;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ReportError(
      `${configPath}: results_ts_interval must be a positive number of seconds, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/** Writes report.html and summary.json into `resultsDir` from the results file in it. */
export async function rebuildReport(resultsDir: string, options: RebuildOptions = {}): Promise<ReportFiles> {
  if (options.db !== undefined) {
    const intervalSeconds =
      options.intervalSeconds ??
      (options.configPath !== undefined ? intervalFromConfig(options.configPath) : undefined);
    mkdirSync(resultsDir, { recursive: true });
    return writeReport({
      dbPath: options.db,
      run: options.run,
      outDir: resultsDir,
      ...(intervalSeconds !== undefined ? { intervalSeconds } : {}),
      thresholds: options.configPath !== undefined ? thresholdsFromConfig(options.configPath) : undefined,
    });
  }
  if (!existsSync(resultsDir) || !statSync(resultsDir).isDirectory()) {
    throw new ReportError(`${resultsDir}: results directory not found`);
  }
  const dbPath = resolve(resultsDir, options.dbFile ?? 'results.sqlite');
  const intervalSeconds =
    options.intervalSeconds ??
    (options.configPath !== undefined ? intervalFromConfig(options.configPath) : undefined);
  return writeReport({
    dbPath,
    outDir: resultsDir,
    ...(intervalSeconds !== undefined ? { intervalSeconds } : {}),
    // The config's thresholds, when it has some; else those of the config the run was started with.
    thresholds: options.configPath !== undefined ? thresholdsFromConfig(options.configPath) : undefined,
  });
}
