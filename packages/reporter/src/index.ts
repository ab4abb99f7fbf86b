/**
 * @oct/reporter: results store -> report.html, summary.json, CSV; rebuild from OCT's results files.
 * This is the curated public entry (the cli calls these); adding to it is a decision.
 */
import { writeResultsCsv, type CsvOptions } from './csv.js';

export { writeReport, type ReportOptions, type ReportFiles } from './report.js';
export { rebuildReport, intervalFromConfig, type RebuildOptions } from './rebuild.js';
export { ReportError } from './store.js';
export type { RunSummary, TimerStats, IntervalRow, TurretSummary } from './model.js';
export type { CsvOptions } from './csv.js';

/** Writes the result table of `dbPath` to `outPath` as CSV (header + one row per result, streamed). */
export async function resultsToCsv(
  dbPath: string,
  outPath: string,
  options: CsvOptions = {},
): Promise<{ rows: number }> {
  return writeResultsCsv(dbPath, outPath, options);
}
