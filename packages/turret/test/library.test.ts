/**
 * The library API (startTurret) in-process, and the states the CLI tests do not reach: commands while
 * initialized, kill while ready, a start received during a stop.
 *
 * harness PUB  -- commands -->  turret SUB (same process)
 * harness PULL <-- statuses, results --  turret PUSH
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkTurretConfig, type ResolvedTurretConfig } from '@oct/protocol';
import { startTurret, timed } from '../src/index.js';
import { FIXTURES, Harness, sleep } from './harness.js';

function config(h: Harness, extra: Record<string, unknown>): ResolvedTurretConfig {
  const c = checkTurretConfig({ hq_publisher: h.pubPort, hq_rc: h.pullPort, canons: 1, ...extra });
  assert.ok(c.ok);
  return c.config;
}

describe('startTurret (library)', () => {
  let h: Harness;
  const lines: string[] = [];
  const log = (l: string): void => void lines.push(l);
  before(async () => (h = await Harness.create()));
  after(() => h.close());

  it('answers while initialized, ignores start and stop then, and becomes ready (spec 4.1, 6.1)', async () => {
    const t = startTurret(config(h, { name: 'slowload', script: 'slowload.js' }), {
      configDir: FIXTURES,
      log,
    });
    try {
      await h.waitStatus('initialized', { uuid: t.uuid });
      assert.equal(t.state, 'initialized');
      await sleep(200);
      const from = h.statuses.length;
      await h.send('status_request');
      await h.send('start');
      await h.send('stop');
      await h.waitFor(
        () =>
          h.statuses.slice(from).filter((s) => s.uuid === t.uuid && s.status === 'initialized').length >= 3,
        'three initialized answers',
      );
      await h.waitStatus('ready', { uuid: t.uuid, from });
      assert.equal(h.resultsOf(t.uuid).length, 0, 'a start while initialized is not obeyed');
    } finally {
      await t.close();
    }
    assert.equal(await t.stopped, 0);
  });

  it('on kill while initialized sends killed and resolves stopped with 1 (spec 4.4)', async () => {
    const t = startTurret(config(h, { name: 'killearly', script: 'slowload.js' }), {
      configDir: FIXTURES,
      log,
    });
    await h.waitStatus('initialized', { uuid: t.uuid });
    await sleep(300);
    await h.send('set_transaction_context', { marker: 'x' });
    await h.send('kill', null, t.uuid);
    await h.waitStatus('killed', { uuid: t.uuid });
    assert.equal(await t.stopped, 1);
  });

  it('obeys a start received during a stop once the stop is done', async () => {
    const t = startTurret(config(h, { name: 'restart', script: 'slow.js' }), { configDir: FIXTURES, log });
    try {
      await h.waitStatus('ready', { uuid: t.uuid });
      await sleep(300);
      await h.send('start', 'open fire', t.uuid);
      await h.waitFor(() => t.state === 'running', 'running');
      await sleep(300);
      const from = h.statuses.length;
      await h.send('stop', 'premature stop', t.uuid);
      await sleep(100);
      await h.send('start', 'open fire', t.uuid);
      await h.waitStatus('ready', { uuid: t.uuid, from });
      await h.waitFor(
        () =>
          h.statuses
            .slice(from)
            .find(
              (s) =>
                s.uuid === t.uuid &&
                s.status === 'running' &&
                h.statuses.indexOf(s) > h.statuses.findIndex((x, i) => i >= from && x.status === 'ready'),
            ),
        'running again after ready',
      );
    } finally {
      await t.close();
    }
  });

  it('on kill while ready sends killed and resolves stopped with 1 (spec 4.4)', async () => {
    const t = startTurret(config(h, { name: 'killme', script: 'ok.js' }), { configDir: FIXTURES, log });
    await h.waitStatus('ready', { uuid: t.uuid });
    await sleep(300);
    await h.send('kill', null, t.uuid);
    await h.waitStatus('killed', { uuid: t.uuid });
    assert.equal(await t.stopped, 1);
    assert.equal(t.state, 'killed');
  });

  it('timed() times sync and async functions into customTimers, also when they throw', async () => {
    const timers: Record<string, number> = {};
    assert.equal(
      timed(timers, 'sync', () => 7),
      7,
    );
    assert.equal(await timed(timers, 'async', () => sleep(20).then(() => 'x')), 'x');
    await assert.rejects(
      timed(timers, 'rejects', () => sleep(5).then(() => Promise.reject(new Error('no')))),
    );
    assert.throws(() =>
      timed(timers, 'throws', () => {
        throw new Error('no');
      }),
    );
    assert.ok(timers.async! >= 0.015 && timers.async! < 5, String(timers.async));
    for (const k of ['sync', 'rejects', 'throws'])
      assert.ok(typeof timers[k] === 'number' && timers[k]! >= 0, k);
  });
});
