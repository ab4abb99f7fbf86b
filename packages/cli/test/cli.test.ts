/**
 * `oct` end to end, as a user runs it: real processes, real sockets (free ports), real files.
 *
 *   oct (HQ PUB/PULL on free ports)  <-->  child turrets (oct-turret start --config <generated>)
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { packageName } from '../src/new-project.js';
import {
  freePort,
  oct,
  query,
  resultsPath,
  startTurret,
  summaryPath,
  turretEnv,
  waitFor,
} from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'oct-cli-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** The project and results file of the --local run, for the commands that read results. */
let localRun: { dir: string; db: string } | null = null;

/**
 * The environment for a --local run that needs the reference turret itself (the fixture turret does
 * not provide @oct/turret to scripts): null, and the test skipped, while it is not built (failed in CI).
 */
function referenceTurretEnv(t: TestContext): NodeJS.ProcessEnv | null {
  let missing = '';
  const env = turretEnv((m) => (missing = m));
  if (!missing) return env;
  assert.notEqual(process.env.CI, 'true', missing);
  t.skip(missing);
  return null;
}

function edit(dir: string, change: (c: Record<string, unknown>) => void): void {
  const file = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  change(config);
  writeFileSync(file, JSON.stringify(config, null, 2));
}

void describe('oct new-project', () => {
  void it('writes config.json, v_user.js, package.json and a README, and refuses an existing directory', async () => {
    const dir = join(root, 'Fresh Project');
    const made = await oct(['new-project', dir]).exited;
    assert.equal(made.code, 0, made.stderr);
    for (const f of ['config.json', 'v_user.js', 'package.json', 'README.md', '.gitignore']) {
      assert.ok(existsSync(join(dir, f)), f);
      assert.match(made.stdout, new RegExp(`created .*${f.replace('.', '\\.')}$`, 'm'));
    }
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')), {
      name: 'fresh-project',
      private: true,
      type: 'module',
      description: 'An OCT load-testing project: the transaction script and its dependencies.',
    });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    for (const key of [
      'run_time',
      'results_ts_interval',
      'progress_bar',
      'console_logging',
      'testing',
      'publish_port',
      'rc_port',
      'min_turrets',
      'turrets',
      'results_database',
      'external_publisher',
    ]) {
      assert.ok(key in config, `config.json has ${key}`);
    }
    const again = await oct(['new', dir]).exited;
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists/);
  });

  void it('names the package after the directory, as npm accepts names', () => {
    assert.equal(packageName('Fresh Project'), 'fresh-project');
    assert.equal(packageName('.My_Load test!'), 'my_load-test');
    assert.equal(packageName('load.test-2'), 'load.test-2');
    assert.equal(packageName('__'), 'oct-project');
    assert.equal(packageName('日本'), 'oct-project');
    assert.equal(packageName('x'.repeat(300)).length, 214);
  });

  void it('writes the same transaction script as examples/quickstart (the README main job)', async () => {
    const dir = join(root, 'like-quickstart');
    assert.equal((await oct(['new-project', dir]).exited).code, 0);
    const example = new URL('../../../examples/quickstart/v_user.js', import.meta.url);
    assert.equal(readFileSync(join(dir, 'v_user.js'), 'utf8'), readFileSync(example, 'utf8'));
  });
});

void describe('oct run', () => {
  void it('runs a new project with --local turrets and stores their results', async (t) => {
    const dir = join(root, 'local');
    assert.equal((await oct(['new-project', dir]).exited).code, 0);
    edit(dir, (c) => {
      c.run_time = 3;
      c.progress_bar = false;
      c.turrets = [
        { name: 'alpha', canons: 2, rampup: 0, script: 'v_user.js' },
        { name: 'beta', canons: 1, rampup: 0, script: 'v_user.js' },
      ];
      c.min_turrets = 2;
    });
    const res = await oct(
      ['run', '--local', dir],
      turretEnv((m) => t.diagnostic(m)),
    ).exited;
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /turret joined: alpha \(/);
    assert.match(res.stdout, /turret joined: beta \(/);
    const db = resultsPath(res.stdout);
    assert.ok(db.startsWith(join(dir, 'results', 'results_')), db);
    const rows = query<{ turret_name: string; n: number }>(
      db,
      'SELECT turret_name, COUNT(*) AS n FROM result GROUP BY turret_name ORDER BY turret_name',
    );
    assert.deepEqual(
      rows.map((r) => r.turret_name),
      ['alpha', 'beta'],
    );
    for (const r of rows) assert.ok(r.n > 0);
    const timers = query<{ custom_timers: string }>(db, 'SELECT custom_timers FROM result LIMIT 1');
    assert.ok(
      'json_roundtrip' in (JSON.parse(timers[0]!.custom_timers) as object),
      'the example custom timer is stored',
    );
    localRun = { dir, db };
    const summary = JSON.parse(readFileSync(summaryPath(res.stdout), 'utf8')) as { transactions: number };
    assert.equal(
      summary.transactions,
      rows.reduce((a, r) => a + r.n, 0),
    );
  });

  void it("runs --local a project outside the repository whose script imports '@oct/turret'", async (t) => {
    const env = referenceTurretEnv(t);
    if (!env) return;
    const dir = join(root, 'imports-turret');
    assert.equal((await oct(['new-project', dir]).exited).code, 0);
    writeFileSync(
      join(dir, 'v_user.js'),
      `import { timed } from '@oct/turret';

export class Transaction {
  constructor() {
    this.customTimers = {};
  }

  async run() {
    await timed(this.customTimers, 'imported', () => new Promise((r) => setTimeout(r, 5)));
  }
}
`,
    );
    edit(dir, (c) => {
      c.run_time = 2;
      c.progress_bar = false;
    });
    const res = await oct(['run', '--local', dir], env).exited;
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    const [row] = query<{ n: number; failed: number; timed: number }>(
      resultsPath(res.stdout),
      `SELECT COUNT(*) AS n, SUM(error != '') AS failed,
              SUM(json_extract(custom_timers, '$.imported') IS NOT NULL) AS timed FROM result`,
    );
    assert.ok(row!.n > 0, 'results stored');
    assert.equal(row!.failed, 0, 'no transaction failed');
    assert.equal(row!.timed, row!.n, 'every result has the timer set by timed()');
  });

  void it('new projects declare their module type: no MODULE_TYPELESS_PACKAGE_JSON under a package.json without "type", runs under "type": "commonjs"', async (t) => {
    // A project in a directory whose package.json does not say "type" (a user's folder, a repository
    // root): without the project's own package.json, Node warns about v_user.js (an ES module), or
    // refuses it as CommonJS.
    for (const parentType of [undefined, 'commonjs']) {
      const parent = join(root, `parent-${parentType ?? 'typeless'}`);
      mkdirSync(parent);
      writeFileSync(join(parent, 'package.json'), JSON.stringify({ name: 'parent', type: parentType }));
      const dir = join(parent, 'project');
      assert.equal((await oct(['new-project', dir]).exited).code, 0);
      edit(dir, (c) => {
        c.run_time = 2;
        c.progress_bar = false;
      });
      const res = await oct(
        ['run', '--local', dir],
        turretEnv((m) => t.diagnostic(m)),
      ).exited;
      const output = `${res.stdout}\n${res.stderr}`;
      assert.equal(res.code, 0, output);
      assert.doesNotMatch(output, /MODULE_TYPELESS_PACKAGE_JSON|\[MODULE_TYPELESS/);
      const [row] = query<{ n: number; failed: number }>(
        resultsPath(res.stdout),
        `SELECT COUNT(*) AS n, SUM(error != '') AS failed FROM result`,
      );
      assert.ok(row!.n > 0, 'results stored');
      assert.equal(row!.failed, 0);
    }
  });

  void it('names the file and key of a config mistake, exits 2, no stack trace', async () => {
    const dir = join(root, 'bad');
    assert.equal((await oct(['new-project', dir]).exited).code, 0);
    edit(dir, (c) => {
      c.run_time = 'ten';
      c.turrets = [{ name: 'x', canons: 1, script: 'nowhere.js' }];
    });
    const res = await oct(['run', dir]).exited;
    assert.equal(res.code, 2);
    assert.match(res.stderr, /config\.json: config\.run_time must be a number/);
    assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
    const usage = await oct(['run']).exited;
    assert.equal(usage.code, 2);
    edit(dir, (c) => {
      c.run_time = 5;
      c.turrets = [{ name: 'x', canons: 1, script: 'v_user.js' }];
      c.min_turrets = 3;
    });
    const never = await oct(['run', '--local', dir]).exited;
    assert.equal(never.code, 2);
    assert.match(never.stderr, /config\.min_turrets is 3 but the project has 1 turret/);
  });

  void it('exits 3 at once when every --local turret exits before the start', async (t) => {
    const dir = join(root, 'broken');
    assert.equal((await oct(['new-project', dir]).exited).code, 0);
    writeFileSync(join(dir, 'v_user.js'), 'export class Transaction { this is not javascript');
    edit(dir, (c) => (c.progress_bar = false));
    const began = Date.now();
    const res = await oct(
      ['run', '--local', '--wait-timeout', '120', dir],
      turretEnv((m) => t.diagnostic(m)),
    ).exited;
    assert.equal(res.code, 3, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /every local turret exited/);
    assert.ok(Date.now() - began < 100_000, 'did not wait for the whole timeout');
  });

  void it('on SIGINT stops the turrets, keeps the results, writes the summary and exits 130', async (t) => {
    const dir = join(root, 'interrupted');
    assert.equal((await oct(['new-project', dir]).exited).code, 0);
    edit(dir, (c) => {
      c.run_time = 120;
      c.progress_bar = false;
    });
    const p = oct(
      ['run', '--local', dir],
      turretEnv((m) => t.diagnostic(m)),
    );
    await waitFor(() => /transactions [1-9]/.test(p.stdout()), 60_000, 'results to flow');
    p.child.kill('SIGINT');
    const res = await p.exited;
    assert.equal(res.code, 130, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /run interrupted/);
    const db = resultsPath(res.stdout);
    const [row] = query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM result');
    assert.ok(row!.n > 0);
    const [run] = query<{ outcome: string }>(db, 'SELECT outcome FROM run');
    assert.equal(run!.outcome, 'interrupted');
    const summary = JSON.parse(readFileSync(summaryPath(res.stdout), 'utf8')) as { transactions: number };
    assert.equal(summary.transactions, row!.n);
  });

  void it('wires rebuild-results, results-to-csv and pack-turrets to the reporter and the packer', async () => {
    assert.ok(localRun, 'the --local run test ran first');
    const { dir, db } = localRun;
    const resultsDir = join(db, '..');
    rmSync(join(resultsDir, 'report.html'), { force: true });
    const rebuilt = await oct(['rebuild', resultsDir, join(dir, 'config.json')]).exited;
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.ok(existsSync(join(resultsDir, 'report.html')));
    const csv = join(dir, 'out.csv');
    const exported = await oct(['to-csv', db, csv, '-d', ';']).exited;
    assert.equal(exported.code, 0, exported.stderr);
    const lines = readFileSync(csv, 'utf8').trim().split(/\r?\n/);
    assert.match(lines[0]!, /^[a-z_]+(;[a-z_]+)+$/, 'a ;-separated header');
    const [count] = query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM result');
    assert.ok(lines.length - 1 >= count!.n, 'one line per result at least');
    const packed = await oct(['pack', dir, '-o', join(dir, 'packs')]).exited;
    assert.equal(packed.code, 0, packed.stderr);
    assert.match(packed.stdout, /alpha\.t(ar\.)?gz/);
    const missing = await oct(['rebuild', join(dir, 'no-such-dir')]).exited;
    assert.equal(missing.code, 2);
    assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace');
  });

  void it('without --local binds publish_port / rc_port and waits for min_turrets started elsewhere', async () => {
    const dir = join(root, 'remote');
    assert.equal((await oct(['new-project', dir]).exited).code, 0);
    const [publish, rc] = [await freePort(), await freePort()];
    edit(dir, (c) => {
      c.run_time = 2;
      c.progress_bar = false;
      c.publish_port = publish;
      c.rc_port = rc;
      c.min_turrets = 2;
    });
    const p = oct(['run', '--wait-timeout', '120', dir]);
    await waitFor(() => /waiting for 2 turret/.test(p.stdout()), 30_000, 'the HQ to listen');
    assert.match(p.stdout(), new RegExp(`tcp://127\\.0\\.0\\.1:${publish}.*tcp://127\\.0\\.0\\.1:${rc}`));
    const turrets = ['one', 'two'].map((name) =>
      startTurret(dir, { name, canons: 1, hq_publisher: publish, hq_rc: rc }),
    );
    try {
      const res = await p.exited;
      assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
      const rows = query<{ turret_name: string }>(
        resultsPath(res.stdout),
        'SELECT DISTINCT turret_name FROM result ORDER BY 1',
      );
      assert.deepEqual(
        rows.map((r) => r.turret_name),
        ['one', 'two'],
      );
    } finally {
      for (const t of turrets) t.kill('SIGKILL');
    }
  });
});
