/**
 * @oct/reporter: results store -> report.html, summary.json, CSV; rebuild from OCT's results files.
 * This is the curated public entry (the cli calls these); adding to it is a decision.
 */
import { writeResultsCsv, type CsvOptions } from './csv.js';
import { copyPgRun, isPgUri, maskUri } from './pg-run.js';
import { ReportError } from './store.js';

export { writeReport, type ReportOptions, type ReportFiles } from './report.js';
export { rebuildReport, intervalFromConfig, type RebuildOptions } from './rebuild.js';
export { ReportError } from './store.js';
export type { RunSummary, TimerStats, IntervalRow, TurretSummary } from './model.js';
export type { ThresholdVerdict } from '@oct/protocol';
export type { CsvOptions } from './csv.js';

/**
 * Writes the result table of `dbPath` to `outPath` as CSV (header + one row per result, streamed);
 * `dbPath` may be a postgresql:// URL, with `options.run` naming the run.
 */
export async function resultsToCsv(
  dbPath: string,
  outPath: string,
  options: CsvOptions & { run?: string } = {},
): Promise<{ rows: number }> {
  if (!isPgUri(dbPath)) return writeResultsCsv(dbPath, outPath, options);
  if (options.run === undefined)
    throw new ReportError(`${maskUri(dbPath)}: which run? Name it (oct: --run <id>)`);
  const copy = await copyPgRun(dbPath, options.run);
  try {
    return await writeResultsCsv(copy.dbPath, outPath, options);
  } finally {
    copy.remove();
  }
}
