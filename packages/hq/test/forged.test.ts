/**
 * Forged messages do not change the run (issue 15, spec 7.3-7.5), with a real turret process and a
 * rogue PUSH socket on the HQ's real PULL port. The rogue sends, during the run: three `killed`
 * statuses and a rename under the real turret's uuid, 1,000 results under its uuid and name, results
 * of a turret no status announced and results under its uuid with another name. A second rogue
 * turret announces itself, aborts and goes quiet: its last words do count.
 *
 *   turret t1   <-- status_request, start, stop --> HQ PUB / PULL
 *   rogue PUSH  -- forged statuses and results -->  HQ PULL
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, it } from 'node:test';
import * as zmq from 'zeromq';
import { startRun } from '../src/index.js';
import { killAll, query, spawnTurret, tempProject, waitFor } from './helpers.js';

const p = tempProject({
  run_time: 10,
  min_turrets: 2,
  turrets: [{ name: 'placeholder', canons: 1, script: 'v_user.js' }],
});
const children: ChildProcess[] = [];
after(() => {
  killAll(children);
  p.cleanup();
});

const status = (turret: string, uuid: string, state: string): string =>
  JSON.stringify({ turret, uuid, status: state, rampup: 0, script: 'v_user.js', canons: 1 });
const result = (i: number, turret_name: string, uuid: string): string =>
  JSON.stringify({
    turret_name,
    uuid,
    elapsed: 99,
    epoch: Date.now() / 1000,
    scriptrun_time: 99,
    error: '',
    custom_timers: { forged: i },
  });

void it('keeps its turrets, names and statistics whatever a rogue sends in their name', async () => {
  const run = await startRun({
    projectDir: p.dir,
    ephemeralPorts: true,
    joinTimeoutMs: 120_000,
    lostAfterMs: 20_000,
    resultsDir: `${p.dir}/results/forged`,
  });
  const logs: string[] = [];
  run.on('log', (line) => logs.push(line));
  const push = new zmq.Push({ linger: 5000, sendHighWaterMark: 0 });
  try {
    children.push(spawnTurret('modern', p.dir, { name: 't1', canons: 1 }, run));
    await waitFor(() => run.turrets().length === 1, 60_000, 't1 to join');
    const uuid = run.turrets()[0]!.uuid;
    push.connect(`tcp://127.0.0.1:${run.rcPort}`);
    await push.send(status('doomed', 'doomed-uuid', 'ready'));
    // Joined once it answers a status_request sent after its first status (spec 8.14): it has no SUB
    // socket, so say ready again once the HQ has heard it (and asked).
    await waitFor(() => run.turrets().length === 2, 60_000, 'doomed to be heard');
    await push.send(status('doomed', 'doomed-uuid', 'ready'));
    await waitFor(() => run.phase === 'running', 60_000, 'the run to start');

    for (let i = 0; i < 3; i++) await push.send(status('t1', uuid, 'killed'));
    await push.send(status('EVIL', uuid, 'running'));
    for (let i = 0; i < 1000; i++) await push.send(result(i, 't1', uuid));
    for (let i = 0; i < 50; i++) await push.send(result(i, 'ghost', 'ghost-uuid'));
    for (let i = 0; i < 20; i++) await push.send(result(i, 'EVIL', uuid));
    // A turret's real last words: aborted, then silence.
    await push.send(status('doomed', 'doomed-uuid', 'aborted'));
  } catch (e) {
    run.stop();
    await run.done;
    throw e;
  } finally {
    push.close();
  }
  const summary = await run.done;

  assert.equal(summary.outcome, 'completed', `${summary.message}\n${logs.join('\n')}`);
  assert.equal(summary.exitCode, 0);
  assert.deepEqual(
    summary.turrets.map((t) => [t.name, t.status]).sort(),
    [
      ['doomed', 'aborted'],
      ['t1', 'ready'],
    ],
    'the forged kill and rename changed nothing; the real abort counted',
  );
  const forgedWarnings = logs.filter((l) => l.includes('forged status'));
  assert.equal(forgedWarnings.length, 1, logs.join('\n'));
  assert.match(
    forgedWarnings[0]!,
    /`killed` status of turret t1 .* followed by .*spec 7\.4.*it stays running/,
  );

  const rejects = query<{ code: string; n: number }>(
    summary.dbPath,
    'SELECT code, COUNT(*) AS n FROM reject GROUP BY code ORDER BY code',
  );
  assert.deepEqual(rejects, [
    { code: 'forged_status', n: 1 },
    { code: 'renamed', n: 1 },
  ]);
  assert.equal(summary.rejects, 2);

  // Kept aside, in no turret's count: results of a turret never announced, and under a wrong name.
  assert.equal(summary.quarantined, 70);
  assert.deepEqual(
    query(
      summary.dbPath,
      'SELECT reason, turret_name, COUNT(*) AS n FROM quarantine GROUP BY 1, 2 ORDER BY 1',
    ),
    [
      { reason: 'name_conflict', turret_name: 'EVIL', n: 20 },
      { reason: 'unannounced', turret_name: 'ghost', n: 50 },
    ],
  );
  // Forged under its real uuid and name, results cannot be told apart: they are stored, and the
  // turret's own count (accounting) shows the surplus.
  const t1 = summary.turrets.find((t) => t.name === 't1')!;
  assert.ok(t1.resultsSent !== null && t1.resultsSent > 0, 't1 reported what it sent');
  assert.deepEqual(summary.surplus, [
    { name: 't1', uuid: t1.uuid, sent: t1.resultsSent, stored: t1.resultsSent + 1000 },
  ]);
  assert.deepEqual(summary.missing, []);
  assert.equal(summary.transactions, t1.resultsSent + 1000);
});
