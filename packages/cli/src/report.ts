/**
 * The report step: @oct/reporter writes report.html and summary.json beside results.sqlite. While
 * the reporter cannot (it throws), the HQ's own summary is written as summary.json and printed, so a
 * run always ends with a summary.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '@oct/hq';

export interface ReportOutcome {
  htmlPath: string | null;
  summaryPath: string;
  /** Why the reporter failed, when it did. */
  error: string | null;
}

/** Writes the report for a finished run. Never throws. */
export async function reportRun(summary: RunSummary, intervalSeconds: number): Promise<ReportOutcome> {
  try {
    const reporter = await import('@oct/reporter');
    const files = await reporter.writeReport({
      dbPath: summary.dbPath,
      outDir: summary.resultsDir,
      intervalSeconds,
    });
    return { htmlPath: files.htmlPath, summaryPath: files.summaryPath, error: null };
  } catch (e) {
    const summaryPath = join(summary.resultsDir, 'summary.json');
    writeFileSync(summaryPath, `${JSON.stringify(hqSummary(summary), null, 2)}\n`);
    return { htmlPath: null, summaryPath, error: (e as Error).message };
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
    rejects: s.rejects,
    turrets: s.turrets.map((t) => ({
      name: t.name,
      uuid: t.uuid,
      status: t.status,
      canons: t.canons,
      protocol: t.protocol,
      results_sent: t.resultsSent,
      results_stored: t.resultsStored,
    })),
    source: 'hq (the reporter did not run)',
  };
}
