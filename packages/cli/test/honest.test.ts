/**
 * Honest results (issue 19) as a user meets them: `oct run --local` on a new project with a hung
 * transaction (reported as timed out, spec 7.6), a throwing setup (counted apart, out of the latency
 * statistics, spec 5.3.2) and canons stuck past the stop (counted as abandoned, spec 4.3.6); then
 * the console, results.sqlite, summary.json and report.html say so.
 *
 *   oct (HQ PUB/PULL on free ports)  <-->  3 child turrets (oct-turret start --config <generated>)
 *   results.sqlite / summary.json / report.html
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { oct, query, resultsPath, summaryPath, turretEnv } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'oct-honest-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

const SCRIPTS: Record<string, string> = {
  // Every transaction hangs (its promise never settles).
  'hang.js': 'export default function run() {\n  return new Promise(() => {});\n}\n',
  // Every canon's setup throws; run() would succeed.
  'nosetup.js': [
    'export class Transaction {',
    '  constructor() {',
    '    this.customTimers = {};',
    '  }',
    '  setup() {',
    "    throw new Error('no session for you');",
    '  }',
    '  run() {}',
    '}',
    '',
  ].join('\n'),
};

interface Summary {
  transactions: number;
  errors: number;
  setup_failures: number;
  setup_failure_messages: { message: string; count: number }[];
  canons_abandoned: number;
  all: { count: number; min: number | null };
  error_messages: { message: string; count: number }[];
  turrets: { name: string; setup_failures: number; canons_abandoned: number | null }[];
}

void describe('oct run: honest results', () => {
  void it('reports hung transactions as timed out, counts failed setups apart and abandoned canons', async (t) => {
    const dir = join(root, 'honest');
    assert.equal((await oct(['new-project', dir]).exited).code, 0);
    for (const [file, text] of Object.entries(SCRIPTS)) writeFileSync(join(dir, file), text);
    const configFile = join(dir, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    config.run_time = 3;
    config.progress_bar = false;
    config.min_turrets = 3;
    config.turrets = [
      { name: 'hung', canons: 2, rampup: 0, script: 'hang.js', transaction_timeout: 0.5 },
      { name: 'nosetup', canons: 2, rampup: 0, script: 'nosetup.js' },
      // No timeout: its canons are still in their transactions at the stop, and abandoned.
      { name: 'stuck', canons: 2, rampup: 0, script: 'hang.js', transaction_timeout: 0 },
    ];
    writeFileSync(configFile, JSON.stringify(config, null, 2));

    const res = await oct(
      ['run', '--local', dir],
      turretEnv((m) => t.diagnostic(m)),
    ).exited;
    const out = `${res.stdout}\n${res.stderr}`;
    assert.equal(res.code, 0, out);
    assert.match(res.stdout, /^run completed/m, out);

    // Console: failed setups and abandoned canons said, per turret too.
    assert.match(res.stderr, /^WARNING: \d+ failed setup\(s\): counted apart/m, out);
    assert.match(res.stdout, /^ {2}stuck \(.*\) .*, 2 canon\(s\) abandoned at the stop$/m, out);
    assert.match(res.stderr, /^WARNING: 2 canon\(s\) abandoned after the stop grace time/m, out);
    // The end summary lists the failed setups' messages apart from the transactions' errors.
    assert.match(
      res.stdout,
      /^setup failures: \d+ \(no transaction ran; in no figure above\)\n +\d+ +setup: Error: no session for you$/m,
      out,
    );

    // The results file: timed-out results, setup failures marked, abandoned canons on the turret row.
    const db = resultsPath(res.stdout);
    const timedOut = query<{ n: number }>(
      db,
      "SELECT count(*) AS n FROM result WHERE turret_name = 'hung' AND error = 'transaction timed out after 0.5 s (transaction_timeout)'",
    )[0]!.n;
    const hung = query<{ n: number }>(db, "SELECT count(*) AS n FROM result WHERE turret_name = 'hung'")[0]!
      .n;
    assert.ok(timedOut >= 4, `${timedOut} timed-out results (2 canons, 3 s, 0.5 s each)`);
    assert.equal(timedOut, hung, 'every hung transaction became a timed-out result');
    const setups = query<{ n: number; marked: number }>(
      db,
      "SELECT count(*) AS n, sum(setup_failed = 1) AS marked FROM result WHERE turret_name = 'nosetup'",
    )[0]!;
    assert.ok(setups.n >= 2, 'each canon reported its failed setup');
    assert.equal(setups.marked, setups.n, 'every result of nosetup is a failed setup');
    const rows = query<{ name: string; canons_abandoned: number | null }>(
      db,
      'SELECT name, canons_abandoned FROM turret ORDER BY name',
    );
    assert.deepEqual(
      rows.map((r) => [r.name, r.canons_abandoned]),
      [
        ['hung', null],
        ['nosetup', null],
        ['stuck', 2],
      ],
    );
    assert.equal(
      query<{ n: number }>(db, "SELECT count(*) AS n FROM result WHERE turret_name = 'stuck'")[0]!.n,
      0,
    );

    // summary.json: setups apart and out of the latency statistics; abandoned canons counted.
    const summaryFile = summaryPath(res.stdout);
    const s = JSON.parse(readFileSync(summaryFile, 'utf8')) as Summary;
    assert.equal(s.setup_failures, setups.n);
    assert.deepEqual(s.setup_failure_messages, [
      { ...s.setup_failure_messages[0]!, message: 'setup: Error: no session for you', count: setups.n },
    ]);
    assert.equal(s.transactions, hung, 'only the transactions that ran');
    // The live line counts as the summary does (its last one is after the abandoned canons' 5 s).
    const live = [...res.stdout.matchAll(/\| transactions (\d+) \| errors (\d+) \|/g)].at(-1);
    assert.ok(live, out);
    assert.deepEqual(
      [Number(live[1]), Number(live[2])],
      [hung, hung],
      'the progress line leaves failed setups out',
    );
    assert.equal(s.all.count, hung);
    assert.equal(s.errors, hung);
    assert.ok((s.all.min ?? 0) >= 0.45, `min ${s.all.min}: no failed setup (~0 s) in the latencies`);
    assert.ok(
      !s.error_messages.some((e) => e.message.startsWith('setup:')),
      'setups are not transaction errors',
    );
    assert.equal(s.canons_abandoned, 2);
    const byName = new Map(s.turrets.map((x) => [x.name, x]));
    assert.equal(byName.get('nosetup')?.setup_failures, setups.n);
    assert.equal(byName.get('stuck')?.canons_abandoned, 2);

    // report.html: the banner, the setup failures section, the honest label of timer error columns.
    const html = readFileSync(join(summaryFile, '..', 'report.html'), 'utf8');
    assert.match(
      html,
      /id="abandoned-alert">⚠ <span data-testid="canons-abandoned">2<\/span> canons were abandoned/,
    );
    assert.match(html, /<section id="setup-failures">/);
    assert.match(html, /setup: Error: no session for you/);
  });

  void it('says file:line:column of a script syntax error and of a config.json syntax error; warns with "did you mean"', async (t) => {
    const dir = join(root, 'mistakes');
    assert.equal((await oct(['new-project', dir]).exited).code, 0);
    const configFile = join(dir, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    config.progress_bar = false;
    config.run_tme = 5;
    writeFileSync(configFile, JSON.stringify(config, null, 2));
    writeFileSync(join(dir, 'v_user.js'), 'export default async function run() {\n  let x = ;\n}\n');
    const env = turretEnv((m) => t.diagnostic(m));

    // The script: the turret aborts saying where, and the console shows it.
    const broken = await oct(['run', '--local', dir], env).exited;
    const out = `${broken.stdout}\n${broken.stderr}`;
    assert.notEqual(broken.code, 0, out);
    assert.ok(out.includes(`${join(dir, 'v_user.js')}:2:11: SyntaxError: Unexpected token ';'`), out);
    // Unknown keys are kept, with one warning naming the close key.
    assert.match(
      broken.stderr,
      /^WARNING: .*config\.json: unknown key "run_tme" \(did you mean "run_time"\?\); kept as written$/m,
      out,
    );

    // config.json: one line with file:line:column, no stack.
    const lines = JSON.stringify(config, null, 2).split('\n');
    const at = lines.findIndex((l) => l.includes('"min_turrets"'));
    lines[at] = lines[at]!.replace(/,$/, '');
    writeFileSync(configFile, lines.join('\n'));
    const bad = await oct(['run', '--local', dir], env).exited;
    assert.equal(bad.code, 2, `${bad.stdout}\n${bad.stderr}`);
    assert.match(
      bad.stderr,
      new RegExp(
        `config\\.json:${at + 2}:3: not valid JSON: Expected ',' or '\\}' after property value \\(spec 9\\.2\\)`,
      ),
    );
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  });
});
