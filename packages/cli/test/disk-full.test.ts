/**
 * `oct run --local` whose results directory fills up, on a real 2 MB tmpfs (mounting needs root:
 * elsewhere the test is skipped with one line, and fails in CI).
 *
 *   oct (HQ PUB/PULL on free ports)  <-->  local turret (accounting)
 *   results.sqlite on the tmpfs: SQLite refuses a transaction (disk full) part-way through the run
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, it } from 'node:test';
import { oct, query, resultsPath, turretEnv } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'oct-cli-disk-full-'));
after(() => rmSync(root, { recursive: true, force: true }));

void it('a results directory that fills up: turrets stopped, counts equal to the rows in the file, the rest stated as not stored, one line for the report, exit 5, nothing partial left', async (t) => {
  const mnt = join(root, 'full');
  mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (e) {
    const why = `cannot mount a 2 MB tmpfs (${String((e as Error).message).split('\n')[0]}): disk-full test skipped`;
    assert.notEqual(process.env.CI, 'true', why);
    t.skip(why);
    return;
  }
  try {
    const dir = join(root, 'project');
    assert.equal((await oct(['new-project', dir]).exited).code, 0);
    const file = join(dir, 'config.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    // Far longer than 2 MB of results takes: the disk is full long before run_time.
    config.run_time = 120;
    config.progress_bar = false;
    config.turrets = [{ name: 'alpha', canons: 4, rampup: 0, script: 'v_user.js' }];
    writeFileSync(file, JSON.stringify(config, null, 2));

    const res = await oct(
      ['run', '--local', '-r', mnt, dir],
      turretEnv((m) => t.diagnostic(m)),
    ).exited;
    const output = `${res.stdout}\n${res.stderr}`;
    assert.equal(res.code, 5, output);
    assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');
    assert.doesNotMatch(output, /unexpected error/);
    assert.match(
      res.stdout,
      /^run store failed: results can no longer be stored: storing results in .* failed: database or disk is full$/m,
    );
    assert.equal(output.match(/WARNING: results can no longer be stored/g)?.length, 1, 'said once');
    // The turrets were stopped, long before run_time.
    const secs = Number(/^transactions: \d+, errors: \d+.* in ([\d.]+) s$/m.exec(res.stdout)?.[1]);
    assert.ok(secs < 100, `stopped after ${secs} s`);

    // The console's count is the rows in the file; the rest is stated as received but not stored,
    // and with accounting, what the turret sent is all accounted for.
    const db = resultsPath(res.stdout);
    const [{ n: rows } = { n: -1 }] = query<{ n: number }>(db, 'SELECT count(*) AS n FROM result');
    const shown = Number(/^transactions: (\d+),/m.exec(res.stdout)?.[1]);
    assert.equal(shown, rows, output);
    const notStored = Number(/^WARNING: (\d+) results received but not stored/m.exec(res.stderr)?.[1]);
    assert.ok(notStored > 0, output);
    const turret = /^ {2}alpha \(.*\) (\w+): stored (\d+), sent (\d+)$/m.exec(res.stdout);
    assert.ok(turret, output);
    assert.equal(turret[1], 'ready', 'the turret was stopped');
    assert.equal(Number(turret[2]), rows);
    assert.equal(Number(turret[3]), rows + notStored, 'sent = stored + received but not stored');
    assert.match(res.stderr, new RegExp(`sent ${turret[3]} results, ${rows} stored: ${notStored} missing`));

    // The report: written if there was room, else one line saying so; never a partial file.
    const resultsDir = dirname(db);
    const files = readdirSync(resultsDir);
    for (const f of files) {
      assert.doesNotMatch(f, /\.tmp$/, `temporary file left: ${f}`);
      assert.ok(statSync(join(resultsDir, f)).size > 0, `empty file left: ${f}`);
    }
    if (files.includes('summary.json')) {
      const summary = JSON.parse(readFileSync(join(resultsDir, 'summary.json'), 'utf8')) as {
        transactions: number;
        results_not_stored: number;
      };
      assert.equal(summary.transactions, rows);
      assert.equal(summary.results_not_stored, notStored);
    } else {
      const lines = res.stderr.split('\n').filter((l) => /report not written/.test(l));
      assert.equal(lines.length, 1, res.stderr);
      assert.match(
        lines[0]!,
        /^oct: report not written \(cannot write .*report\.html: ENOSPC: no space left on device, write\), nor summary\.json; once there is room, `oct rebuild-results .*` writes them$/,
      );
      assert.ok(!files.includes('report.html'));
    }
  } finally {
    execFileSync('umount', [mnt]);
  }
});
