/**
 * Renders the report model as one self-contained HTML page: numbers are server-rendered tables (they
 * read without JavaScript and print), charts are drawn in the browser by the inlined uPlot from a JSON
 * island. A Content-Security-Policy forbids every fetch, so the page works offline and cannot call out.
 */
import { chartAssets } from './assets.js';
import { esc, fmtDuration, fmtInt, fmtMs, fmtPct, fmtRate, fmtTime } from './format.js';
import type { IntervalRow, ReportModel, SeriesReport, TimerStats, TurretSummary } from './model.js';
import { CLIENT_JS, STYLE } from './page-assets.js';
import { thresholdsSection } from './thresholds.js';

/** Per-interval rows shown open; longer tables scroll. */
const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'";

function msCell(v: number | null): string {
  return `<td class="num" data-value="${v ?? ''}">${fmtMs(v)}</td>`;
}

function intCell(v: number, cls = ''): string {
  return `<td class="num${cls}" data-value="${v}">${fmtInt(v)}</td>`;
}

function statusBadge(status: string | null, dead: boolean): string {
  const s = (status ?? 'unknown').toLowerCase();
  const cls = dead ? 'bad' : s === 'running' || s === 'ready' ? 'ok' : 'neutral';
  return `<span class="badge ${cls}">${dead ? '⚠ ' : ''}${esc(status ?? 'unknown')}</span>`;
}

function outcomeBadge(outcome: string | null): string {
  if (outcome === null) return '';
  const cls = outcome === 'completed' ? 'ok' : outcome === 'interrupted' ? 'warn' : 'bad';
  return `<span class="badge ${cls}" data-testid="outcome">${esc(outcome.replaceAll('_', ' '))}</span>`;
}

function card(label: string, value: string, testid: string, extra = '', tone = ''): string {
  return `<div class="card ${tone}"><div class="label">${esc(label)}</div><div class="value" data-testid="${testid}"${extra}>${value}</div></div>`;
}

/**
 * The errors column: for a custom timer it counts the values that failed transactions recorded
 * (whichever step failed), not failures of the timer's own step (footer legend).
 */
function errorsHead(timer: boolean): string {
  return timer
    ? '<th class="num" title="values recorded by transactions that failed, whichever step failed">In failed tx <sup>†</sup></th>'
    : '<th class="num">Errors</th>';
}

function statsTable(s: TimerStats, id: string, timer: boolean): string {
  const head = ['Count', 'Errors', 'Min', 'Avg', 'p50', 'p80', 'p90', 'p95', 'p99', 'Max', 'Stdev'];
  return `<div class="table-wrap"><table class="stats" id="${id}-stats">
<thead><tr>${head.map((h, i) => (i === 1 ? errorsHead(timer) : `<th class="num">${h}${i >= 2 ? ' <small>ms</small>' : ''}</th>`)).join('')}</tr></thead>
<tbody><tr>${intCell(s.count)}${intCell(s.errors, s.errors > 0 ? ' err' : '')}${[
    s.min,
    s.avg,
    s.p50,
    s.p80,
    s.p90,
    s.p95,
    s.p99,
    s.max,
    s.stdev,
  ]
    .map(msCell)
    .join('')}</tr></tbody></table></div>`;
}

function intervalTable(rows: IntervalRow[], id: string, t0: number, timer: boolean): string {
  const body = rows
    .map(
      (r) =>
        `<tr><td>${fmtTime(r.start)}</td><td class="num">+${fmtDuration(r.start - t0)}</td>${intCell(r.count)}<td class="num">${fmtRate(r.rate)}</td>${intCell(r.errors, r.errors > 0 ? ' err' : '')}${[r.avg, r.p50, r.p90, r.p95].map(msCell).join('')}</tr>`,
    )
    .join('\n');
  return `<details class="intervals"${rows.length <= 60 ? ' open' : ''}><summary>Interval details (${fmtInt(rows.length)} intervals)</summary>
<div class="table-wrap scroll"><table class="intervals" id="${id}-intervals">
<thead><tr><th>Interval start</th><th class="num">Elapsed</th><th class="num">Count</th><th class="num">Rate <small>/s</small></th>${errorsHead(timer)}<th class="num">Avg <small>ms</small></th><th class="num">p50 <small>ms</small></th><th class="num">p90 <small>ms</small></th><th class="num">p95 <small>ms</small></th></tr></thead>
<tbody>
${body}
</tbody></table></div></details>`;
}

function seriesSection(s: SeriesReport, index: number, t0: number): string {
  const id = `series-${index}`;
  const title = index === 0 ? 'All transactions' : `Custom timer: ${s.stats.name}`;
  const rate = s.stats.rate === null ? '' : ` · ${fmtRate(s.stats.rate)}/s on average`;
  return `<section class="series" id="${id}" data-series="${esc(s.stats.name)}">
<h2>${esc(title)}</h2>
<p class="sub">${fmtInt(s.stats.count)} values · ${fmtInt(s.stats.errors)} from failed transactions (${fmtPct(s.stats.error_rate)})${rate}</p>
${statsTable(s.stats, id, index > 0)}
<div class="charts">
<figure class="chart"><figcaption>Response time over time <small>(ms)</small></figcaption><div class="plot" data-kind="rt" data-series-index="${index}"></div></figure>
<figure class="chart"><figcaption>Throughput over time <small>(per second)</small></figcaption><div class="plot" data-kind="tp" data-series-index="${index}"></div></figure>
</div>
${intervalTable(s.intervals, id, t0, index > 0)}
</section>`;
}

/** "12 results, epochs 1970-01-01 00:00:01 UTC to ..." for a turret's results outside the clock window. */
function outsideText(count: number, first: number | null, last: number | null): string {
  const span =
    first === null ? '' : `${fmtTime(first)}${last !== null && last !== first ? ` to ${fmtTime(last)}` : ''}`;
  return `${fmtInt(count)} result${count === 1 ? '' : 's'}${span ? ` (epochs ${span})` : ''}`;
}

/** Missing results; a negative count is a surplus: more stored in the turret's name than it sent. */
function missingCell(missing: number): string {
  if (missing >= 0) return intCell(missing, missing !== 0 ? ' err' : ' okc');
  return `<td class="num err" data-testid="surplus" title="more results stored in its name than it sent: forged (spec 7.5) or a wrong count">+${fmtInt(-missing)} extra</td>`;
}

/** A firing window later than this after the run's start is flagged (a turret that missed the start). */
const LATE_FIRING_S = 1;

/**
 * The turret's own firing window, in seconds from the run's start (HQ clock), absolute times in the
 * title; flagged when it began more than LATE_FIRING_S after the start.
 */
function firingCell(t: TurretSummary, runStart: number | null): string {
  if (t.firing_from === null) return '<td class="muted" data-testid="firing">never fired</td>';
  const rel = (epoch: number | null): string =>
    epoch === null
      ? '…'
      : runStart === null
        ? fmtTime(epoch, true)
        : `${epoch >= runStart ? '+' : '−'}${fmtDuration(Math.abs(epoch - runStart))}`;
  const late = runStart !== null && t.firing_from - runStart > LATE_FIRING_S;
  const title = `from ${fmtTime(t.firing_from, true)} to ${t.firing_until === null ? 'the end' : fmtTime(t.firing_until, true)}${late ? ': it began firing late (it missed the start, spec 8.14)' : ''}`;
  return `<td class="mono" data-testid="firing" data-from="${t.firing_from}" data-until="${t.firing_until ?? ''}" title="${esc(title)}">${rel(t.firing_from)} to ${rel(t.firing_until)}${late ? ' <span class="badge warn" data-testid="late-flag">⚠ late</span>' : ''}</td>`;
}

function turretRow(
  t: TurretSummary,
  accounting: boolean,
  curve: boolean,
  firing: boolean,
  runStart: number | null,
): string {
  // The original OCT stored naive local datetimes: show them as stored rather than guess a zone.
  const when =
    t.updated_at_text !== null
      ? `${esc(t.updated_at_text)} <small class="muted">(as stored, zone not recorded)</small>`
      : fmtTime(t.updated_at);
  const acc = accounting
    ? t.results_sent === null
      ? '<td class="num muted">–</td><td class="num muted">–</td><td class="num muted">–</td>'
      : `${intCell(t.results_sent)}${intCell(t.results_stored ?? t.results_in_file)}${missingCell(t.missing ?? 0)}`
    : '';
  const clock =
    (t.results_outside_window ?? 0) > 0
      ? ` <span class="badge warn" data-testid="clock-flag" title="${esc(outsideText(t.results_outside_window ?? 0, t.outside_window_first, t.outside_window_last))} outside the run: wrong clock">⚠ clock</span>`
      : '';
  return `<tr class="${t.dead ? 'dead' : ''}"><td>${esc(t.name)}${clock}</td><td class="mono">${esc(t.uuid ?? '–')}</td><td class="num">${t.canons ?? '–'}</td><td class="mono">${esc(t.script ?? '–')}</td><td class="num">${t.rampup ?? '–'}</td><td>${statusBadge(t.status, t.dead)}</td><td>${when}</td>${firing ? firingCell(t, runStart) : ''}${intCell(t.results_in_file)}${acc}${curve ? `<td class="mono" data-testid="curve-key">${esc(t.curve_key ?? '–')}</td>` : ''}</tr>`;
}

function workload(model: ReportModel): string {
  const { turrets, unattributed_results } = model.summary;
  const accounting = turrets.some((t) => t.results_sent !== null);
  const dead = turrets.filter((t) => t.dead);
  // CURVE runs name the key each turret connected with (matched by name, spec 11).
  const curve = turrets.some((t) => t.curve_key !== null);
  // Files written before the HQ kept each turret's firing window (OCT 0.4's among them) have none.
  const firing = turrets.some((t) => t.firing_from !== null);
  const runStart = model.summary.started_at;
  const rows = turrets.map((t) => turretRow(t, accounting, curve, firing, runStart)).join('\n');
  const accHead = accounting
    ? '<th class="num">Sent</th><th class="num">Stored</th><th class="num">Missing</th>'
    : '';
  const deadNote =
    dead.length > 0
      ? `<p class="alert bad">⚠ ${dead.length} of ${turrets.length} turrets did not finish normally: ${dead.map((t) => `${esc(t.name)} (${esc(t.status)})`).join(', ')}.</p>`
      : '';
  const s = model.summary;
  const outsideTurrets = turrets.filter((t) => (t.results_outside_window ?? 0) > 0);
  const outsideHere = outsideTurrets.reduce((a, t) => a + (t.results_outside_window ?? 0), 0);
  const outsideOther = (s.results_outside_window ?? 0) - outsideHere;
  const clockNote =
    (s.results_outside_window ?? 0) > 0 && s.clock_window
      ? `<div class="alert warn" id="clock-alert"><p>⚠ <span data-testid="outside-window">${fmtInt(s.results_outside_window ?? 0)}</span> results have an epoch more than ${s.clock_window.tolerance} s outside the run (${fmtTime(s.clock_window.from + s.clock_window.tolerance)} to ${s.clock_window.to === null ? 'its end' : fmtTime(s.clock_window.to - s.clock_window.tolerance)}, the HQ's clock): the clocks of the turrets sending them are wrong. They are stored and in the whole-run statistics, but placed in no interval.</p><ul>${outsideTurrets
          .map(
            (t) =>
              `<li data-turret="${esc(t.name)}"><strong>${esc(t.name)}</strong>: ${outsideText(t.results_outside_window ?? 0, t.outside_window_first, t.outside_window_last)}</li>`,
          )
          .join(
            '',
          )}${outsideOther > 0 ? `<li>${fmtInt(outsideOther)} from results without a turret name or from turrets not in the turret table</li>` : ''}</ul></div>`
      : '';
  const unattributed =
    unattributed_results > 0
      ? `<p class="sub">${fmtInt(unattributed_results)} results carry no turret name (legacy canons send none) and are not counted per turret.</p>`
      : '';
  const table =
    turrets.length === 0
      ? '<p class="muted">The results file has no turret rows.</p>'
      : `<div class="table-wrap"><table id="turrets"><thead><tr><th>Turret</th><th>UUID</th><th class="num">Canons</th><th>Script</th><th class="num">Rampup <small>s</small></th><th>Last status</th><th>Status time</th>${firing ? '<th title="when the turret itself began and stopped firing for the run (its running status or first result; its first status no longer running, or its last result), from the run\'s start">Firing <small>from start</small></th>' : ''}<th class="num">Results in file</th>${accHead}${curve ? '<th title="the authorised CURVE key named like the turret that connected">CURVE key</th>' : ''}</tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
  return `<section id="workload"><h2>Workload</h2>${deadNote}${clockNote}${table}${unattributed}${
    accounting
      ? '<p class="sub">Sent: results the turret reports it sent (accounting extension); stored: results the HQ stored from it.</p>'
      : ''
  }</section>`;
}

function rejects(model: ReportModel): string {
  const r = model.summary.rejects;
  if (r === null) return '';
  if (r.total === 0) {
    return '<section id="rejects"><h2>Rejected frames</h2><p class="ok-text" data-testid="rejects">0 frames rejected: every frame received was a valid status or result.</p></section>';
  }
  const rows = r.top
    .map(
      (g) =>
        `<tr>${intCell(g.count)}<td class="mono">${esc(g.code)}</td><td>${esc(g.reason)}</td><td>${fmtTime(g.first)}</td><td>${fmtTime(g.last)}</td></tr>`,
    )
    .join('\n');
  return `<section id="rejects"><h2>Rejected frames</h2>
<p class="alert warn"><span data-testid="rejects">${fmtInt(r.total)}</span> frames were received but not stored as a status or result; they are kept in the reject table for diagnosis. Most frequent reasons:</p>
<div class="table-wrap"><table><thead><tr><th class="num">Frames</th><th>Code</th><th>Reason</th><th>First</th><th>Last</th></tr></thead><tbody>
${rows}
</tbody></table></div></section>`;
}

function quarantine(model: ReportModel): string {
  const q = model.summary.quarantined;
  if (q === null || q.total === 0) return '';
  const meaning: Record<string, string> = {
    unannounced: 'no status announced this turret',
    name_conflict: 'its uuid announced another name',
  };
  const rows = q.top
    .map(
      (g) =>
        `<tr>${intCell(g.count)}<td class="mono">${esc(g.reason)}</td><td>${esc(meaning[g.reason] ?? '')}</td><td>${esc(g.turret_name ?? '–')}</td><td class="mono">${esc(g.turret_uuid ?? '–')}</td></tr>`,
    )
    .join('\n');
  return `<section id="quarantine"><h2>Results kept aside</h2>
<p class="alert warn"><span data-testid="quarantined">${fmtInt(q.total)}</span> results named a turret that no status announced, or not the name their uuid announced (spec 7.3): they are kept in the quarantine table and are in no figure of this report.</p>
<div class="table-wrap"><table><thead><tr><th class="num">Results</th><th>Reason</th><th>Meaning</th><th>Turret named</th><th>UUID named</th></tr></thead><tbody>
${rows}
</tbody></table></div></section>`;
}

/** Failed setups (spec 5.3.2): counted per turret and per message, apart from transactions. */
function setupFailuresSection(model: ReportModel): string {
  const s = model.summary;
  if (s.setup_failures === 0) return '';
  const perTurret = s.turrets
    .filter((t) => t.setup_failures > 0)
    .map(
      (t) =>
        `<li data-turret="${esc(t.name)}"><strong>${esc(t.name)}</strong>: ${fmtInt(t.setup_failures)}</li>`,
    )
    .join('');
  const rows = s.setup_failure_messages
    .map(
      (e) =>
        `<tr>${intCell(e.count)}<td><pre>${esc(e.message)}</pre></td><td>${fmtTime(e.first, true)}</td><td>${fmtTime(e.last, true)}</td></tr>`,
    )
    .join('\n');
  return `<section id="setup-failures"><h2>Setup failures</h2>
<p class="sub">${fmtInt(s.setup_failures)} failed setups: no transaction ran, so they are in no count of transactions or errors and no response time. The canon retried its setup after a pause.</p>
${perTurret ? `<ul>${perTurret}</ul>` : ''}
<div class="table-wrap"><table id="setup-table"><thead><tr><th class="num">Count</th><th>Message</th><th>First seen</th><th>Last seen</th></tr></thead><tbody>
${rows}
</tbody></table></div></section>`;
}

function errorsSection(model: ReportModel): string {
  const { error_messages, distinct_error_messages, errors } = model.summary;
  if (errors === 0) {
    return '<section id="errors"><h2>Errors</h2><p class="ok-text">No transaction failed.</p></section>';
  }
  const rows = error_messages
    .map(
      (e) =>
        `<tr>${intCell(e.count)}<td class="num">${fmtPct(e.count / errors)}</td><td><pre>${esc(e.message)}</pre></td><td>${fmtTime(e.first, true)}</td><td>${fmtTime(e.last, true)}</td></tr>`,
    )
    .join('\n');
  const more =
    distinct_error_messages > error_messages.length || model.otherErrorMessages > 0
      ? `<p class="sub">Showing the ${error_messages.length} most frequent of ${fmtInt(distinct_error_messages)} distinct messages${model.otherErrorMessages > 0 ? `; ${fmtInt(model.otherErrorMessages)} further errors had messages beyond the report's limit` : ''}.</p>`
      : '';
  return `<section id="errors"><h2>Errors</h2>
<p class="sub">${fmtInt(errors)} failed transactions, ${fmtInt(distinct_error_messages)} distinct messages.</p>
<div class="table-wrap"><table id="error-table"><thead><tr><th class="num">Count</th><th class="num">Share</th><th>Message</th><th>First seen</th><th>Last seen</th></tr></thead><tbody>
${rows}
</tbody></table></div>${more}</section>`;
}

/** Chart data: column arrays per series, milliseconds for response times. */
function chartData(model: ReportModel): string {
  const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 1e6) / 1e3);
  const data = {
    interval: model.summary.interval,
    series: model.series.map((s) => ({
      name: s.stats.name,
      t: s.intervals.map((r) => r.start),
      avg: s.intervals.map((r) => round(r.avg)),
      p50: s.intervals.map((r) => round(r.p50)),
      p90: s.intervals.map((r) => round(r.p90)),
      p95: s.intervals.map((r) => round(r.p95)),
      p99: s.intervals.map((r) => round(r.p99)),
      max: s.intervals.map((r) => round(r.max)),
      rate: s.intervals.map((r) => r.rate),
      errors: s.intervals.map((r) => r.errors / model.summary.interval),
    })),
  };
  // "<" escaped so the JSON cannot close its <script> element.
  return JSON.stringify(data).replaceAll('<', '\\u003c');
}

/** The whole page. */
export function renderHtml(model: ReportModel, generatedAt: Date): string {
  const s = model.summary;
  const assets = chartAssets();
  const title = s.project ? `${s.project} – OCT report` : 'OCT report';
  const t0 = model.series[0]?.intervals[0]?.start ?? s.started_at ?? 0;
  const nav = [
    ...(s.thresholds.length > 0 ? [['thresholds', 'Thresholds']] : []),
    ['summary', 'Summary'],
    ['workload', 'Workload'],
    ...(s.rejects ? [['rejects', 'Rejects']] : []),
    ...((s.quarantined?.total ?? 0) > 0 ? [['quarantine', 'Kept aside']] : []),
    ...model.series.map((x, i) => [`series-${i}`, i === 0 ? 'All transactions' : x.stats.name]),
    ['errors', 'Errors'],
    ...(s.setup_failures > 0 ? [['setup-failures', 'Setup failures']] : []),
  ];
  const errTone = s.errors > 0 ? 'bad' : 'ok';
  const cards = [
    card('Transactions', fmtInt(s.transactions), 'transactions', ` data-value="${s.transactions}"`),
    card('Errors', fmtInt(s.errors), 'errors', ` data-value="${s.errors}"`, errTone),
    card('Error rate', fmtPct(s.error_rate), 'error-rate', ` data-value="${s.error_rate}"`, errTone),
    card('Throughput', `${fmtRate(s.all.rate)}<small>/s</small>`, 'throughput'),
    card('p95 response', `${fmtMs(s.all.p95)}<small> ms</small>`, 'p95'),
    card('Run time', fmtDuration(s.duration), 'duration'),
  ].join('');
  const facts: [string, string][] = [
    ['Test start', fmtTime(s.started_at)],
    ['Test finish', fmtTime(s.finished_at)],
    [
      'Run time',
      `${fmtDuration(s.duration)}${s.run_time !== null ? ` (configured: ${fmtDuration(s.run_time)})` : ''}`,
    ],
    ['First / last result', `${fmtTime(s.first_result_at)} / ${fmtTime(s.last_result_at)}`],
    [
      'Time-series interval',
      `${s.interval} s${s.interval_requested !== null ? ` (widened from ${s.interval_requested} s)` : ''}`,
    ],
  ];
  if (s.clock_window) {
    const w = s.clock_window;
    const outside = s.results_outside_window ?? 0;
    facts.push([
      'Clock window',
      `${fmtTime(w.from)} to ${w.to === null ? '–' : fmtTime(w.to)} (the run ± ${w.tolerance} s, HQ clock): ${
        outside > 0 ? `<a href="#clock-alert">${fmtInt(outside)} results outside</a>` : 'every result inside'
      }`,
    ]);
  }
  if (s.results_not_stored !== null)
    facts.push([
      'Received, not stored',
      `<span data-testid="not-stored">${fmtInt(s.results_not_stored)}</span>`,
    ]);
  facts.push([
    'Results file',
    `<span class="mono">${esc(s.results_file)}</span> (${s.layout === 'oct-ts' ? 'OCT TypeScript edition' : 'original OCT layout'})`,
  ]);
  if (s.hq_version) facts.push(['HQ version', esc(s.hq_version)]);
  const notStored =
    (s.results_not_stored ?? 0) > 0
      ? `<p class="alert bad">⚠ ${fmtInt(s.results_not_stored ?? 0)} results were received by the HQ but not stored: the results file refused them (a full disk?). They are in no figure of this report.</p>`
      : '';
  const abandonedBy = s.turrets.filter((t) => (t.canons_abandoned ?? 0) > 0);
  const abandoned =
    s.canons_abandoned > 0
      ? `<p class="alert warn" id="abandoned-alert">⚠ <span data-testid="canons-abandoned">${fmtInt(s.canons_abandoned)}</span> canons were abandoned after the stop grace time (${abandonedBy.map((t) => `${esc(t.name)}: ${fmtInt(t.canons_abandoned ?? 0)}`).join(', ')}): their transactions were still running, and have no result in this report. A <code>transaction_timeout</code> shorter than the run reports such transactions as timed out.</p>`
      : '';
  const setupFailed =
    s.setup_failures > 0
      ? `<p class="alert warn" id="setup-alert">⚠ <span data-testid="setup-failures">${fmtInt(s.setup_failures)}</span> results report a failed setup, not a transaction: they are counted apart (<a href="#setup-failures">setup failures</a>), not in the transactions, errors or any response time.</p>`
      : '';
  const notes =
    s.notes.length > 0 ? `<ul class="notes">${s.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="generator" content="${esc(s.generator)}">
<title>${esc(title)}</title>
<style>${assets.css}</style>
<style>${STYLE}</style>
</head>
<body>
<header class="top">
<div class="wrap">
<div class="brand">OCT <span>load test report</span></div>
<h1>${esc(s.project ?? 'Results')} ${outcomeBadge(s.outcome)}</h1>
<p class="meta">${fmtTime(s.started_at)} → ${fmtTime(s.finished_at)} · generated ${fmtTime(generatedAt.getTime() / 1000)}</p>
</div>
<nav class="wrap">${nav.map(([id, label]) => `<a href="#${id}">${esc(label)}</a>`).join('')}</nav>
</header>
<main class="wrap">
${thresholdsSection(s.thresholds)}
<section id="summary"><h2>Summary</h2>
${notStored}${abandoned}${setupFailed}<div class="cards">${cards}</div>
<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>
${notes}
</section>
${workload(model)}
${rejects(model)}
${quarantine(model)}
${model.series.map((x, i) => seriesSection(x, i, t0)).join('\n')}
${errorsSection(model)}
${setupFailuresSection(model)}
</main>
<footer class="wrap">
<p>Response times are <code>scriptrun_time</code> (all transactions) or the custom timer's value, failed transactions included; shown in milliseconds, recorded at 1 µs resolution.
† For a custom timer, <em>In failed tx</em> counts the values of that timer recorded by transactions that failed, whichever step failed: not failures of the timer's own step.
Results of failed setups are no transactions: they are counted apart and are in no statistic.
Min, avg, max and stdev (population) are exact. Whole-run percentiles come from log-linear histograms (HdrHistogram layout) at ${s.precision.significant_digits} significant digits (within 0.1 %); per-interval percentiles at ${s.precision.interval_significant_digits} significant digits (within 1 %).
Times are UTC. Rate is per second of interval (the last interval may be partial).</p>
<p>Generated by ${esc(s.generator)} with uPlot ${esc(assets.version)} (MIT) inlined. This file is self-contained and makes no network request.</p>
</footer>
<script type="application/json" id="oct-data">${chartData(model)}</script>
<script>${assets.js}</script>
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}
