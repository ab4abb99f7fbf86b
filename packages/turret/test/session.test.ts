/**
 * The `session` extension (spec 8.8 to 8.11), against the real CLI over real sockets: a turret does
 * not outlive its HQ by accident. It stops when the HQ that advertised `session` goes silent for
 * `hq_timeout`, and when a new HQ on the same ports advertises another run; under a legacy HQ (or a
 * 1.x HQ without `session`) it never stops on its own.
 *
 * harness A PUB  -- status_request {.., session, run_id A}, start {run_id A} -->  turret SUB
 * harness A PULL <-- running {run_id A}, results (seq) --------------------------  turret PUSH
 *   (A closes its sockets, as a SIGKILLed HQ does)
 * harness B PUB  -- status_request {.., session, run_id B} -->  turret: stops (8.10)
 * harness B PULL <-- ready {run_id A, results_sent} -----------  turret
 * harness B PUB  -- start {run_id B} -->  running {run_id B}, seq from 0, ready {run_id B, results_sent}
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  FIXTURES,
  Harness,
  spawnTurret,
  tempDir,
  type StatusReceived,
  type TurretProcess,
} from './harness.js';

const ALL = ['batch', 'protobuf', 'accounting', 'session'];

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A turret on `quick.js` with the given hq_timeout, ready and known to `h`. */
async function readyTurret(
  h: Harness,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<{ turret: TurretProcess; uuid: string }> {
  const tmp = tempDir();
  const cfg = h.writeConfig(tmp.dir, { name, canons: 4, script: `${FIXTURES}/quick.js`, ...extra });
  const turret = spawnTurret(['start', '--config', cfg]);
  cleanups.push(tmp.cleanup, () => turret.stop());
  const { uuid } = await h.ready(name);
  return { turret, uuid };
}

/**
 * Advertises until the turret's answer shows the advertisement was heard (its subscription is live,
 * so later commands are not lost to the slow joiner); returns that answer.
 */
async function advertiseUntilHeard(
  h: Harness,
  uuid: string,
  msg: Record<string, unknown> | null,
): Promise<StatusReceived> {
  for (let i = 0; ; i++) {
    const from = h.statuses.length;
    await h.send('status_request', msg);
    try {
      return await h.waitFor(
        () => h.statuses.slice(from).find((s) => s.uuid === uuid),
        `an answer to status_request from ${uuid}`,
        1000,
      );
    } catch (e) {
      if (i >= 20) throw e;
    }
  }
}

const session = (runId: string, capabilities = ALL): Record<string, unknown> => ({
  protocol: '1.0',
  capabilities,
  run_id: runId,
});

void describe('session: a turret does not outlive its HQ (spec 8.8 to 8.11)', () => {
  void it('stops within hq_timeout when its session HQ goes silent, sends its results and returns to ready (spec 8.11)', async () => {
    const h = await Harness.create();
    cleanups.push(() => h.close());
    const { turret, uuid } = await readyTurret(h, 'silent', { hq_timeout: 2 });
    await advertiseUntilHeard(h, uuid, session('run-silent'));
    const sFrom = h.statuses.length;
    const rFrom = h.results.length;
    await h.send('start', 'open fire', '', { run_id: 'run-silent' });
    const lastWord = Date.now(); // the HQ says nothing from here on
    const running = await h.waitStatus('running', { uuid, from: sFrom });
    assert.equal(running.raw.run_id, 'run-silent', 'the running status names the start it obeys (spec 8.9)');
    await h.waitResults(uuid, 1, rFrom);

    const ready = await h.waitStatus('ready', { uuid, from: sFrom, timeoutMs: 30_000 });
    const after = ready.at - lastWord;
    assert.ok(after >= 2000, `stopped ${after} ms after the last command, before hq_timeout (2 s)`);
    assert.ok(after < 2000 + 6000, `stopped ${after} ms after the last command: hq_timeout 2 s + 6 s slack`);
    assert.equal(ready.raw.run_id, 'run-silent');
    // Everything the turret sent after its ready status would arrive before its next status: ask for one.
    const probe = h.statuses.length;
    await h.send('status_request', session('run-silent'));
    await h.waitStatus('ready', { uuid, from: probe });
    const results = h.resultsOf(uuid, rFrom);
    assert.ok(results.length > 0);
    assert.ok(
      results.every((r) => r.at <= ready.at),
      'no result after the ready status: it stopped firing',
    );
    assert.equal(ready.results_sent, results.length, 'its results were sent, and counted (spec 8.6)');
    assert.deepEqual(
      results.map((r) => r.seq),
      results.map((_, i) => i),
    );
    assert.match(turret.stderr(), /hq_timeout 2 s.*spec 8\.11/);
  });

  void it('never stops on its own under a legacy HQ, a 1.x HQ without session, or a legacy HQ after a session HQ (spec 8.3, 8.11)', async () => {
    const h = await Harness.create();
    cleanups.push(() => h.close());
    const { turret, uuid } = await readyTurret(h, 'legacy-hq', { hq_timeout: 1 });
    // Under a legacy HQ its results carry no uuid (spec 12.2): they are told by their turret_name.
    const mine = (from: number) =>
      h.results
        .slice(from)
        .filter((r) => r.uuid === uuid || (r.uuid === null && r.turret_name === 'legacy-hq'));
    const cases: [string, Record<string, unknown> | null][] = [
      ['a legacy HQ (status_request msg null, as OCT 0.4 sends while waiting)', null],
      ['a 1.x HQ that does not advertise session', session('run-x', ['batch', 'accounting'])],
    ];
    for (const [what, msg] of cases) {
      await advertiseUntilHeard(h, uuid, msg);
      const sFrom = h.statuses.length;
      const rFrom = h.results.length;
      await h.send('start');
      const t0 = Date.now();
      await h.waitStatus('running', { uuid, from: sFrom });
      // Silence for four times hq_timeout: results still arrive, and nothing but running was said.
      await h.waitFor(
        () => mine(rFrom).some((r) => r.at > t0 + 4000),
        `${what}: results 4 s after the start`,
      );
      assert.deepEqual(
        h.statuses.slice(sFrom).filter((s) => s.uuid === uuid && s.status !== 'running'),
        [],
        `${what}: the turret stopped on its own`,
      );
      const stopFrom = h.statuses.length;
      await h.send('stop');
      await h.waitStatus('ready', { uuid, from: stopFrom });
    }
    // A session HQ started it, then a legacy HQ took the ports and asked for status: no heartbeat now.
    await advertiseUntilHeard(h, uuid, session('run-y'));
    const sFrom = h.statuses.length;
    const rFrom = h.results.length;
    await h.send('start', 'open fire', '', { run_id: 'run-y' });
    await h.waitStatus('running', { uuid, from: sFrom });
    const heard = h.statuses.length;
    await h.send('status_request', null);
    const answer = await h.waitStatus('running', { uuid, from: heard });
    assert.equal(answer.raw.run_id, undefined, 'session is out of effect: no run_id to a legacy HQ');
    await h.waitFor(
      () => mine(rFrom).some((r) => r.at > answer.at + 4000),
      'results 4 s after the legacy status_request',
    );
    assert.deepEqual(
      h.statuses.slice(sFrom).filter((s) => s.uuid === uuid && s.status !== 'running'),
      [],
      'the turret stopped on its own under a legacy HQ',
    );
    assert.doesNotMatch(turret.stderr(), /spec 8\.1[01]/);
  });

  void it('stops when a new HQ on the same ports advertises another run, then obeys its start with seq and results_sent from 0 (spec 8.9, 8.10)', async () => {
    const a = await Harness.create();
    let aClosed = false;
    cleanups.push(() => {
      if (!aClosed) a.close();
    });
    const { turret, uuid } = await readyTurret(a, 'reused');
    await advertiseUntilHeard(a, uuid, session('run-A'));
    const aFrom = a.statuses.length;
    await a.send('start', 'open fire', '', { run_id: 'run-A' });
    await a.waitStatus('running', { uuid, from: aFrom });
    await a.waitResults(uuid, 50);
    a.close(); // as a SIGKILLed HQ: its sockets go, and the turret is left firing
    aClosed = true;

    const b = await Harness.create({ pub: a.pubPort, pull: a.pullPort });
    cleanups.push(() => b.close());
    const answer = await advertiseUntilHeard(b, uuid, session('run-B'));
    assert.equal(answer.raw.run_id, 'run-A', 'the turret says whose start it fires for (spec 8.9)');
    const stopped = await b.waitStatus('ready', { uuid });
    assert.equal(stopped.raw.run_id, 'run-A', 'its results_sent belongs to run A, not to B');
    assert.equal(typeof stopped.results_sent, 'number');
    assert.match(turret.stderr(), /run run-B.*run run-A: stopping \(spec 8\.10\)/);
    const stale = b.resultsOf(uuid).filter((r) => r.at <= stopped.at).length;

    // B starts it: a fresh start of run B, counted from 0.
    const sFrom = b.statuses.length;
    const rFrom = b.results.length;
    await b.send('start', 'open fire', '', { run_id: 'run-B' });
    const running = await b.waitStatus('running', { uuid, from: sFrom });
    assert.equal(running.raw.run_id, 'run-B');
    await b.waitResults(uuid, 50, rFrom);
    const stopFrom = b.statuses.length;
    await b.send('stop');
    const ready = await b.waitStatus('ready', { uuid, from: stopFrom });
    assert.equal(ready.raw.run_id, 'run-B');
    const mine = b.results.slice(rFrom).filter((r) => r.uuid === uuid && r.at >= running.at);
    assert.equal(ready.results_sent, mine.length, `results_sent counts run B's start only (${stale} stale)`);
    assert.deepEqual(
      mine.map((r) => r.seq),
      mine.map((_, i) => i),
    );
  });
});
