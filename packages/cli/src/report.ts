/**
 * The report step: @oct/reporter writes report.html and summary.json beside results.sqlite. While
 * the reporter cannot (it throws), the HQ's own summary is written as summary.json, so a run ends
 * with a summary whenever there is room for one. Files are written whole or not at all: a full disk
 * leaves no empty or temporary file behind.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '@oct/hq';
import type { RunSummary as ReportSummary } from '@oct/reporter';

/** Error codes of a write refused for lack of room or of permission: not a bug (exit 5). */
const STORAGE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EROFS', 'EACCES', 'EPERM', 'EIO']);

/** Whether `e` is a filesystem's refusal to write (a full disk, a read-only mount...). */
export function isStorageError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && STORAGE_CODES.has(code);
}

export interface ReportOutcome {
  htmlPath: string | null;
  /** Where summary.json was written; null when not even the HQ's summary could be. */
  summaryPath: string | null;
  /** The reporter's summary, when it wrote the report. */
  summary: ReportSummary | null;
  /** Why the reporter failed, when it did. */
  error: string | null;
  /** A write was refused for lack of room or permission (`oct run` then exits 5). */
  storage: boolean;
}

/** Writes the report for a finished run. Never throws. */
export async function reportRun(
  summary: RunSummary,
  intervalSeconds: number,
  /** The thresholds to judge (config.json's, as run) and the file that says so. */
  thresholds?: { value: unknown; source: string },
): Promise<ReportOutcome> {
  let error: string;
  let storage: boolean;
  try {
    const reporter = await import('@oct/reporter');
    const files = await reporter.writeReport({
      dbPath: summary.dbPath,
      run: summary.runId, // PostgreSQL: the run among the database's runs
      outDir: summary.resultsDir,
      intervalSeconds,
      resultsNotStored: summary.notStored,
      ...(thresholds !== undefined ? { thresholds } : {}),
    });
    return {
      htmlPath: files.htmlPath,
      summaryPath: files.summaryPath,
      summary: files.summary,
      error: null,
      storage: false,
    };
  } catch (e) {
    error = (e as Error).message;
    storage = isStorageError(e);
  }
  const summaryPath = join(summary.resultsDir, 'summary.json');
  try {
    writeWhole(summaryPath, `${JSON.stringify(hqSummary(summary), null, 2)}\n`);
    return { htmlPath: null, summaryPath, summary: null, error, storage };
  } catch (e) {
    return { htmlPath: null, summaryPath: null, summary: null, error, storage: storage || isStorageError(e) };
  }
}

/** Writes `text` to a temporary file renamed to `path`; on failure removes it and throws. */
function writeWhole(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The HQ's summary in the reporter's summary.json shape (transactions, errors, error_rate, times). */
export function hqSummary(s: RunSummary): Record<string, unknown> {
  return {
    transactions: s.transactions,
    errors: s.errors,
    error_rate: s.transactions ? s.errors / s.transactions : 0,
    started_at: s.startedAt,
    finished_at: s.finishedAt,
    stopped_at: s.stoppedAt,
    outcome: s.outcome,
    unattributed: s.unattributed,
    results_not_stored: s.notStored,
    rejects: s.rejects,
    quarantined: { total: s.quarantined, top: [] },
    turrets: s.turrets.map((t) => ({
      name: t.name,
      uuid: t.uuid,
      status: t.status,
      canons: t.canons,
      protocol: t.protocol,
      results_sent: t.resultsSent,
      results_stored: t.resultsStored,
      curve_key: t.curveKey,
      canons_abandoned: t.canonsAbandoned,
    })),
    setup_failures: s.setupFailures,
    thresholds: s.thresholds,
    source: 'hq (the reporter did not run)',
  };
}

/** "2100-01-01 00:00:00 UTC" (or the number, for an epoch no Date can hold). */
function utc(epoch: number | null): string {
  if (epoch === null) return '?';
  const d = new Date(epoch * 1000);
  return Number.isFinite(d.getTime())
    ? `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`
    : `epoch ${epoch}`;
}

/**
 * One WARNING line per turret whose results lie far outside the run on the HQ's clock (its clock is
 * wrong), from the report's summary, so the console says what the report says.
 */
export function clockWarnings(r: ReportSummary): string[] {
  const w = r.clock_window;
  const total = r.results_outside_window ?? 0;
  if (w === null || total === 0) return [];
  const lines: string[] = [];
  let named = 0;
  for (const t of r.turrets) {
    const n = t.results_outside_window ?? 0;
    if (n === 0) continue;
    named += n;
    const span =
      t.outside_window_first === t.outside_window_last
        ? utc(t.outside_window_first)
        : `${utc(t.outside_window_first)} to ${utc(t.outside_window_last)}`;
    lines.push(
      `WARNING: turret ${t.name}${t.uuid ? ` (${t.uuid})` : ''}: ${n} results with an epoch more than ${w.tolerance} s outside the run (${span}): its clock is wrong; stored, but placed in no interval of the report`,
    );
  }
  if (total > named)
    lines.push(
      `WARNING: ${total - named} results without a turret name (or from turrets not in the turret table) have an epoch more than ${w.tolerance} s outside the run: stored, but placed in no interval of the report`,
    );
  return lines;
}
