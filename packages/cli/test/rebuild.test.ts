/**
 * `oct rebuild-results <results_dir> [config] -f <file>` as OCT had it: `-f` is a path, absolute or
 * relative to the current directory; a relative path found only in <results_dir> still works (what
 * `-f <name>` meant before). The report always goes into <results_dir>.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { resolveResultsFile } from '../src/results-file.js';
import { oct } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'oct-cli-rebuild-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A results file in the original OCT's layout (tables result, turret) holding `n` results. */
function octResults(path: string, n: number): string {
  mkdirSync(join(path, '..'), { recursive: true });
  const db = new Database(path);
  db.exec(`
    CREATE TABLE "result" ("id" INTEGER NOT NULL PRIMARY KEY, "turret_name" VARCHAR(255), "elapsed" REAL NOT NULL,
      "epoch" REAL NOT NULL, "scriptrun_time" REAL NOT NULL, "error" TEXT NOT NULL, "custom_timers" TEXT NOT NULL);
    CREATE TABLE "turret" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL, "cannons" INTEGER NOT NULL,
      "script" TEXT NOT NULL, "uuid" TEXT NOT NULL, "rampup" INTEGER NOT NULL, "status" TEXT NOT NULL,
      "updated_at" DATETIME NOT NULL);
  `);
  const insert = db.prepare(
    'INSERT INTO result (turret_name, elapsed, epoch, scriptrun_time, error, custom_timers) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (let i = 0; i < n; i++) insert.run(null, i / 10, 1463062981 + Math.floor(i / 10), 0.1, '', '{}');
  db.close();
  return path;
}

/** The transactions of the summary.json just written into `dir`. */
function transactions(dir: string): number {
  return (JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { transactions: number })
    .transactions;
}

void describe('oct rebuild-results -f', () => {
  const config = join(root, 'config.json');
  writeFileSync(config, JSON.stringify({ run_time: 6, results_ts_interval: 1, turrets: [] }));

  void it('takes an absolute path to a results file outside <results_dir>', async () => {
    const dir = join(root, 'abs-out');
    mkdirSync(dir);
    const file = octResults(join(root, 'elsewhere', 'results.sqlite'), 20);
    const res = await oct(['rebuild-results', dir, config, '-f', file]).exited;
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`^report: +${join(dir, 'report.html')}$`, 'm'));
    assert.equal(transactions(dir), 20);
    assert.ok(!existsSync(join(root, 'elsewhere', 'report.html')), 'the report goes into <results_dir>');
  });

  void it('takes a path relative to the current directory, before one relative to <results_dir>', async () => {
    const cwd = join(root, 'cwd');
    const dir = join(root, 'rel-out');
    octResults(join(cwd, 'runs', 'old.sqlite'), 30);
    octResults(join(dir, 'runs', 'old.sqlite'), 40); // same relative path from <results_dir>
    const res = await oct(
      ['rebuild-results', dir, config, '-f', join('runs', 'old.sqlite')],
      process.env,
      cwd,
    ).exited;
    assert.equal(res.code, 0, res.stderr);
    assert.equal(transactions(dir), 30, 'the file relative to the current directory, as OCT');
  });

  void it('still finds a name inside <results_dir> (what -f meant before), and results.sqlite by default', async () => {
    const dir = join(root, 'in-dir');
    octResults(join(dir, 'other.sqlite'), 50);
    octResults(join(dir, 'results.sqlite'), 60);
    const named = await oct(['rebuild', dir, config, '--results-file', 'other.sqlite'], process.env, root)
      .exited;
    assert.equal(named.code, 0, named.stderr);
    assert.equal(transactions(dir), 50);
    const byDefault = await oct(['rebuild', dir, config], process.env, root).exited;
    assert.equal(byDefault.code, 0, byDefault.stderr);
    assert.equal(transactions(dir), 60);
  });

  void it('names every place it looked when the file is nowhere, in one line (exit 2)', async () => {
    const dir = join(root, 'missing');
    mkdirSync(dir);
    const res = await oct(['rebuild-results', dir, '-f', 'nope.sqlite'], process.env, root).exited;
    assert.equal(res.code, 2);
    assert.equal(
      res.stderr.trim(),
      `oct: nope.sqlite: results file not found (neither ${join(root, 'nope.sqlite')} nor ${join(dir, 'nope.sqlite')} exists)`,
    );
    const abs = await oct(['rebuild-results', dir, '-f', join(root, 'nope.sqlite')]).exited;
    assert.equal(abs.code, 2);
    assert.equal(abs.stderr.trim(), `oct: ${join(root, 'nope.sqlite')}: results file not found`);
    const both = await oct([
      'rebuild-results',
      dir,
      '-f',
      'x.sqlite',
      '--db',
      'postgresql://h/db',
      '--run',
      '1',
    ]).exited;
    assert.equal(both.code, 2);
    assert.match(both.stderr, /-f\/--results-file and --db are exclusive/);
  });

  void it('resolveResultsFile: absolute as is, then the current directory, then <results_dir>', () => {
    const cwd = join(root, 'unit-cwd');
    const dir = join(root, 'unit-dir');
    octResults(join(dir, 'a.sqlite'), 1);
    octResults(join(cwd, 'b.sqlite'), 1);
    octResults(join(dir, 'b.sqlite'), 1);
    assert.equal(resolveResultsFile(join(dir, 'a.sqlite'), '/nowhere', cwd), join(dir, 'a.sqlite'));
    assert.equal(resolveResultsFile('a.sqlite', dir, cwd), join(dir, 'a.sqlite'));
    assert.equal(resolveResultsFile('b.sqlite', dir, cwd), join(cwd, 'b.sqlite'));
    assert.throws(() => resolveResultsFile('c.sqlite', dir, cwd), /c\.sqlite: results file not found/);
  });
});
