/**
 * @oct/reporter: results store -> report.html, summary.json, CSV.
 * PUBLIC CONTRACT (the cli calls these); the implementation is being written.
 */
export interface RunSummary {
  transactions: number;
  errors: number;
  error_rate: number;
  started_at: number | null;
  finished_at: number | null;
  [k: string]: unknown;
}

export interface ReportOptions {
  /** The results SQLite file (OCT's original format or ours). */
  dbPath: string;
  /** Directory where report.html and summary.json are written. */
  outDir: string;
  /** Time-series interval in seconds; default: the run's results_ts_interval, else 1. */
  intervalSeconds?: number;
}

export interface ReportFiles {
  htmlPath: string;
  summaryPath: string;
  summary: RunSummary;
}

export async function writeReport(_options: ReportOptions): Promise<ReportFiles> {
  throw new Error('@oct/reporter: writeReport is not implemented yet');
}

export async function resultsToCsv(
  _dbPath: string,
  _outPath: string,
  _options: { delimiter?: string } = {},
): Promise<{ rows: number }> {
  throw new Error('@oct/reporter: resultsToCsv is not implemented yet');
}
