/**
 * How canons fire: rampup (spec 6.4), worker threads, TypeScript scripts, the stop grace time and
 * tear-downs (spec 4.3).
 *
 * harness PUB  -- start, stop -->  turret SUB
 * harness PULL <-- results, statuses --  turret PUSH
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, Harness, sleep, spawnTurret, tempDir } from './harness.js';

describe('firing', () => {
  let h: Harness;
  let tmp: ReturnType<typeof tempDir>;
  before(async () => {
    h = await Harness.create();
    tmp = tempDir();
  });
  after(() => {
    h.close();
    tmp.cleanup();
  });

  it('spreads canon starts evenly over rampup (spec 6.4)', async () => {
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 'ramp', canons: 4, rampup: 2, script: `${FIXTURES}/who.js` },
      'ramp.json',
    );
    const t = spawnTurret(['start', '--config', cfg]);
    try {
      const { uuid } = await h.ready('ramp');
      await h.send('start');
      const rs = await h.waitFor(() => {
        const list = h.resultsOf(uuid);
        return list.some((r) => 'canon_3' in r.custom_timers) ? list : undefined;
      }, 'a result from the last canon');
      const first = [0, 1, 2, 3].map(
        (i) => rs.find((r) => `canon_${i}` in r.custom_timers)?.elapsed ?? Infinity,
      );
      // Expected starts 0, 0.5, 1, 1.5 s; wide tolerances for a loaded machine.
      assert.ok(first[0]! < 0.45, `canon 0 first at ${first[0]}`);
      assert.ok(first[1]! >= 0.4 && first[1]! < 1.5, `canon 1 first at ${first[1]}`);
      assert.ok(first[3]! >= 1.4 && first[3]! < 3.5, `canon 3 first at ${first[3]}`);
      assert.ok(first[0]! < first[1]! && first[1]! < first[2]! && first[2]! < first[3]!, first.join(','));
    } finally {
      await t.stop();
    }
  });

  it('spreads canons over worker threads (workers > 1)', async () => {
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 'cpu', canons: 4, workers: 2, script: `${FIXTURES}/cpu.js` },
      'cpu.json',
    );
    const t = spawnTurret(['start', '--config', cfg]);
    try {
      const { uuid } = await h.ready('cpu');
      await h.send('start');
      const rs = await h.waitResults(uuid, 40);
      const threads = new Set(rs.flatMap((r) => Object.keys(r.custom_timers)));
      assert.equal(threads.size, 2, `threads: ${[...threads].join(',')}`);
      // The main thread still answers at once while both workers spin (spec 4.1).
      const from = h.statuses.length;
      const t0 = Date.now();
      await h.send('status_request');
      const s = await h.waitStatus('running', { from });
      assert.ok(s.at - t0 < 3000, `answered after ${s.at - t0} ms`);
      await h.send('stop');
      await h.waitStatus('ready', { from: h.statuses.length });
    } finally {
      await t.stop();
    }
  });

  it('loads a TypeScript script without a build step', async () => {
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 'typed', canons: 1, script: `${FIXTURES}/typed.ts` },
      'typed.json',
    );
    const t = spawnTurret(['start', '--config', cfg]);
    try {
      const { uuid } = await h.ready('typed');
      await h.send('start');
      const rs = await h.waitResults(uuid, 10);
      assert.ok(
        rs.every((r) => r.error === '' && typeof r.custom_timers.typed === 'number'),
        JSON.stringify(rs[0]),
      );
    } finally {
      await t.stop();
    }
  });

  it('on stop lets the current transaction finish, runs tear-downs, then reports ready (spec 4.3)', async () => {
    const marker = join(tmp.dir, 'torn-down.txt');
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 'slow', canons: 2, script: `${FIXTURES}/slow.js`, teardown_marker: marker },
      'slow.json',
    );
    const t = spawnTurret(['start', '--config', cfg]);
    try {
      const { uuid } = await h.ready('slow');
      await h.send('start');
      await sleep(1500); // each canon is half way through its second 1 s transaction
      const from = h.statuses.length;
      const t0 = Date.now();
      await h.send('stop');
      const ready = await h.waitStatus('ready', { from });
      const took = ready.at - t0;
      assert.ok(took < 8000, `ready after ${took} ms`);
      const rs = h.resultsOf(uuid);
      // Each canon was inside a 1 s transaction when the stop came: it finishes it, and sends its result.
      const finishing = rs.filter((r) => r.at >= t0).length;
      assert.ok(finishing >= 1 && finishing <= 2, `${finishing} results after the stop`);
      assert.ok(rs.every((r) => r.at <= ready.at && r.error === ''));
      assert.ok(existsSync(marker) && readFileSync(marker, 'utf8') === 'torn down', 'tearDown ran');
    } finally {
      await t.stop();
    }
  });

  it('replaces a worker stuck in a synchronous transaction and still reports ready within 10 s (spec 4.3.1)', async () => {
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 'stuck', canons: 1, script: `${FIXTURES}/stuck.js` },
      'stuck.json',
    );
    const t = spawnTurret(['start', '--config', cfg]);
    try {
      const { uuid } = await h.ready('stuck');
      await h.send('start');
      await sleep(500);
      const from = h.statuses.length;
      await h.send('status_request');
      await h.waitStatus('running', { uuid, from }); // the main thread answers while the worker spins
      const t0 = Date.now();
      await h.send('stop');
      const ready = await h.waitStatus('ready', { uuid, from, timeoutMs: 30_000 });
      assert.ok(ready.at - t0 < 15_000, `ready after ${ready.at - t0} ms`);
      assert.match(t.stderr(), /did not stop in time .*replacing it/);
      assert.equal(h.resultsOf(uuid).length, 0, 'the abandoned transaction sends no result');
      const again = h.statuses.length;
      await h.send('kill');
      await h.waitStatus('killed', { uuid, from: again });
      assert.equal(await t.exited, 1);
    } finally {
      await t.stop();
    }
  });
});
