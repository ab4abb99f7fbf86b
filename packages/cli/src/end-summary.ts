/**
 * The end-of-run summary on the terminal, in the manner of k6's: per series (all transactions, then
 * each custom timer) count, rate, error %, min / avg / p50 / p90 / p95 / p99 / max; the most frequent
 * error messages with their counts; the thresholds' verdicts (✓ / ✗). Read from the reporter's
 * summary (the figures of report.html and summary.json), never recomputed. Colour only on a terminal.
 */
import type { ThresholdVerdict, RunSummary as ReportSummary, TimerStats } from '@oct/reporter';

/** Error messages listed (the report and summary.json have up to 100). */
const TOP_ERRORS = 5;
/** Longest error message shown (cut with an ellipsis). */
const ERROR_WIDTH = 100;

/** `12.3ms`, `1.23s`, `–`. */
export function fmtDur(v: number | null): string {
  if (v === null) return '–';
  if (v < 1) {
    const ms = v * 1000;
    return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)}ms`;
  }
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)}s`;
}

function pad(s: string, width: number, left = false): string {
  const n = [...s].length;
  if (n >= width) return s;
  return left ? s + ' '.repeat(width - n) : ' '.repeat(width - n) + s;
}

interface Colours {
  ok: (s: string) => string;
  bad: (s: string) => string;
  dim: (s: string) => string;
}

const plain: Colours = { ok: (s) => s, bad: (s) => s, dim: (s) => s };
const ansi: Colours = {
  ok: (s) => `\u001b[32m${s}\u001b[0m`,
  bad: (s) => `\u001b[31m${s}\u001b[0m`,
  dim: (s) => `\u001b[2m${s}\u001b[0m`,
};

/** The verdict lines alone (also used when the reporter did not run). */
export function verdictLines(verdicts: readonly ThresholdVerdict[], colour: boolean): string[] {
  if (verdicts.length === 0) return [];
  const c = colour ? ansi : plain;
  const failed = verdicts.filter((v) => !v.passed).length;
  const labels = verdicts.map((v) => `${v.metric} ${v.stat} ${v.bound}`);
  const width = Math.min(40, Math.max(...labels.map((l) => [...l].length)));
  return [
    failed === 0
      ? `thresholds: ${c.ok(`all ${verdicts.length} passed`)}`
      : `thresholds: ${c.bad(`${failed} of ${verdicts.length} failed`)}`,
    ...verdicts.map(
      (v, i) =>
        `  ${v.passed ? c.ok('✓') : c.bad('✗')} ${pad(labels[i]!, width, true)}  ${v.passed ? v.message : c.bad(v.message)}`,
    ),
  ];
}

/** The summary's lines. */
export function endSummaryLines(s: ReportSummary, colour: boolean): string[] {
  const c = colour ? ansi : plain;
  const head = ['count', 'rate/s', 'errors', 'min', 'avg', 'p50', 'p90', 'p95', 'p99', 'max'];
  const series: [string, TimerStats][] = [
    ['transactions', s.all],
    ...s.timers.map((t): [string, TimerStats] => [`  ${t.name}`, t]),
  ];
  const rows = series.map(([name, t]) => [
    name,
    String(t.count),
    t.rate === null ? '–' : t.rate.toFixed(t.rate < 10 ? 2 : 1),
    t.error_rate === null ? '–' : `${(t.error_rate * 100).toFixed(2)}%`,
    ...[t.min, t.avg, t.p50, t.p90, t.p95, t.p99, t.max].map(fmtDur),
  ]);
  const nameWidth = Math.min(32, Math.max(12, ...rows.map((r) => [...r[0]!].length)));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i + 1]!.length)));
  const line = (cells: string[]): string =>
    `${pad(cells[0]!.slice(0, nameWidth), nameWidth, true)}  ${cells
      .slice(1)
      .map((cell, i) => pad(cell, widths[i]!))
      .join('  ')}`.trimEnd();
  const out = [c.dim(line(['', ...head])), ...rows.map(line)];
  if (s.timers.length > 0) out.push(c.dim("(a timer's errors: failed transactions that set it)"));
  if (s.error_messages.length > 0) {
    const shown = s.error_messages.slice(0, TOP_ERRORS);
    const width = Math.max(...shown.map((e) => String(e.count).length));
    out.push(
      `errors: ${s.distinct_error_messages} distinct message${s.distinct_error_messages === 1 ? '' : 's'}${s.distinct_error_messages > shown.length ? `, top ${shown.length}` : ''}`,
    );
    for (const e of shown) {
      const msg = e.message.replace(/\s+/g, ' ');
      out.push(
        `  ${pad(String(e.count), width)}  ${c.bad(msg.length > ERROR_WIDTH ? `${msg.slice(0, ERROR_WIDTH - 1)}…` : msg)}`,
      );
    }
  }
  if (s.setup_failures > 0) {
    // Failed setups are no transactions (spec 5.3.2): in no figure above, counted here.
    const shown = s.setup_failure_messages.slice(0, TOP_ERRORS);
    const width = Math.max(...shown.map((e) => String(e.count).length));
    out.push(`setup failures: ${s.setup_failures} (no transaction ran; in no figure above)`);
    for (const e of shown) {
      const msg = e.message.replace(/\s+/g, ' ');
      out.push(
        `  ${pad(String(e.count), width)}  ${c.bad(msg.length > ERROR_WIDTH ? `${msg.slice(0, ERROR_WIDTH - 1)}…` : msg)}`,
      );
    }
  }
  out.push(...verdictLines(s.thresholds, colour));
  return out;
}
