/**
 * Thresholds in the report: which to judge (given, or the run's stored config), and their section at
 * the top of report.html. Judging itself is @oct/protocol's (shared with the HQ's live judging).
 */
import { readFileSync } from 'node:fs';
import { checkThresholds, type Threshold, type ThresholdVerdict } from '@oct/protocol';
import { esc } from './format.js';
import { ReportError, type ResultsFile } from './store.js';

/** Thresholds as written in a config, and the file that says so (for messages). */
export interface ThresholdsInput {
  value: unknown;
  source: string;
}

/**
 * The `thresholds` of the project config at `configPath`, or undefined when it has none (the run's
 * own stored config then applies). The file was read and parsed by the caller before; errors here
 * are one line naming it.
 */
export function thresholdsFromConfig(configPath: string): ThresholdsInput | undefined {
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch (err) {
    throw new ReportError(`${configPath}: cannot read config: ${(err as Error).message}`);
  }
  const value = (config as Record<string, unknown> | null)?.thresholds;
  return value === undefined ? undefined : { value, source: configPath };
}

/**
 * The thresholds to judge: those given, else those of the config stored with the run (config_json of
 * the run table; none in files of the original OCT). A threshold that is not valid is the user's to fix.
 */
export function readThresholds(
  file: ResultsFile,
  given: ThresholdsInput | undefined,
  resultsFile: string,
): Threshold[] {
  let value: unknown = given?.value;
  let source = given?.source ?? '';
  if (given === undefined) {
    if (file.tables.get('run')?.has('config_json') !== true) return [];
    const row = file.db.prepare('SELECT config_json FROM run ORDER BY rowid LIMIT 1').get() as
      { config_json: unknown } | undefined;
    if (typeof row?.config_json !== 'string') return [];
    try {
      value = (JSON.parse(row.config_json) as Record<string, unknown> | null)?.thresholds;
    } catch {
      return [];
    }
    source = `${resultsFile} (the run's config)`;
  }
  const checked = checkThresholds(value, source);
  if (!checked.ok) throw new ReportError(checked.errors.join('\n'));
  return checked.thresholds;
}

/** Up to 6 significant digits. */
function show(v: number | null): string {
  if (v === null) return '–';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/** The thresholds section (first in the page); empty when the run has none. */
export function thresholdsSection(verdicts: readonly ThresholdVerdict[]): string {
  if (verdicts.length === 0) return '';
  const failed = verdicts.filter((v) => !v.passed).length;
  const head = failed
    ? `<p class="alert bad" data-testid="thresholds-failed">✗ ${failed} of ${verdicts.length} thresholds failed</p>`
    : `<p class="alert ok-text" data-testid="thresholds-passed">✓ all ${verdicts.length} thresholds passed</p>`;
  const rows = verdicts
    .map(
      (v) =>
        `<tr class="${v.passed ? '' : 'dead'}" data-testid="threshold" data-passed="${v.passed}"><td>${v.passed ? '<span class="badge ok">✓ pass</span>' : '<span class="badge bad">✗ fail</span>'}</td><td class="mono">${esc(v.metric)}</td><td class="mono">${esc(v.stat)}</td><td class="mono">${esc(v.bound)}</td><td class="num" data-value="${v.actual ?? ''}">${show(v.actual)}</td><td>${esc(v.message)}${v.abort_on_fail ? ' <small>(abort_on_fail)</small>' : ''}</td></tr>`,
    )
    .join('');
  return `<section id="thresholds"><h2>Thresholds</h2>
${head}<div class="table-wrap"><table class="thresholds"><thead><tr><th>Verdict</th><th>Metric</th><th>Stat</th><th>Bound</th><th class="num">Actual</th><th>Message</th></tr></thead>
<tbody>${rows}</tbody></table></div>
<p class="muted"><small>Durations in seconds. Judged over every stored result of every turret; percentiles from the whole-run histograms (3 significant digits: at most 0.1 % above the exact value, exact to the microsecond below 2 ms).</small></p>
</section>`;
}
