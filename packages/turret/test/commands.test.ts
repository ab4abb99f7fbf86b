/**
 * Every command in every state, against the real CLI over real sockets (spec 4, 5, 6).
 *
 * harness PUB  -- status_request, set_transaction_context, start, stop, kill -->  turret SUB
 * harness PULL <-- statuses, plain results --  turret PUSH
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validateResult, validateStatus } from '@oct/protocol';
import { FIXTURES, Harness, sleep, spawnTurret, tempDir, type TurretProcess } from './harness.js';

describe('oct-turret commands (plain protocol)', () => {
  let h: Harness;
  let turret: TurretProcess;
  let uuid: string;
  let tmp: ReturnType<typeof tempDir>;

  before(async () => {
    h = await Harness.create();
    tmp = tempDir();
    const cfg = h.writeConfig(tmp.dir, { name: 'commands', canons: 2, script: `${FIXTURES}/ok.js` });
    turret = spawnTurret(['start', '--config', cfg]);
    uuid = (await h.ready()).uuid;
  });

  after(async () => {
    await turret.stop();
    h.close();
    tmp.cleanup();
  });

  it('sends valid lower-case statuses, with protocol and capabilities once the HQ advertised 1.x (spec 5.1, 5.2.1, 8.2, 12.1)', () => {
    const first = h.statuses[0]!;
    assert.ok(validateStatus(first.raw).ok, JSON.stringify(first.raw));
    assert.equal(first.raw.status, 'ready');
    assert.equal(first.raw.cannons, 2, 'the legacy dialect before any advertisement');
    assert.equal(first.raw.protocol, undefined);
    const s = h.statuses.find((x) => x.raw.protocol !== undefined)!;
    assert.ok(validateStatus(s.raw).ok, JSON.stringify(s.raw));
    assert.equal(s.turret, 'commands');
    assert.equal(s.raw.canons, 2);
    assert.equal(s.rampup, 0);
    assert.equal(s.protocol, '1.0');
    assert.deepEqual(s.capabilities, ['batch', 'protobuf', 'accounting', 'session']);
    assert.equal(s.raw.results_sent, undefined, 'no accounting before the HQ advertised it');
  });

  it('repeats ready about every 2 s while ready (spec 6.2)', async () => {
    const from = h.statuses.length;
    const two = await h.waitFor(
      () => {
        const r = h.statuses.slice(from).filter((s) => s.status === 'ready');
        return r.length >= 2 ? r : undefined;
      },
      'two periodic ready statuses',
      15_000,
    );
    const gap = two[1]!.at - two[0]!.at;
    assert.ok(gap > 1000 && gap < 6000, `gap ${gap} ms`);
  });

  it('answers status_request while ready (spec 4.1)', async () => {
    const from = h.statuses.length;
    const t0 = Date.now();
    await h.send('status_request');
    const s = await h.waitStatus('ready', { from });
    assert.ok(s.at - t0 < 5000);
  });

  it('survives unknown commands and malformed frames, logging each kind once (spec 4.6, 4.7)', async () => {
    await h.send('self_destruct', { now: true });
    await h.send('self_destruct', { now: true });
    await h.sendRaw('no-space-at-all');
    await h.sendRaw(' {not json');
    await h.sendRaw(' {not json either');
    await h.sendRaw(' [1,2]');
    await h.sendRaw(Buffer.from([0x20, 0xff, 0xfe, 0x7b]));
    await h.sendRaw(' {"command":"start","msg":42}');
    const from = h.statuses.length;
    await h.send('status_request');
    await h.waitStatus('ready', { from });
    assert.equal(h.resultsOf(uuid).length, 0, 'the malformed start was not obeyed');
    const err = turret.stderr();
    assert.equal(err.match(/unknown command "self_destruct"/g)?.length, 1, err);
    assert.equal(err.match(/not JSON/g)?.length, 1, err);
    assert.match(err, /not valid UTF-8/);
    assert.match(err, /must be "<topic> <json>"/);
    assert.doesNotMatch(err, /\n\s+at /, 'no stack trace');
  });

  it('hands set_transaction_context to transactions created after it (spec 4.5)', async () => {
    const from = h.statuses.length;
    await h.send('set_transaction_context', { marker: 'm1' });
    await h.waitStatus('ready', { from }); // a status after each command (spec 4.8)
  });

  let firstStartAt = 0;
  it('starts firing on start: running status, then valid plain results (spec 4.2, 5.3, 5.4, 6.3)', async () => {
    const from = h.statuses.length;
    firstStartAt = Date.now();
    await h.send('start');
    await h.waitStatus('running', { from });
    const results = await h.waitResults(uuid, 20);
    for (const r of results) {
      assert.equal(r.via, 'plain');
      assert.equal(r.turret_name, 'commands');
      assert.equal(r.error, '');
      assert.equal(r.seq, null, 'no seq without accounting');
      assert.ok(r.custom_timers.work! > 0.003, JSON.stringify(r.custom_timers));
      assert.equal(r.custom_timers.ctx_m1, 1, 'context handed over');
      assert.equal(r.custom_timers.setups, 1, 'setup ran once per canon');
      assert.ok(r.scriptrun_time >= 0.003 && r.scriptrun_time < 5);
      assert.ok(Math.abs(r.epoch - Date.now() / 1000) < 60, `epoch ${r.epoch}`);
      assert.ok(r.elapsed >= 0 && r.elapsed < 30);
    }
    // Sub-second epochs (spec 5.7): one in a thousand falls on a whole second by chance, not all.
    assert.ok(
      results.some((r) => !Number.isInteger(r.epoch)),
      `whole-second epochs only: ${results.map((r) => r.epoch).join(', ')}`,
    );
    assert.equal(h.invalid.length, 0, h.invalid.join('\n'));
  });

  it('takes a set_transaction_context while running for the next start only (spec 4.5)', async () => {
    const from = h.statuses.length;
    await h.send('set_transaction_context', { marker: 'late' });
    await h.waitStatus('running', { from });
    const rfrom = h.results.length;
    const rs = await h.waitResults(uuid, 10, rfrom);
    assert.ok(rs.every((r) => r.custom_timers.ctx_m1 === 1 && !('ctx_late' in r.custom_timers)));
  });

  it('answers status_request while running (spec 4.1)', async () => {
    const from = h.statuses.length;
    await h.send('status_request');
    const s = await h.waitStatus('running', { from });
    assert.ok(validateStatus(s.raw).ok);
  });

  it('ignores a start while running: firing goes on without restarting (spec 4.2.1)', async () => {
    await sleep(600);
    const from = h.results.length;
    await h.send('start');
    await sleep(400);
    const later = await h.waitResults(uuid, 10, from);
    const sinceStart = (Date.now() - firstStartAt) / 1000;
    assert.ok(
      later.every((r) => r.elapsed > 0.4),
      `elapsed restarted: ${later.map((r) => r.elapsed).join(',')}`,
    );
    assert.ok(later.every((r) => r.elapsed < sinceStart + 1));
  });

  it('stops on stop: ready status after the last result, none after (spec 4.3, 4.3.1)', async () => {
    const from = h.statuses.length;
    await h.send('stop');
    const ready = await h.waitStatus('ready', { from });
    const count = h.resultsOf(uuid).length;
    await sleep(500);
    assert.equal(h.resultsOf(uuid).length, count, 'no result after the ready status');
    assert.ok(h.resultsOf(uuid).every((r) => r.at <= ready.at));
    const again = h.statuses.length;
    await h.send('stop'); // stop while ready: nothing to do, still answers
    await h.waitStatus('ready', { from: again });
  });

  it('obeys a new start after stop; elapsed counts from the new start (spec 4.3.1)', async () => {
    const from = h.results.length;
    const sfrom = h.statuses.length;
    await h.send('set_transaction_context', { marker: 'm2' });
    await h.send('start');
    await h.waitStatus('running', { from: sfrom });
    const rs = await h.waitResults(uuid, 5, from);
    assert.ok(rs[0]!.elapsed < 5, `elapsed ${rs[0]!.elapsed}`);
    assert.equal(rs.at(-1)!.custom_timers.ctx_m2, 1, 'new context for the new transactions');
    for (const r of rs) assert.ok(validateResult({ ...r, seq: undefined, turret_name: r.turret_name! }).ok);
  });

  it('on kill sends killed and exits with code 1 within 2 s (spec 4.4)', async () => {
    const from = h.statuses.length;
    const t0 = Date.now();
    await h.send('kill');
    await h.waitStatus('killed', { from });
    const code = await turret.exited;
    const took = Date.now() - t0;
    assert.equal(code, 1);
    assert.ok(took < 5000, `exit took ${took} ms (2 s required; generous bound for a loaded machine)`);
  });
});
