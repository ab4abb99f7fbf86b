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

  /** Asks until the turret, still loading, answers `initialized` (it volunteers nothing then, spec 12.4). */
  async function answersInitialized(uuid: string): Promise<void> {
    for (let i = 0; i < 20 && !h.statuses.some((s) => s.uuid === uuid); i++) {
      await h.send('status_request', null);
      await h.waitFor(() => h.statuses.some((s) => s.uuid === uuid), 'an answer', 100).catch(() => undefined);
    }
    await h.waitStatus('initialized', { uuid });
  }

  it('answers while initialized, a stop cancels a start received then, and it becomes ready (spec 4.1, 6.1, 12.3)', async () => {
    const t = startTurret(config(h, { name: 'slowload', script: 'slowload.js' }), {
      configDir: FIXTURES,
      log,
    });
    try {
      await answersInitialized(t.uuid);
      assert.equal(t.state, 'initialized');
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
      await sleep(500);
      assert.equal(h.resultsOf(t.uuid).length, 0, 'a start cancelled by a stop while initialized');
      assert.equal(t.state, 'ready');
    } finally {
      await t.close();
    }
    assert.equal(await t.stopped, 0);
  });

  it('obeys a start received while initialized once ready (spec 12.3), saying nothing before ready (12.4)', async () => {
    const t = startTurret(config(h, { name: 'earlystart', script: 'slowload.js' }), {
      configDir: FIXTURES,
      log,
    });
    try {
      // The start arrives while it loads: sent until its subscription is live (its answer shows it).
      for (let i = 0; i < 20 && !h.statuses.some((s) => s.uuid === t.uuid); i++) {
        await h.send('start', 'open fire', t.uuid);
        await h.waitFor(() => h.statuses.some((s) => s.uuid === t.uuid), 'an answer', 100).catch(() => 0);
      }
      const first = await h.waitStatus('initialized', { uuid: t.uuid });
      assert.equal(first.raw.protocol, undefined, 'no HQ advertised 1.x: the legacy dialect');
      const running = await h.waitStatus('running', { uuid: t.uuid });
      const ready = h.statuses.findIndex((s) => s.uuid === t.uuid && s.status === 'ready');
      assert.ok(ready >= 0 && ready < h.statuses.indexOf(running), 'ready, then running');
      await h.waitFor(
        () => h.results.some((r) => r.turret_name === 'earlystart'),
        'a result of the start received while loading',
      );
    } finally {
      await t.close();
    }
  });

  it('volunteers no status while it loads, then ready (spec 12.4)', async () => {
    const t = startTurret(config(h, { name: 'quietload', script: 'slowload.js' }), {
      configDir: FIXTURES,
      log,
    });
    try {
      const ready = await h.waitStatus('ready', { uuid: t.uuid });
      const mine = h.statuses.filter((s) => s.uuid === t.uuid);
      assert.equal(mine[0], ready, `first status: ${JSON.stringify(mine[0]?.raw)}`);
    } finally {
      await t.close();
    }
  });

  it('on kill while initialized sends killed and resolves stopped with 1 (spec 4.4)', async () => {
    const t = startTurret(config(h, { name: 'killearly', script: 'slowload.js' }), {
      configDir: FIXTURES,
      log,
    });
    await answersInitialized(t.uuid);
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
