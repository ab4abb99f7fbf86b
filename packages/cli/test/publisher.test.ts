/**
 * `oct run` with OCT 0.4's external publisher and flags, against consumers written as OCT's users
 * wrote them (test/fixtures/oct_consumer.py, /usr/bin/python3 with Debian's python3-zmq).
 *
 *   consumer SUB "<topic>" ---- connect (before the HQ binds) ---->  HQ external PUB
 *   oct run --local -p <topic>:  HQ external PUB -- [topic, result-json] -->  consumer SUB "<topic>"
 *                                                                        -x  consumer SUB "<other>"
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { freePort, oct, query, resultsPath, turretEnv, waitFor } from './helpers.js';

const python = '/usr/bin/python3';
const consumerPy = fileURLToPath(new URL('./fixtures/oct_consumer.py', import.meta.url));
const hasZmq = spawnSync(python, ['-c', 'import zmq']).status === 0;
// CI installs python3-zmq, so there its absence is a failure; elsewhere the skip names the package.
const skip =
  hasZmq || process.env.CI ? false : 'needs /usr/bin/python3 with python3-zmq (apt-get install python3-zmq)';

const root = mkdtempSync(join(tmpdir(), 'oct-cli-publisher-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

interface Consumer {
  child: ChildProcess;
  lines: () => string[];
  /** Results received so far, and the topic each came with. */
  results: () => { count: number; topics: Set<string> };
  stderr: () => string;
}

/** Starts the Python consumer subscribed to `topic`; resolves once it has subscribed. */
async function consumer(endpoint: string, topic: string): Promise<Consumer> {
  const child = spawn(python, [consumerPy, endpoint, topic], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const c: Consumer = {
    child,
    lines: () => out.split('\n').filter((l) => l !== ''),
    results: () => {
      const rs = c.lines().filter((l) => l.startsWith('result '));
      return { count: rs.length, topics: new Set(rs.map((l) => l.split(' ')[2]!)) };
    },
    stderr: () => err,
  };
  await waitFor(
    () => {
      assert.equal(child.exitCode, null, `the consumer exited: ${err}`);
      return c.lines().includes('subscribed');
    },
    30_000,
    'the consumer to subscribe',
  );
  return c;
}

async function project(name: string, change: (c: Record<string, unknown>) => void): Promise<string> {
  const dir = join(root, name);
  const made = await oct(['new-project', dir]).exited;
  assert.equal(made.code, 0, made.stderr);
  const file = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  config.run_time = 2;
  config.progress_bar = false;
  config.min_turrets = 1;
  config.turrets = [{ name: 'alpha', canons: 2, rampup: 0, script: 'v_user.js' }];
  change(config);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return dir;
}

void describe('oct run and the external publisher, as OCT 0.4', { skip }, () => {
  void it('-p <topic>: an OCT consumer of that topic receives every stored result, one of another topic none; -o and --no-results', async (t) => {
    assert.ok(hasZmq, `${python} cannot import zmq: apt-get install python3-zmq (.ci/run does)`);
    const port = await freePort();
    const endpoint = `tcp://127.0.0.1:${port}`;
    const dir = await project('topic', (c) => (c.external_publisher = endpoint));
    // Both consumers connect before the HQ binds (ZeroMQ retries), so they hear from the first result.
    const mine = await consumer(endpoint, 'oct-test-run');
    const other = await consumer(endpoint, 'another-run');
    const out = join(root, 'out', 'run-1');
    const res = await oct(
      ['run', '--local', '-p', 'oct-test-run', '-o', out, '--no-results', dir],
      turretEnv((m) => t.diagnostic(m)),
    ).exited;
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    assert.match(
      res.stdout,
      new RegExp(`external publisher on tcp://127\\.0\\.0\\.1:${port}, topic oct-test-run`),
    );

    // -o: the results directory itself.
    const db = resultsPath(res.stdout);
    assert.equal(db, join(out, 'results.sqlite'));
    const [row] = query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM result');
    const stored = row!.n;
    assert.ok(stored > 0, 'results stored');
    // --no-results: no report, and the line says how to build it.
    assert.ok(!existsSync(join(out, 'report.html')), 'no report.html');
    assert.ok(!existsSync(join(out, 'summary.json')), 'no summary.json');
    assert.match(res.stdout, /^report: not built \(--no-results\); oct rebuild-results .+ builds it$/m);
    const rebuilt = await oct(['rebuild-results', out]).exited;
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.ok(existsSync(join(out, 'report.html')), 'rebuild-results builds it later');

    await waitFor(
      () => {
        assert.equal(mine.child.exitCode, null, `the consumer exited: ${mine.stderr()}`);
        return mine.results().count >= stored;
      },
      60_000,
      `the consumer to receive ${stored} results (has ${mine.results().count})`,
    );
    assert.equal(mine.results().count, stored, 'every stored result, once');
    assert.deepEqual([...mine.results().topics], ['oct-test-run']);
    assert.ok(other.lines().includes('connected'), 'the other consumer was connected to the publisher');
    assert.equal(other.results().count, 0, 'a consumer of another topic receives none');
    assert.equal(other.child.exitCode, null, other.stderr());
    mine.child.kill('SIGKILL');
    other.child.kill('SIGKILL');

    // -o names a new directory: one run per results file.
    const again = await oct(
      ['run', '--local', '-o', out, dir],
      turretEnv(() => undefined),
    ).exited;
    assert.equal(again.code, 2, `${again.stdout}\n${again.stderr}`);
    assert.match(again.stderr, /^oct run: -o .+: that directory already holds a results\.sqlite/m);
  });

  void it("without -p: a random hex topic printed at the start; external_publisher as OCT's port number", async (t) => {
    assert.ok(hasZmq, `${python} cannot import zmq: apt-get install python3-zmq (.ci/run does)`);
    const port = await freePort();
    const dir = await project('random-topic', (c) => (c.external_publisher = port));
    // Subscribed to "" (every topic): it sees the topic each result comes with.
    const all = await consumer(`tcp://127.0.0.1:${port}`, '');
    const res = await oct(
      ['run', '--local', dir],
      turretEnv((m) => t.diagnostic(m)),
    ).exited;
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    const printed = /^external publisher on tcp:\/\/0\.0\.0\.0:(\d+), topic ([0-9a-f]{32})$/m.exec(
      res.stdout,
    );
    assert.ok(printed, `no external publisher line in:\n${res.stdout}`);
    assert.equal(Number(printed[1]), port, 'bound on every interface at the configured port');
    const db = resultsPath(res.stdout);
    assert.ok(db.startsWith(join(dir, 'results', 'results_')), db);
    assert.ok(existsSync(join(db, '..', 'report.html')), 'the report is built by default');
    const [row] = query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM result');
    await waitFor(() => all.results().count >= row!.n, 60_000, `${row!.n} results`);
    assert.equal(all.results().count, row!.n);
    assert.deepEqual([...all.results().topics], [printed[2]]);
  });
});

void describe('oct run -o, -p, --no-results without a publisher', () => {
  void it('refuses -r with -o, an empty -p, and warns when -p has no publisher', async (t) => {
    const dir = await project('flags', () => undefined);
    const both = await oct(['run', '-r', join(root, 'a'), '-o', join(root, 'b'), dir]).exited;
    assert.equal(both.code, 2);
    assert.match(both.stderr, /-r\/--results .* and -o\/--output-dir .* are exclusive/);
    const empty = await oct(['run', '-p', '', dir]).exited;
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /-p, --publisher-channel.*must not be empty/);
    mkdirSync(join(root, 'flags-out'));
    const res = await oct(
      ['run', '--local', '-p', 'nobody', '-o', join(root, 'flags-out'), '--no-results', dir],
      turretEnv((m) => t.diagnostic(m)),
    ).exited;
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    assert.match(
      res.stderr,
      /WARNING: -p\/--publisher-channel nobody: .*config\.json has no external_publisher/,
    );
    assert.doesNotMatch(res.stdout, /external publisher on/);
    assert.ok(
      existsSync(join(root, 'flags-out', 'results.sqlite')),
      '-o: an existing empty directory is used',
    );
  });
});
