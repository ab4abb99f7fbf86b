/**
 * No frame can stop the receive path (issue 15): hostile frames pushed to the HQ's real PULL socket
 * while a real turret process is connected. Afterwards the receive loop still takes frames (the
 * valid results sent after them are stored, a second turret joins and the run starts), the first
 * turret is never lost, the run completes, and every hostile frame is in the reject table with its
 * code, a bounded reason, its size and its first 64 KiB.
 *
 *   test PUSH    -- hostile frames, then valid results -->  HQ PULL
 *   turret (x2)  <-- status_request, start, stop -------->  HQ PUB / PULL
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, it } from 'node:test';
import * as zmq from 'zeromq';
import { startRun, type TurretEvent } from '../src/index.js';
import { REJECT_KEEP_BYTES, REJECT_REASON_CHARS } from '../src/store/store.js';
import { announcement, hostileFrames, validResult } from './hostile-frames.js';
import { killAll, query, spawnTurret, tempProject } from './helpers.js';

const p = tempProject({
  run_time: 3,
  min_turrets: 2,
  turrets: [{ name: 'placeholder', canons: 1, script: 'v_user.js' }],
});
const children: ChildProcess[] = [];
after(() => {
  killAll(children);
  p.cleanup();
});

void it('survives every hostile frame: later results stored, no turret lost, the run completes, each frame in the reject table', async () => {
  const run = await startRun({
    projectDir: p.dir,
    ephemeralPorts: true,
    joinTimeoutMs: 170_000,
    resultsDir: `${p.dir}/results/hostile`,
  });
  // Anything that shows the receive path has stopped fails the test at once, with the reason.
  const trouble: string[] = [];
  run.on('turret', (e: TurretEvent) => {
    // The test's own sender announces itself and then goes quiet: it is lost, as it should be.
    if (e.kind === 'lost' && e.turret.name !== 'fuzzer') trouble.push(`turret ${e.turret.name} lost`);
  });
  run.on('log', (line: string) => {
    // Its results are stored but never its run's (it never fires): said once at the end, as it should be.
    if (line.startsWith('WARNING') && !line.includes('fuzzer (fuzz-uuid)')) trouble.push(line.slice(0, 300));
  });
  let stored = 0;
  let rejects = 0;
  run.on('progress', (e) => {
    stored = e.transactions;
    rejects = e.rejects;
  });
  const until = async (predicate: () => boolean, what: string, timeoutMs = 90_000): Promise<void> => {
    const end = Date.now() + timeoutMs;
    while (!predicate()) {
      if (trouble.length > 0) throw new Error(`waiting for ${what}: ${trouble.join('; ')}`);
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const push = new zmq.Push({ linger: 5000, sendHighWaterMark: 0 });
  const hostile = hostileFrames();
  const VALID = 50;
  try {
    await fire();
  } catch (e) {
    run.stop(); // rather than leave it waiting for turrets until joinTimeoutMs
    await run.done;
    throw e;
  } finally {
    push.close();
  }
  async function fire(): Promise<void> {
    children.push(spawnTurret('modern', p.dir, { name: 'first', canons: 1 }, run));
    await until(() => run.turrets().length === 1, 'the first turret to join');

    push.connect(`tcp://127.0.0.1:${run.rcPort}`);
    await push.send(announcement());
    for (const h of hostile) await push.send(h.frame);
    for (let i = 0; i < VALID; i++) await push.send(validResult(i));
    // A timer named __proto__, in the legacy numeric-string form: a timer like any other.
    await push.send(
      JSON.stringify({
        turret_name: 'fuzzer',
        uuid: 'fuzz-uuid',
        elapsed: 9,
        epoch: 1_700_000_000,
        scriptrun_time: 0.5,
        error: 'proto-timer',
        custom_timers: JSON.parse('{"__proto__": "0.25", "t": "0.5"}') as Record<string, string>,
      }),
    );
    await until(
      () => stored >= VALID + 1 && rejects >= hostile.length,
      `${VALID + 1} stored and ${hostile.length} rejected (have ${stored}, ${rejects})`,
    );
    // The receive path still works: the second turret's statuses arrive and the run starts.
    children.push(spawnTurret('modern', p.dir, { name: 'second', canons: 1 }, run));
    await until(() => run.turrets().length === 2, 'the second turret to join');
  }
  const summary = await run.done;
  assert.deepEqual(trouble, [], 'no turret lost, no warning');
  assert.equal(summary.outcome, 'completed', summary.message);
  assert.equal(summary.exitCode, 0);
  const turrets = summary.turrets.filter((t) => t.name !== 'fuzzer');
  assert.deepEqual(
    turrets.map((t) => [t.name, t.status]),
    [
      ['first', 'ready'],
      ['second', 'ready'],
    ],
  );
  assert.deepEqual(summary.missing, [], 'accounting: every result the turrets sent is stored');
  for (const t of turrets) assert.ok(t.resultsStored > 0, `${t.name} stored results`);

  const [fuzzer] = query<{ n: number }>(
    summary.dbPath,
    "SELECT COUNT(*) AS n FROM result WHERE turret_name = 'fuzzer'",
  );
  assert.equal(fuzzer!.n, VALID + 1, 'every valid result sent after the hostile frames is stored');
  const [protoTimer] = query<{ custom_timers: string }>(
    summary.dbPath,
    "SELECT custom_timers FROM result WHERE error = 'proto-timer'",
  );
  assert.equal(protoTimer?.custom_timers, '{"__proto__":0.25,"t":0.5}');

  assert.equal(summary.rejects, hostile.length, 'every hostile frame rejected, nothing else');
  const rows = query<{ code: string; reason: string; frame_size: number; frame: Buffer }>(
    summary.dbPath,
    'SELECT code, reason, frame_size, frame FROM reject ORDER BY id',
  );
  assert.equal(rows.length, hostile.length);
  hostile.forEach((h, i) => {
    const row = rows[i]!;
    const what = `${h.shape} (reject ${row.code}: ${row.reason.slice(0, 200)})`;
    assert.equal(row.code, h.code, what);
    assert.ok(row.reason.length > 0 && row.reason.length <= REJECT_REASON_CHARS, `${what}: reason bounded`);
    assert.equal(row.frame_size, h.frame.length, `${what}: size`);
    const sample = h.frame.subarray(0, REJECT_KEEP_BYTES);
    assert.ok(Buffer.from(row.frame).equals(sample), `${what}: the frame's first 64 KiB kept`);
  });
});
