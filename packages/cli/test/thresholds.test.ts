/**
 * Thresholds, their exit codes, JUnit, the end summary and the command-line overrides, as a user (or
 * a CI job) meets them: `oct run --local` on a new project, real turrets, real files.
 *
 *   oct (HQ PUB/PULL on free ports)  <-->  child turrets (oct-turret start --config <generated>)
 *   summary.json / report.html / --junit file  <--  judged over every stored result
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { oct, summaryPath, turretEnv } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'oct-thresholds-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface Verdict {
  metric: string;
  stat: string;
  bound: string;
  actual: number | null;
  passed: boolean;
  message: string;
}

/** A new project whose config is `change`d; run_time 60, so only an override or an abort ends it early. */
async function project(name: string, change: (c: Record<string, unknown>) => void): Promise<string> {
  const dir = join(root, name);
  assert.equal((await oct(['new-project', dir]).exited).code, 0);
  const file = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  config.run_time = 60;
  config.progress_bar = false;
  change(config);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return dir;
}

/** The JUnit file as parsed by a real XML parser (Python's ElementTree): testcases and their failures. */
function parseJunit(file: string): {
  tests: number;
  failures: number;
  cases: { name: string; failure: string | null }[];
} {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find('testsuite')
print(json.dumps({
  'tests': int(suite.get('tests')), 'failures': int(suite.get('failures')),
  'cases': [{'name': c.get('name'), 'failure': (c.find('failure').get('message') if c.find('failure') is not None else None)} for c in suite.findall('testcase')],
}))`;
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as ReturnType<
    typeof parseJunit
  >;
}

void describe('oct run thresholds', () => {
  void it('met: exits 0, --run-time 2 ends a run_time 60 project in seconds, prints the end summary', async (t) => {
    const dir = await project('met', (c) => {
      c.thresholds = [
        { metric: 'transactions', stat: 'count', gt: 0 },
        { metric: 'checkout', stat: 'p95', lt: 30 },
        { metric: 'errors', stat: 'error_rate', lte: 0 },
      ];
    });
    const started = Date.now();
    const res = await oct(
      ['run', '--local', dir, '--run-time', '2', '--canons', '3', '--set', 'results_ts_interval=2'],
      turretEnv((m) => t.diagnostic(m)),
    ).exited;
    const took = (Date.now() - started) / 1000;
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /^running for 2 s$/m);
    assert.match(
      res.stdout,
      /^turret joined: navigation \(.*\) canons 3,/m,
      '--canons applies to every turret',
    );
    assert.ok(took < 40, `a run_time 60 project with --run-time 2 took ${took} s`);
    const summary = JSON.parse(readFileSync(summaryPath(res.stdout), 'utf8')) as {
      run_time: number;
      interval: number;
      thresholds: Verdict[];
    };
    assert.equal(summary.run_time, 2, 'the run table keeps the run_time the run had');
    assert.equal(summary.interval, 2, '--set results_ts_interval=2');
    assert.deepEqual(
      summary.thresholds.map((v) => [v.metric, v.stat, v.passed]),
      [
        ['transactions', 'count', true],
        ['checkout', 'p95', true],
        ['errors', 'error_rate', true],
      ],
    );
    // The end summary: a header, a row per series with its figures, the verdicts.
    assert.match(res.stdout, /^ +count +rate\/s +errors +min +avg +p50 +p90 +p95 +p99 +max$/m);
    assert.match(res.stdout, /^transactions +\d+ +[\d.]+ +0\.00% +[\d.]+ms( +[\d.]+m?s){6}$/m);
    assert.match(res.stdout, /^ {2}checkout +\d+ /m);
    assert.match(res.stdout, /^ {2}json_roundtrip +\d+ /m);
    assert.match(res.stdout, /^thresholds: all 3 passed$/m);
    assert.match(res.stdout, /^ {2}✓ transactions count > 0 +transactions count = \d+, > 0$/m);
    assert.doesNotMatch(res.stdout, /\u001b\[/, 'no colour when stdout is not a terminal');
  });

  void it('failed: exits 99, verdicts in summary.json, the console, the report and the JUnit file; an unknown metric fails', async (t) => {
    const dir = await project('failed', (c) => {
      c.thresholds = [
        { metric: 'transactions', stat: 'count', gt: 0 },
        { metric: 'transactions', stat: 'p99', lt: 0.000001 },
        { metric: 'checkot', stat: 'avg', lt: 1 },
      ];
    });
    const junit = join(root, 'failed-junit.xml');
    const res = await oct(
      ['run', '--local', dir, '--run-time', '2', '--junit', junit],
      turretEnv((m) => t.diagnostic(m)),
    ).exited;
    assert.equal(res.code, 99, `${res.stdout}\n${res.stderr}`);
    const summary = JSON.parse(readFileSync(summaryPath(res.stdout), 'utf8')) as { thresholds: Verdict[] };
    const [count, p99, unknown] = summary.thresholds;
    assert.equal(count?.passed, true);
    assert.equal(p99?.passed, false);
    assert.equal(p99?.bound, '< 0.000001');
    assert.ok(p99 !== undefined && p99.actual !== null && p99.actual >= 0.000001, JSON.stringify(p99));
    assert.equal(unknown?.passed, false);
    assert.equal(unknown?.actual, null);
    assert.match(unknown?.message ?? '', /no stored result has the custom timer "checkot"/);
    // Console.
    assert.match(res.stdout, /^thresholds: 2 of 3 failed$/m);
    assert.match(
      res.stdout,
      /^ {2}✗ transactions p99 < 0\.000001 +transactions p99 = [\d.e-]+ \(not < 0\.000001\)$/m,
    );
    assert.match(res.stdout, /^ {2}✗ checkot avg < 1 .*no stored result has the custom timer "checkot"/m);
    // Report: a thresholds section at the top, one row per threshold.
    const html = readFileSync(join(summaryPath(res.stdout), '..', 'report.html'), 'utf8');
    assert.ok(html.indexOf('id="thresholds"') < html.indexOf('id="summary"'), 'thresholds come first');
    assert.match(html, /data-testid="thresholds-failed">✗ 2 of 3 thresholds failed/);
    assert.match(html, /<nav class="wrap"><a href="#thresholds">Thresholds<\/a><a href="#summary">/);
    assert.deepEqual(
      [...html.matchAll(/data-testid="threshold" data-passed="(\w+)"/g)].map((m) => m[1]),
      ['true', 'false', 'false'],
    );
    // JUnit: the run's outcome, then one testcase per threshold; failures carry the message.
    const j = parseJunit(junit);
    assert.equal(j.tests, 4);
    assert.equal(j.failures, 2);
    assert.deepEqual(
      j.cases.map((c) => [c.name, c.failure !== null]),
      [
        ['run outcome', false],
        ['transactions count > 0', false],
        ['transactions p99 < 0.000001', true],
        ['checkot avg < 1', true],
      ],
    );
    assert.match(j.cases[3]!.failure!, /no stored result has the custom timer "checkot"/);
    // rebuild-results judges again from the config stored with the run: the same verdicts.
    const resultsDir = join(summaryPath(res.stdout), '..');
    rmSync(join(resultsDir, 'summary.json'));
    assert.equal((await oct(['rebuild-results', resultsDir]).exited).code, 0);
    const rebuilt = JSON.parse(readFileSync(join(resultsDir, 'summary.json'), 'utf8')) as {
      thresholds: Verdict[];
    };
    assert.deepEqual(rebuilt.thresholds, summary.thresholds);
  });

  void it('abort_on_fail stops the run early on merged data: exit 98', async (t) => {
    const dir = await project('abort', (c) => {
      c.thresholds = [{ metric: 'transactions', stat: 'error_rate', lt: 0.5, abort_on_fail: true }];
    });
    writeFileSync(
      join(dir, 'v_user.js'),
      `export class Transaction {
  async run() {
    await new Promise((r) => setTimeout(r, 5));
    throw new Error('always fails');
  }
}
`,
    );
    const junit = join(root, 'abort-junit.xml');
    const started = Date.now();
    const res = await oct(
      ['run', '--local', dir, '--junit', junit],
      turretEnv((m) => t.diagnostic(m)),
    ).exited;
    const took = (Date.now() - started) / 1000;
    assert.equal(res.code, 98, `${res.stdout}\n${res.stderr}`);
    assert.ok(took < 45, `run_time 60, aborted after ${took} s`);
    assert.match(
      res.stdout,
      /^threshold thresholds\[0\] failed during the run \(abort_on_fail\): transactions error_rate = 1 \(not < 0\.5\)$/m,
    );
    assert.match(res.stdout, /^run threshold aborted: /m);
    assert.match(res.stdout, /^errors: 1 distinct message$/m);
    assert.match(res.stdout, /^ +\d+ {2}Error: always fails$/m);
    const summary = JSON.parse(readFileSync(summaryPath(res.stdout), 'utf8')) as {
      outcome: string;
      thresholds: Verdict[];
    };
    assert.equal(summary.outcome, 'threshold_aborted');
    assert.equal(summary.thresholds[0]?.passed, false);
    const j = parseJunit(junit);
    assert.equal(j.cases[0]?.name, 'run outcome');
    assert.match(j.cases[0]?.failure ?? '', /^run threshold aborted: /);
  });

  void it('refuses an invalid threshold and a bad override with one line naming where, exit 2', async () => {
    const dir = await project('invalid', (c) => {
      c.thresholds = [
        { metric: 'transactions', stat: 'p95' },
        { metric: 'transactions', stat: 'median', lt: 1 },
      ];
    });
    const res = await oct(['run', '--local', dir]).exited;
    assert.equal(res.code, 2, res.stderr);
    assert.match(
      res.stderr,
      /config\.json: thresholds\[0\] \(transactions\): no bound: set one of lt, lte, gt, gte/,
    );
    assert.match(
      res.stderr,
      /config\.json: thresholds\[1\] \(transactions\)\.stat "median" is not a statistic/,
    );
    assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
    assert.doesNotMatch(res.stdout, /HQ listening/, 'no run started');

    const ok = await project('override', () => undefined);
    const bad = await oct(['run', '--local', ok, '--run-time', '1', '--set', 'run_time="soon"']).exited;
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /^oct run: --set run_time="soon": .*config\.json: config\.run_time must be/m);
    const nested = await oct(['run', '--local', ok, '--set', 'results_database.insert_limit=0']).exited;
    assert.equal(nested.code, 2, nested.stderr);
    assert.match(nested.stderr, /^oct run: --set results_database\.insert_limit=0: .*insert_limit/m);
    const malformed = await oct(['run', '--local', ok, '--set', 'run_time']).exited;
    assert.equal(malformed.code, 2, malformed.stderr);
    assert.match(malformed.stderr, /--set run_time: expected key=value/);
    const canons = await oct(['run', '--local', ok, '--run-time', '1', '--canons', '2.5']).exited;
    assert.equal(canons.code, 2, canons.stderr);
    assert.match(canons.stderr, /^oct run: --canons 2\.5: .*canons/m);
    const notNumber = await oct(['run', '--local', ok, '--min-turrets', 'two']).exited;
    assert.equal(notNumber.code, 2, notNumber.stderr);
    assert.match(notNumber.stderr, /--min-turrets <n>' argument 'two' is invalid/);
  });
});
