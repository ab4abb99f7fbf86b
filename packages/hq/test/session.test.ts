/**
 * Whose start is it (spec 8.12, 8.13; issue 15): an HQ counts into its run only the starts it sent.
 * A turret left firing by an HQ that was SIGKILLed is stopped by the next HQ on the same ports and
 * started afresh, and none of what it sent before (results, results_sent) is counted in the new run;
 * a reused turret's results_sent from its previous run is never compared with this run's results;
 * and the drain does not wait for a turret that never became ready.
 *
 *   HQ A (child process) PUB  -- status_request, start {run_id A} -->  turrets SUB
 *   HQ A                 PULL <-- running, results -----------------  turrets PUSH
 *     (SIGKILL: the turrets fire on)
 *   HQ B (same ports)    PUB  -- status_request {run_id B}, stop, start {run_id B}, stop -->  turrets
 *   HQ B                 PULL <-- stale results, running, ready {results_sent of A's start},
 *                                 running {run_id B}, results (seq from 0), ready {results_sent} --
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { startRun, type RunSummary, type TurretView } from '../src/index.js';
import {
  fixtures,
  freePort,
  killAll,
  query,
  spawnTurret,
  tempProject,
  waitFor,
  type TempProject,
} from './helpers.js';

const children: ChildProcess[] = [];
const projects: TempProject[] = [];
after(() => {
  killAll(children);
  for (const p of projects) p.cleanup();
});

async function project(config: Record<string, unknown>): Promise<TempProject & { ports: Ports }> {
  const ports = { publishPort: await freePort(), rcPort: await freePort() };
  const p = tempProject({
    turrets: [{ name: 'placeholder', canons: 1, script: 'v_user.js' }],
    publish_port: ports.publishPort,
    rc_port: ports.rcPort,
    ...config,
  });
  projects.push(p);
  return { ...p, ports };
}

interface Ports {
  publishPort: number;
  rcPort: number;
}

/** Changes keys of a project's config.json (between two runs on it). */
function reconfigure(dir: string, keys: Record<string, unknown>): void {
  const path = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, JSON.stringify({ ...config, ...keys }, null, 2));
}

/** An HQ in a child process (test/fixtures/hq-child.ts), and what it printed. */
function spawnHq(dir: string, resultsDir: string): { child: ChildProcess; said: Record<string, unknown>[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(fixtures, 'hq-child.ts'), dir, resultsDir], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const said: Record<string, unknown>[] = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      said.push(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
      buffer = buffer.slice(nl + 1);
    }
  });
  return { child, said };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

/** Rows of a turret in the results file, from before and from after `since` (epoch seconds). */
function rowsOf(summary: RunSummary, uuid: string, since: number): { before: number; after: number } {
  const [row] = query<{ before: number; after: number }>(
    summary.dbPath,
    'SELECT SUM(epoch < ?) AS before, SUM(epoch >= ?) AS after FROM result WHERE turret_uuid = ?',
    since,
    since,
    uuid,
  );
  return { before: row?.before ?? 0, after: row?.after ?? 0 };
}

const byName = (summary: RunSummary, name: string): TurretView => {
  const t = summary.turrets.find((x) => x.name === name);
  assert.ok(t, `turret ${name} in the summary`);
  return t;
};

void describe('whose start is it (spec 8.12, 8.13)', () => {
  void it('a new HQ on the ports of a SIGKILLed one stops the turrets it left firing, starts them afresh and counts nothing from before', async () => {
    const p = await project({ run_time: 600, min_turrets: 2 });
    const a = spawnHq(p.dir, join(p.dir, 'results', 'a'));
    await waitFor(() => a.said.some((m) => m.rcPort !== undefined), 60_000, 'HQ A to bind');
    // One turret without session (told apart by what the HQ saw of it), one with (by run_id).
    const plain = spawnTurret('modern', p.dir, { name: 'plain', canons: 2 }, p.ports);
    const session = spawnTurret(
      'modern',
      p.dir,
      { name: 'session', canons: 2, fixture_session: true },
      p.ports,
    );
    children.push(plain, session);
    await waitFor(
      () => a.said.some((m) => typeof m.transactions === 'number' && m.transactions >= 400),
      60_000,
      'HQ A to store results',
    );
    a.child.kill('SIGKILL');
    await exited(a.child);

    reconfigure(p.dir, { run_time: 3 });
    const run = await startRun({ projectDir: p.dir, resultsDir: join(p.dir, 'results', 'b') });
    const logs: string[] = [];
    run.on('log', (line) => logs.push(line));
    const summary = await run.done;

    assert.equal(summary.outcome, 'completed', summary.message);
    assert.deepEqual(summary.missing, [], 'nothing sent for HQ A is counted as missing from B');
    assert.ok(summary.startedAt !== null);
    let stale = 0;
    for (const name of ['plain', 'session']) {
      const t = byName(summary, name);
      const rows = rowsOf(summary, t.uuid, summary.startedAt);
      stale += rows.before;
      assert.ok(rows.after > 0, `${name}: fired for run B`);
      assert.equal(t.resultsStored, rows.after, `${name}: only results of B's start are counted as stored`);
      assert.equal(t.resultsSent, rows.after, `${name}: results_sent is that of B's start`);
    }
    // The session turret stopped by itself on hearing run B's advertisement (spec 8.10); the other
    // one answered "running" and B stopped it (spec 8.13).
    const plainUuid = byName(summary, 'plain').uuid;
    assert.ok(
      logs.some((l) => l.includes(plainUuid) && l.includes('did not send') && l.includes('stopping it')),
      `B said it stopped the turret without session\n${logs.join('\n')}`,
    );
    assert.ok(stale > 0, 'the turrets sent results to B before B started them (the case under test)');
    assert.ok(
      logs.some((l) => /WARNING: .*result\(s\) it sent for a start this HQ did not send/.test(l)),
      logs.join('\n'),
    );
  });

  void it("never compares a reused turret's results_sent from its previous run with this run", async () => {
    const p = await project({ run_time: 2, min_turrets: 1 });
    const first = await startRun({ projectDir: p.dir, resultsDir: join(p.dir, 'results', 'r1') });
    const reused = spawnTurret('modern', p.dir, { name: 'reused', canons: 2 }, p.ports);
    children.push(reused);
    const one = await first.done;
    assert.equal(one.outcome, 'completed', one.message);
    const sentBefore = byName(one, 'reused').resultsSent ?? 0;
    assert.ok(sentBefore > 50, `the first run counted ${sentBefore} results from it`);

    // Second run: the reused turret reports ready with that count, is started, then dies mid-run.
    reconfigure(p.dir, { run_time: 3, min_turrets: 2 });
    const second = await startRun({
      projectDir: p.dir,
      resultsDir: join(p.dir, 'results', 'r2'),
      lostAfterMs: 1500,
    });
    const fresh = spawnTurret('modern', p.dir, { name: 'fresh', canons: 1 }, p.ports);
    children.push(fresh);
    await waitFor(() => second.phase === 'running', 60_000, 'the second run to start');
    reused.kill('SIGKILL');
    const two = await second.done;

    assert.equal(two.outcome, 'completed', two.message);
    assert.deepEqual(two.missing, [], `the first run's results_sent (${sentBefore}) was compared`);
    const r = byName(two, 'reused');
    assert.equal(r.status, 'lost');
    assert.equal(r.resultsSent, null, 'it never reported a count for this run');
    const f = byName(two, 'fresh');
    assert.ok(f.resultsSent !== null && f.resultsSent > 0);
    assert.equal(f.resultsSent, f.resultsStored);
  });

  void it('does not hold the drain up for a turret that never became ready', async () => {
    const p = await project({ run_time: 2, min_turrets: 1 });
    const run = await startRun({ projectDir: p.dir, resultsDir: join(p.dir, 'results', 'r1') });
    const joined = new Set<string>();
    run.on('turret', (e) => {
      if (e.kind === 'joined') joined.add(e.turret.name);
    });
    const stuck = spawnTurret('modern', p.dir, { name: 'stuck', canons: 1, fixture_never_ready: true }, run);
    children.push(stuck);
    await waitFor(() => joined.has('stuck'), 60_000, 'the stuck turret to report initialized');
    children.push(spawnTurret('modern', p.dir, { name: 'ok', canons: 1 }, run));
    const summary = await run.done;

    assert.equal(summary.outcome, 'completed', summary.message);
    assert.ok(summary.stoppedAt !== null);
    const drained = summary.finishedAt - summary.stoppedAt;
    assert.ok(
      drained < 10,
      `the drain took ${drained.toFixed(1)} s (bound 20 s): it waited for the stuck turret`,
    );
    assert.equal(byName(summary, 'stuck').status, 'initialized');
    assert.deepEqual(summary.missing, []);
    const ok = byName(summary, 'ok');
    assert.ok(ok.resultsSent !== null && ok.resultsSent > 0);
    assert.equal(ok.resultsSent, ok.resultsStored);
  });
});
