/**
 * Two turrets side by side on one HQ: direct orders reach only the addressed turret (spec 3.1.1,
 * 3.1.2), broadcasts reach both.
 *
 * harness PUB  -- "<uuid> {start}" -->  turret A SUB, turret B SUB (B ignores it)
 * harness PULL <-- statuses, results --  turret A PUSH, turret B PUSH
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, Harness, sleep, spawnTurret, tempDir, type TurretProcess } from './harness.js';

describe('two turrets and direct orders', () => {
  let h: Harness;
  let tmp: ReturnType<typeof tempDir>;
  let a: TurretProcess;
  let b: TurretProcess;
  let ua: string;
  let ub: string;

  before(async () => {
    h = await Harness.create();
    tmp = tempDir();
    a = spawnTurret([
      'start',
      '--config',
      h.writeConfig(tmp.dir, { name: 'alpha', canons: 1, script: `${FIXTURES}/ok.js` }, 'a.json'),
    ]);
    b = spawnTurret([
      'start',
      '--config',
      h.writeConfig(tmp.dir, { name: 'beta', canons: 1, script: `${FIXTURES}/ok.js` }, 'b.json'),
    ]);
    ua = (await h.ready('alpha')).uuid;
    ub = (await h.ready('beta')).uuid;
  });

  after(async () => {
    await Promise.all([a.stop(), b.stop()]);
    h.close();
    tmp.cleanup();
  });

  it('have distinct uuids', () => assert.notEqual(ua, ub));

  it('a direct start fires only the addressed turret', async () => {
    const from = h.statuses.length;
    await h.send('start', 'open fire', ua);
    await h.waitStatus('running', { uuid: ua, from });
    await h.waitResults(ua, 5);
    await sleep(500);
    assert.equal(h.resultsOf(ub).length, 0);
    assert.ok(!h.statuses.slice(from).some((s) => s.uuid === ub && s.status === 'running'));
  });

  it('a direct status_request is answered by the addressed turret only', async () => {
    await sleep(2100); // B's periodic ready must not be mistaken for an answer: compare counts over a window
    const from = h.statuses.length;
    for (let i = 0; i < 5; i++) await h.send('status_request', null, ua);
    await h.waitFor(
      () => h.statuses.slice(from).filter((s) => s.uuid === ua).length >= 5,
      '5 answers from A',
    );
    const fromB = h.statuses.slice(from).filter((s) => s.uuid === ub).length;
    assert.ok(fromB <= 2, `B sent ${fromB} statuses (only its periodic ready expected)`);
  });

  it('a broadcast reaches both; a direct kill ends only its turret', async () => {
    const from = h.statuses.length;
    await h.send('start');
    await h.waitStatus('running', { uuid: ub, from });
    await h.waitResults(ub, 3);
    await h.send('kill', null, ub);
    await h.waitStatus('killed', { uuid: ub, from });
    assert.equal(await b.exited, 1);
    const mark = h.statuses.length;
    await h.send('status_request');
    await h.waitStatus('running', { uuid: ua, from: mark });
    assert.equal(a.child.exitCode, null, 'A is still alive');
  });
});
