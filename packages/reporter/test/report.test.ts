import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { test } from 'node:test';
import { scanResults } from '../src/aggregate.js';
import { rebuildReport, ReportError, writeReport, type RunSummary } from '../src/index.js';
import { buildModel } from '../src/model.js';
import { openResultsFile } from '../src/store.js';
import {
  exactPercentile,
  knownResults,
  START,
  tempDir,
  writeLegacyStore,
  writeOurStore,
} from './fixtures.js';

/** The whole-run percentiles are kept to 3 significant digits (0.1 %) at 1 us resolution. */
function near(actual: number | null, expected: number, what: string): void {
  assert.ok(actual !== null, `${what} is null`);
  const tol = expected * 1e-3 + 1e-6;
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} not within ${tol} of ${expected}`);
}

void test('statistics of a results file in our schema match the known data', async (t) => {
  const { dir, cleanup } = tempDir('ours');
  t.after(cleanup);
  const db = join(dir, 'results.sqlite');
  writeOurStore(db);
  const rows = knownResults();
  const { summary, htmlPath, summaryPath } = await writeReport({ dbPath: db, outDir: join(dir, 'out') });

  assert.equal(summary.transactions, 1000);
  assert.equal(summary.errors, 100);
  assert.equal(summary.error_rate, 0.1);
  assert.equal(summary.started_at, START);
  assert.equal(summary.finished_at, START + 12);
  assert.equal(summary.duration, 12);
  assert.equal(summary.interval, 2, 'the run row results_ts_interval is the default');
  assert.equal(summary.outcome, 'completed');
  assert.equal(summary.project, 'shop-checkout');

  const times = rows.map((r) => r.scriptrun_time).sort((a, b) => a - b);
  const all = summary.all;
  assert.equal(all.count, 1000);
  assert.equal(all.errors, 100);
  near(all.min, 0.001, 'min');
  near(all.max, 1, 'max');
  near(all.avg, times.reduce((a, b) => a + b, 0) / 1000, 'avg');
  const mean = 0.5005;
  near(all.stdev, Math.sqrt(times.reduce((a, v) => a + (v - mean) ** 2, 0) / 1000), 'stdev');
  for (const p of [50, 80, 90, 95, 99] as const) {
    near(all[`p${p}`], exactPercentile(times, p), `p${p}`);
  }
  near(all.rate, 1000 / 9.99, 'rate over first..last result');

  assert.equal(summary.timers.length, 1);
  const login = summary.timers[0]!;
  assert.equal(login.name, 'login');
  assert.equal(login.count, 500);
  assert.equal(login.errors, 100, 'every failing result (i%10==0) has the login timer');
  const loginTimes = rows
    .filter((r) => 'login' in r.custom_timers)
    .map((r) => r.custom_timers.login!)
    .sort((a, b) => a - b);
  near(login.p95, exactPercentile(loginTimes, 95), 'login p95');
  near(login.max, 0.0999, 'login max');

  // Turrets: canons, dead marks, accounting and per-turret result counts.
  const [alpha, beta, gamma] = summary.turrets;
  assert.deepEqual(
    summary.turrets.map((x) => [x.name, x.canons, x.status, x.dead, x.results_in_file]),
    [
      ['alpha', 10, 'ready', false, 334],
      ['beta', 20, 'lost', true, 333],
      ['gamma', 5, 'killed', true, 0],
    ],
  );
  assert.equal(alpha!.missing, 3);
  assert.equal(beta!.missing, null);
  assert.equal(gamma!.updated_at, START + 9);
  assert.equal(summary.unattributed_results, 333);

  assert.equal(summary.rejects?.total, 3);
  assert.deepEqual(summary.rejects?.top[0], {
    code: 'not_json',
    reason: 'frame is not JSON (spec 3.2)',
    count: 2,
    first: START + 1,
    last: START + 2,
  });

  assert.deepEqual(
    summary.error_messages.map((e) => [e.message, e.count, e.first, e.last]),
    [
      ['HTTP 500', 50, START, START + 980 * 0.01],
      ['timeout, after "5 s"\nat line 3', 50, START + 0.1, START + 990 * 0.01],
    ],
  );

  // summary.json is what was returned; report.html embeds the page's own data only.
  const onDisk = JSON.parse(readFileSync(summaryPath, 'utf8')) as RunSummary;
  assert.deepEqual(onDisk, JSON.parse(JSON.stringify(summary)));
  const html = readFileSync(htmlPath, 'utf8');
  assert.doesNotMatch(
    html,
    /<script[^>]+src=|<link[^>]+href=|@import|url\(\s*['"]?https?:/i,
    'no external resource',
  );
  assert.match(html, /var uPlot=/, 'uPlot is inlined');
  assert.match(html, /Content-Security-Policy/);
});

void test('interval details: counts, errors and percentiles per interval', async (t) => {
  const { dir, cleanup } = tempDir('intervals');
  t.after(cleanup);
  const db = join(dir, 'results.sqlite');
  writeOurStore(db);
  const { htmlPath } = await writeReport({ dbPath: db, outDir: dir, intervalSeconds: 1 });
  const html = readFileSync(htmlPath, 'utf8');
  const data = JSON.parse(
    /<script type="application\/json" id="oct-data">(.*?)<\/script>/s.exec(html)![1]!,
  ) as {
    interval: number;
    series: { name: string; t: number[]; rate: number[]; errors: number[]; p50: number[] }[];
  };
  assert.equal(data.interval, 1);
  const all = data.series[0]!;
  // Results are 10 ms apart from START: 100 per 1 s interval, 10 of them failing.
  assert.deepEqual(
    all.t,
    Array.from({ length: 10 }, (_, i) => START + i),
  );
  assert.deepEqual(all.rate, Array(10).fill(100));
  assert.deepEqual(all.errors, Array(10).fill(10));
  // Interval i holds scriptrun_time (100i+1 .. 100i+100) ms: p50 is 100i+50 ms within 1 %.
  all.p50.forEach((v, i) => {
    const expected = 100 * i + 50;
    assert.ok(Math.abs(v - expected) <= expected * 0.01 + 0.001, `interval ${i} p50 ${v} vs ${expected}`);
  });
  assert.deepEqual(
    data.series.map((s) => s.name),
    ['All transactions', 'login'],
  );
});

void test('a results file in the original OCT layout rebuilds with its config interval', async (t) => {
  const { dir, cleanup } = tempDir('legacy');
  t.after(cleanup);
  writeLegacyStore(join(dir, 'results.sqlite'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ run_time: 6, results_ts_interval: '3', turrets: [] }));
  const { summary, htmlPath } = await rebuildReport(dir, { configPath: config });
  assert.equal(htmlPath, join(dir, 'report.html'));
  assert.equal(summary.layout, 'oct-legacy');
  assert.equal(summary.transactions, 60);
  assert.equal(summary.errors, 6);
  assert.equal(summary.interval, 3);
  assert.equal(summary.started_at, 1463062981, 'no run table: the first result');
  assert.equal(summary.finished_at, 1463062986);
  assert.equal(summary.rejects, null);
  assert.equal(summary.unattributed_results, 60);
  near(summary.all.p50, 3.0, 'p50');
  near(summary.all.p90, 5.4, 'p90');
  assert.equal(summary.timers[0]?.name, 'home');
  assert.equal(summary.timers[0]?.count, 60);
  const [turret] = summary.turrets;
  assert.equal(turret?.canons, 30, 'cannons is read as canons');
  assert.equal(turret?.dead, true, '"Killed" is a dead state');
  assert.equal(turret?.updated_at, Date.UTC(2016, 4, 12, 14, 23, 1, 500) / 1000);
  assert.equal(turret?.updated_at_text, '2016-05-12 14:23:01.500000');
  const html = readFileSync(htmlPath, 'utf8');
  assert.match(html, /original OCT layout/);
  assert.match(html, /2016-05-12 14:23:01\.500000 <small class="muted">\(as stored, zone not recorded\)/);
});

void test('an empty results file still gives a report', async (t) => {
  const { dir, cleanup } = tempDir('empty');
  t.after(cleanup);
  const db = join(dir, 'results.sqlite');
  writeOurStore(db, []);
  const { summary } = await writeReport({ dbPath: db, outDir: dir });
  assert.equal(summary.transactions, 0);
  assert.equal(summary.all.p50, null);
  assert.equal(summary.started_at, START);
});

void test('a long run gets a wider interval, and the report says so', async (t) => {
  const { dir, cleanup } = tempDir('wide');
  t.after(cleanup);
  const db = join(dir, 'results.sqlite');
  // Two results 10,000 s apart (in a run that long) at interval 1 s would need 10,001 intervals.
  writeOurStore(
    db,
    [
      { turret_name: 'alpha', epoch: START, scriptrun_time: 0.1, error: '', custom_timers: {} },
      { turret_name: 'alpha', epoch: START + 10_000, scriptrun_time: 0.2, error: '', custom_timers: {} },
    ],
    { started_at: START, stopped_at: START + 10_000, finished_at: START + 10_002 },
  );
  const { summary } = await writeReport({ dbPath: db, outDir: dir, intervalSeconds: 1 });
  assert.equal(summary.interval, 10);
  assert.equal(summary.interval_requested, 1);
  assert.match(summary.notes.join('\n'), /widened from 1 s to 10 s/);
});

void test('bad input gives one-line errors naming the file', async (t) => {
  const { dir, cleanup } = tempDir('bad');
  t.after(cleanup);
  const missing = join(dir, 'nope.sqlite');
  await assert.rejects(writeReport({ dbPath: missing, outDir: dir }), (e: Error) => {
    return e instanceof ReportError && e.message === `${missing}: results file not found`;
  });
  const notDb = join(dir, 'text.sqlite');
  writeFileSync(notDb, 'hello, this is not a database'.repeat(100));
  await assert.rejects(
    writeReport({ dbPath: notDb, outDir: dir }),
    /text\.sqlite: cannot (open|read) as SQLite/,
  );
  await assert.rejects(
    writeReport({ dbPath: notDb, outDir: dir, intervalSeconds: 0 }),
    /interval must be a positive number/,
  );
  const config = join(dir, 'config.json');
  writeFileSync(config, '{"results_ts_interval": -1}');
  await assert.rejects(
    rebuildReport(dir, { configPath: config }),
    /config\.json: results_ts_interval must be a positive number/,
  );
  await assert.rejects(rebuildReport(join(dir, 'none')), /results directory not found/);
});

void test('a scan split with a worker thread gives the same statistics as one thread', async (t) => {
  const { dir, cleanup } = tempDir('parallel');
  t.after(cleanup);
  const db = join(dir, 'results.sqlite');
  writeOurStore(db);
  const file = openResultsFile(db);
  t.after(() => file.db.close());
  const one = await scanResults(file, 1, START, { parallelMinRows: Infinity });
  const two = await scanResults(file, 1, START, { parallelMinRows: 0 });
  assert.equal(one.threads, 1);
  assert.equal(two.threads, 2);
  const model = (scan: typeof one) =>
    buildModel({
      scan,
      run: null,
      turrets: [],
      rejects: null,
      resultsFile: 'x',
      layout: 'oct-ts',
      generator: 'g',
    });
  const a = model(one);
  const b = model(two);
  assert.deepEqual(
    b.series.map((s) => s.intervals),
    a.series.map((s) => s.intervals),
  );
  const strip = (s: RunSummary['all']) => ({
    ...s,
    avg: Number(s.avg?.toPrecision(12)),
    stdev: Number(s.stdev?.toPrecision(12)),
  });
  assert.deepEqual(b.summary.timers.map(strip), a.summary.timers.map(strip));
  assert.deepEqual(strip(b.summary.all), strip(a.summary.all));
  assert.deepEqual(b.summary.error_messages, a.summary.error_messages);
  assert.deepEqual([...two.perTurret].sort(), [...one.perTurret].sort());
});

void test('results whose epoch is far outside the run (a turret clock in 1970 or 2100) are flagged per turret and kept out of the intervals', async (t) => {
  const { dir, cleanup } = tempDir('clock');
  t.after(cleanup);
  const db = join(dir, 'results.sqlite');
  const JAN_2100 = 4_102_444_800;
  const skewed = [
    // alpha's clock is in 2100, beta's in 1970; two unattributed results in 1970 too.
    ...[0, 1, 2].map((i) => ({ turret_name: 'alpha', epoch: JAN_2100 + i, error: '' })),
    ...[1, 2, 3, 4, 5].map((i) => ({ turret_name: 'beta', epoch: i, error: 'only on a wrong clock' })),
    ...[7, 8].map((i) => ({ turret_name: null, epoch: i, error: '' })),
  ].map((r) => ({ ...r, scriptrun_time: 0.5, custom_timers: { login: 0.05 } }));
  writeOurStore(db, [...knownResults(), ...skewed]);
  const { summary, htmlPath } = await writeReport({ dbPath: db, outDir: dir });

  // Stored and in the whole-run statistics...
  assert.equal(summary.transactions, 1010);
  assert.equal(summary.all.count, 1010);
  assert.equal(summary.errors, 105);
  // ...but the time axis is the HQ's: the run's interval (2 s, from the run row), not widened.
  assert.equal(summary.interval, 2);
  assert.equal(summary.interval_requested, null);
  assert.equal(summary.first_result_at, START);
  near(summary.last_result_at, START + 9.99, 'last result in the window');
  near(summary.all.rate, 1010 / 9.99, 'rate over the window, not over 130 years');
  assert.deepEqual(summary.clock_window, { from: START - 60, to: START + 12 + 60, tolerance: 60 });
  assert.equal(summary.results_outside_window, 10);
  assert.deepEqual(
    summary.turrets.map((x) => [
      x.name,
      x.results_in_file,
      x.results_outside_window,
      x.outside_window_first,
      x.outside_window_last,
    ]),
    [
      ['alpha', 337, 3, JAN_2100, JAN_2100 + 2],
      ['beta', 338, 5, 1, 5],
      ['gamma', 0, 0, null, null],
    ],
  );
  assert.match(summary.notes.join('\n'), /10 results have an epoch more than 60 s outside the run/);
  assert.match(summary.notes.join('\n'), /beta: 5 \(1970-01-01 00:00:01 UTC to 1970-01-01 00:00:05 UTC\)/);
  // An error seen only on a wrong clock: counted, with no first or last time on the HQ's axis.
  assert.deepEqual(
    summary.error_messages.find((e) => e.message === 'only on a wrong clock'),
    { message: 'only on a wrong clock', count: 5, first: null, last: null },
  );

  // The interval rows hold the 1000 results inside the window only, on the run's own axis.
  const html = readFileSync(htmlPath, 'utf8');
  const data = JSON.parse(
    /<script type="application\/json" id="oct-data">(.*?)<\/script>/s.exec(html)![1]!,
  ) as { series: { name: string; t: number[]; rate: number[] }[] };
  for (const s of data.series) {
    assert.deepEqual(s.t, [START, START + 2, START + 4, START + 6, START + 8], s.name);
  }
  const placed = data.series[0]!.rate.reduce((a, r) => a + r * 2, 0);
  assert.equal(placed, 1000, 'the 10 results outside the window are in no interval');
  assert.equal(
    data.series[1]!.rate.reduce((a, r) => a + r * 2, 0),
    500,
    'nor are their timers',
  );
  const intervalRows = /<table class="intervals" id="series-0-intervals">[\s\S]*?<\/table>/.exec(html)![0];
  assert.equal((intervalRows.match(/<tr><td>/g) ?? []).length, 5);
  assert.doesNotMatch(intervalRows, /1970|2100/);

  // Flagged per turret in the page.
  const alert = /<div class="alert warn" id="clock-alert">[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
  assert.match(alert, /<span data-testid="outside-window">10<\/span> results have an epoch more than 60 s/);
  assert.match(
    alert,
    /<li data-turret="alpha"><strong>alpha<\/strong>: 3 results \(epochs 2100-01-01 00:00:00 UTC to 2100-01-01 00:00:02 UTC\)<\/li>/,
  );
  assert.match(
    alert,
    /<li data-turret="beta"><strong>beta<\/strong>: 5 results \(epochs 1970-01-01 00:00:01 UTC to 1970-01-01 00:00:05 UTC\)<\/li>/,
  );
  assert.match(alert, /<li>2 from results without a turret name/);
  const turretRows = /<table id="turrets">[\s\S]*?<\/table>/.exec(html)![0];
  assert.equal((turretRows.match(/data-testid="clock-flag"/g) ?? []).length, 2, 'alpha and beta flagged');
  assert.match(turretRows, /<td>gamma<\/td>/, 'gamma not flagged');
});

void test('the HQ count of results received but not stored is in summary.json and the page', async (t) => {
  const { dir, cleanup } = tempDir('not-stored');
  t.after(cleanup);
  const db = join(dir, 'results.sqlite');
  writeOurStore(db);
  const { summary, htmlPath } = await writeReport({ dbPath: db, outDir: dir, resultsNotStored: 1234 });
  assert.equal(summary.transactions, 1000);
  assert.equal(summary.results_not_stored, 1234);
  assert.match(summary.notes.join('\n'), /1234 results were received by the HQ but not stored/);
  const html = readFileSync(htmlPath, 'utf8');
  assert.match(html, /<span data-testid="not-stored">1,234<\/span>/);
  assert.match(html, /1,234 results were received by the HQ but not stored/);
  const rebuilt = await rebuildReport(dir);
  assert.equal(rebuilt.summary.results_not_stored, null, 'unknown when rebuilt from the file alone');
});

void test('shows results kept aside and a turret with more results stored in its name than it sent (spec 7.3, 7.5)', async (t) => {
  const { dir, cleanup } = tempDir('forged');
  t.after(cleanup);
  const db = join(dir, 'results.sqlite');
  writeOurStore(db);
  const file = new Database(db);
  // alpha stored 334 results but says it sent 300: 34 came from elsewhere in its name.
  file.prepare("UPDATE turret SET results_sent = 300 WHERE name = 'alpha'").run();
  const aside = file.prepare(
    "INSERT INTO quarantine (reason, turret_name, turret_uuid, elapsed, epoch, scriptrun_time, error, custom_timers) VALUES (?, ?, ?, 1, ?, 99, '', '{}')",
  );
  for (let i = 0; i < 5; i++) aside.run('unannounced', 'ghost', 'uuid-ghost', START + 1);
  for (let i = 0; i < 2; i++) aside.run('name_conflict', 'EVIL', 'uuid-alpha', START + 2);
  file.close();
  const { summary, htmlPath } = await writeReport({ dbPath: db, outDir: join(dir, 'out') });

  assert.equal(summary.transactions, 1000, 'kept-aside results are in no figure');
  assert.equal(summary.all.max !== null && summary.all.max < 99, true);
  assert.deepEqual(summary.quarantined, {
    total: 7,
    top: [
      { reason: 'unannounced', turret_name: 'ghost', turret_uuid: 'uuid-ghost', count: 5 },
      { reason: 'name_conflict', turret_name: 'EVIL', turret_uuid: 'uuid-alpha', count: 2 },
    ],
  });
  assert.equal(summary.turrets[0]!.missing, -34);
  assert.ok(summary.notes.some((n) => /^34 more results are stored in the name of turret alpha/.test(n)));
  assert.ok(summary.notes.some((n) => /^7 results were kept aside/.test(n)));
  const html = readFileSync(htmlPath, 'utf8');
  assert.match(html, /<td class="num err" data-testid="surplus"[^>]*>\+34 extra<\/td>/);
  assert.match(html, /<span data-testid="quarantined">7<\/span> results named a turret/);
  assert.match(html, /<a href="#quarantine">Kept aside<\/a>/);
});

void test('names the CURVE key each turret connected with, only in CURVE runs (spec 11)', async (t) => {
  const { dir, cleanup } = tempDir('curve');
  t.after(cleanup);
  const db = join(dir, 'results.sqlite');
  writeOurStore(db);
  const plain = await writeReport({ dbPath: db, outDir: join(dir, 'plain') });
  assert.doesNotMatch(readFileSync(plain.htmlPath, 'utf8'), /CURVE key/);
  const file = new Database(db);
  file.prepare("UPDATE turret SET curve_key = 'alpha' WHERE name = 'alpha'").run();
  file.close();
  const { summary, htmlPath } = await writeReport({ dbPath: db, outDir: join(dir, 'curve') });
  assert.deepEqual(
    summary.turrets.map((x) => [x.name, x.curve_key]),
    [
      ['alpha', 'alpha'],
      ['beta', null],
      ['gamma', null],
    ],
  );
  const html = readFileSync(htmlPath, 'utf8');
  assert.match(html, /<th title="[^"]*">CURVE key<\/th>/);
  assert.match(html, /<td class="mono" data-testid="curve-key">alpha<\/td>/);
});

void test("each turret's own firing window is in summary.json and the turrets table, a late one flagged", async (t) => {
  const { dir, cleanup } = tempDir('firing');
  t.after(cleanup);
  const db = join(dir, 'results.sqlite');
  writeOurStore(db);
  const w = new Database(db);
  w.prepare('UPDATE turret SET firing_from = ?, firing_until = ? WHERE name = ?').run(
    START + 0.05,
    START + 10.2,
    'alpha',
  );
  // beta missed the start: it fired from its next ready, 2.5 s late, until it was lost.
  w.prepare('UPDATE turret SET firing_from = ?, firing_until = ? WHERE name = ?').run(
    START + 2.5,
    START + 7.5,
    'beta',
  );
  w.close();
  const { summary, htmlPath, summaryPath } = await writeReport({ dbPath: db, outDir: join(dir, 'out') });
  assert.deepEqual(
    summary.turrets.map((x) => [x.name, x.firing_from, x.firing_until]),
    [
      ['alpha', START + 0.05, START + 10.2],
      ['beta', START + 2.5, START + 7.5],
      ['gamma', null, null],
    ],
  );
  const json = JSON.parse(readFileSync(summaryPath, 'utf8')) as RunSummary;
  assert.equal(json.turrets[1]!.firing_from, START + 2.5, 'summary.json has it per turret');
  const html = readFileSync(htmlPath, 'utf8');
  const table = /<table id="turrets">[\s\S]*?<\/table>/.exec(html)![0];
  assert.match(table, /<th[^>]*>Firing <small>from start<\/small><\/th>/);
  const cells = [...table.matchAll(/<td[^>]*data-testid="firing"[^>]*>(.*?)<\/td>/g)].map((m) => m[1]);
  assert.equal(cells.length, 3);
  assert.equal(cells[0], '+0.05 s to +10.2 s');
  assert.match(
    cells[1]!,
    /^\+2\.50 s to \+7\.50 s <span class="badge warn" data-testid="late-flag">⚠ late<\/span>$/,
  );
  assert.equal(cells[2], 'never fired');

  // A file from before the columns (an OCT 0.4 one among them) rebuilds, without the column.
  const old = join(dir, 'old', 'results.sqlite');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'old'));
  writeOurStore(old);
  const o = new Database(old);
  o.exec('ALTER TABLE turret DROP COLUMN firing_from; ALTER TABLE turret DROP COLUMN firing_until');
  o.close();
  const before = await writeReport({ dbPath: old, outDir: join(dir, 'old') });
  assert.deepEqual(
    before.summary.turrets.map((x) => x.firing_from),
    [null, null, null],
  );
  assert.doesNotMatch(readFileSync(before.htmlPath, 'utf8'), /data-testid="firing"/);
  const legacy = join(dir, 'legacy', 'results.sqlite');
  mkdirSync(join(dir, 'legacy'));
  writeLegacyStore(legacy);
  const rebuilt = await writeReport({ dbPath: legacy, outDir: join(dir, 'legacy') });
  assert.ok(rebuilt.summary.turrets.length > 0);
  assert.ok(rebuilt.summary.turrets.every((x) => x.firing_from === null && x.firing_until === null));
});

void test('labels the error column of a custom timer as values of failed transactions, with a legend', async (t) => {
  const { dir, cleanup } = tempDir('timer-errors');
  t.after(cleanup);
  const db = join(dir, 'results.sqlite');
  writeOurStore(db);
  const { htmlPath } = await writeReport({ dbPath: db, outDir: join(dir, 'out') });
  const html = readFileSync(htmlPath, 'utf8');
  const section = (id: string): string => {
    const from = html.indexOf(`<section class="series" id="${id}"`);
    return html.slice(from, html.indexOf('</section>', from));
  };
  // All transactions: errors are failed transactions. A timer: values recorded by failed ones.
  assert.match(section('series-0'), /<th class="num">Errors<\/th>/);
  assert.doesNotMatch(section('series-0'), /In failed tx/);
  assert.equal(
    section('series-1').match(/>In failed tx <sup>†<\/sup><\/th>/g)?.length,
    2,
    'stats and intervals',
  );
  assert.match(
    html,
    /† For a custom timer, <em>In failed tx<\/em> counts the values of that timer recorded by transactions that failed/,
  );
});
