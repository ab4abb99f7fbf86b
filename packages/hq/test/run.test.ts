/**
 * A whole run against real fixture turret processes over real sockets.
 *
 *   HQ PUB  -- status_request, set_transaction_context, start, stop -->  turret SUB
 *   HQ PULL <-- status, result / batch ----------------------------------  turret PUSH
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { startRun, type RunSummary } from '../src/index.js';
import { killAll, query, spawnTurret, tempProject, waitFor, type TempProject } from './helpers.js';

const children: ChildProcess[] = [];
const projects: TempProject[] = [];
after(() => {
  killAll(children);
  for (const p of projects) p.cleanup();
});

function project(config: Record<string, unknown>): TempProject {
  const p = tempProject({ turrets: [{ name: 'placeholder', canons: 1, script: 'v_user.js' }], ...config });
  projects.push(p);
  return p;
}

function perTurret(summary: RunSummary): Map<string, number> {
  const rows = query<{ turret_name: string | null; n: number }>(
    summary.dbPath,
    'SELECT turret_name, COUNT(*) AS n FROM result GROUP BY turret_name',
  );
  return new Map(rows.map((r) => [r.turret_name ?? '(unattributed)', r.n]));
}

void describe('a run', () => {
  void it('starts min_turrets turrets (modern json, modern protobuf, legacy), stores their results and drains with accounting', async () => {
    const p = project({ run_time: 3, min_turrets: 3 });
    const run = await startRun({
      projectDir: p.dir,
      ephemeralPorts: true,
      resultsDir: `${p.dir}/results/r1`,
    });
    children.push(
      spawnTurret('modern', p.dir, { name: 'json', canons: 2 }, run),
      spawnTurret('modern', p.dir, { name: 'proto', canons: 2, fixture_encoding: 'protobuf' }, run),
      spawnTurret('legacy', p.dir, { name: 'legacy', cannons: '2' }, run),
    );
    const summary = await run.done;
    assert.equal(summary.outcome, 'completed', summary.message);
    assert.equal(summary.exitCode, 0);
    const counts = perTurret(summary);
    assert.ok((counts.get('json') ?? 0) > 0, 'json turret stored results');
    assert.ok((counts.get('proto') ?? 0) > 0, 'protobuf turret stored results');
    assert.ok((counts.get('(unattributed)') ?? 0) > 0, 'legacy results stored as unattributed');
    assert.equal(summary.unattributed, counts.get('(unattributed)'));
    assert.deepEqual(summary.missing, [], 'accounting: every sent result stored');
    const byName = new Map(summary.turrets.map((t) => [t.name, t]));
    for (const name of ['json', 'proto']) {
      const t = byName.get(name)!;
      assert.equal(t.resultsSent, t.resultsStored, `${name}: sent = stored`);
      assert.equal(t.protocol, '1.0');
    }
    const legacy = byName.get('legacy')!;
    assert.equal(legacy.protocol, null);
    assert.notEqual(legacy.status, 'lost', 'legacy turret survived the run (no direct order reached it)');
    const turretRows = query<{ name: string; status: string }>(
      summary.dbPath,
      'SELECT name, status FROM turret',
    );
    assert.equal(turretRows.length, 3);
    const runRow = query<{ outcome: string; started_at: number; finished_at: number }>(
      summary.dbPath,
      'SELECT * FROM run',
    );
    assert.equal(runRow[0]!.outcome, 'completed');
    assert.ok(runRow[0]!.finished_at > runRow[0]!.started_at);
    assert.equal(summary.rejects, 0);
  });

  void it('waits for min_turrets before starting, and starts a turret that joins late', async () => {
    const p = project({ run_time: 4, min_turrets: 2 });
    const run = await startRun({
      projectDir: p.dir,
      ephemeralPorts: true,
      resultsDir: `${p.dir}/results/r2`,
    });
    const joined: string[] = [];
    run.on('turret', (e) => {
      if (e.kind === 'joined') joined.push(e.turret.name);
    });
    children.push(spawnTurret('modern', p.dir, { name: 'first', canons: 1 }, run));
    await waitFor(() => joined.includes('first'), 30_000, 'first turret to join');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(run.phase, 'waiting', 'one turret of min_turrets 2 does not start the run');
    const legacy = spawnTurret('legacy', p.dir, { name: 'second', cannons: 1 }, run);
    children.push(legacy);
    await waitFor(() => run.phase === 'running', 30_000, 'the run to start');
    // A third turret joins after the start: it must still get `start`.
    children.push(spawnTurret('modern', p.dir, { name: 'late', canons: 1 }, run));
    const summary = await run.done;
    assert.equal(summary.outcome, 'completed', summary.message);
    const counts = perTurret(summary);
    assert.ok((counts.get('first') ?? 0) > 0);
    assert.ok((counts.get('(unattributed)') ?? 0) > 0, 'legacy second turret fired');
    assert.ok((counts.get('late') ?? 0) > 0, 'late turret got start and fired');
    assert.equal(legacy.exitCode, null, 'the legacy turret never got a direct order (it would have crashed)');
    const second = summary.turrets.find((t) => t.protocol === null)!;
    assert.notEqual(second.status, 'lost');
  });

  void it('marks a turret killed with SIGKILL as lost and completes with the others', async () => {
    const p = project({ run_time: 5, min_turrets: 2 });
    const run = await startRun({
      projectDir: p.dir,
      ephemeralPorts: true,
      lostAfterMs: 3000,
      resultsDir: `${p.dir}/results/r3`,
    });
    const victim = spawnTurret('modern', p.dir, { name: 'victim', canons: 1 }, run);
    children.push(victim, spawnTurret('modern', p.dir, { name: 'survivor', canons: 1 }, run));
    await waitFor(() => run.phase === 'running', 30_000, 'the run to start');
    let lost = '';
    run.on('turret', (e) => {
      if (e.kind === 'lost') lost = e.turret.name;
    });
    await new Promise((r) => setTimeout(r, 500));
    victim.kill('SIGKILL');
    const summary = await run.done;
    assert.equal(summary.outcome, 'completed', summary.message);
    assert.equal(lost, 'victim');
    const byName = new Map(summary.turrets.map((t) => [t.name, t]));
    assert.equal(byName.get('victim')!.status, 'lost');
    assert.notEqual(byName.get('survivor')!.status, 'lost');
    assert.ok((perTurret(summary).get('survivor') ?? 0) > 0);
    const rows = query<{ status: string }>(summary.dbPath, "SELECT status FROM turret WHERE name = 'victim'");
    assert.equal(rows[0]!.status, 'lost');
  });

  void it('ends with all_turrets_dead (exit 4) when every turret is gone', async () => {
    const p = project({ run_time: 30, min_turrets: 1 });
    const run = await startRun({
      projectDir: p.dir,
      ephemeralPorts: true,
      lostAfterMs: 1500,
      maxDrainMs: 3000,
      resultsDir: `${p.dir}/results/r4`,
    });
    const only = spawnTurret('modern', p.dir, { name: 'only', canons: 1 }, run);
    children.push(only);
    await waitFor(() => run.phase === 'running', 30_000, 'the run to start');
    only.kill('SIGKILL');
    const summary = await run.done;
    assert.equal(summary.outcome, 'all_turrets_dead');
    assert.equal(summary.exitCode, 4);
  });

  void it('ends with all_turrets_dead (exit 4), not completed, when the only turret dies near the end', async () => {
    const p = project({ run_time: 3, min_turrets: 1 });
    const run = await startRun({
      projectDir: p.dir,
      ephemeralPorts: true,
      lostAfterMs: 2000,
      resultsDir: `${p.dir}/results/r4b`,
    });
    const only = spawnTurret('modern', p.dir, { name: 'only', canons: 1 }, run);
    children.push(only);
    await waitFor(() => run.phase === 'running', 30_000, 'the run to start');
    const started = performance.now();
    // Near the end of run_time (or in the drain already, on a slow machine: the same verdict).
    await waitFor(
      () => performance.now() - started >= 2_000 || run.phase !== 'running',
      30_000,
      'the last second',
    );
    only.kill('SIGKILL');
    const summary = await run.done;
    assert.equal(summary.outcome, 'all_turrets_dead', summary.message);
    assert.equal(summary.exitCode, 4);
    assert.match(summary.message, /every turret is gone: only lost/);
  });

  void it('ends with no_turrets (exit 3) when no turret joins in time', async () => {
    const p = project({ run_time: 2 });
    const run = await startRun({
      projectDir: p.dir,
      ephemeralPorts: true,
      joinTimeoutMs: 1500,
      resultsDir: `${p.dir}/results/r5`,
    });
    const summary = await run.done;
    assert.equal(summary.outcome, 'no_turrets');
    assert.equal(summary.exitCode, 3);
    assert.match(summary.message, /0 of 1 turret/);
  });

  void it('stops on abort, keeps every result received and says interrupted (130)', async () => {
    const p = project({ run_time: 60 });
    const ac = new AbortController();
    const run = await startRun({
      projectDir: p.dir,
      ephemeralPorts: true,
      signal: ac.signal,
      resultsDir: `${p.dir}/results/r6`,
    });
    children.push(spawnTurret('modern', p.dir, { name: 'a', canons: 2 }, run));
    let seen = 0;
    const phases: string[] = [];
    for await (const e of run) {
      phases.push(e.phase);
      seen = e.transactions;
      if (seen > 0) break;
    }
    ac.abort();
    const rest: string[] = [];
    for await (const e of run) rest.push(e.phase); // ends by itself when the run finishes
    assert.ok(phases.includes('running'));
    assert.ok(!rest.includes('running'), 'no running progress after the abort');
    const summary = await run.done;
    assert.equal(summary.outcome, 'interrupted');
    assert.equal(summary.exitCode, 130);
    assert.ok(summary.transactions >= seen);
    assert.deepEqual(summary.missing, [], 'drained after the stop');
    const [row] = query<{ n: number }>(summary.dbPath, 'SELECT COUNT(*) AS n FROM result');
    assert.equal(row!.n, summary.transactions);
  });
});
