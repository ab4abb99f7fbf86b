/**
 * Honest results (issue 19): a transaction past `transaction_timeout` becomes a result naming the
 * timeout and the canon goes on (spec 7.6); failed setups are marked `setup_failed` (spec 5.3);
 * canons abandoned at the stop are counted in the final status (spec 4.3); many canons with a rampup
 * print no MaxListenersExceededWarning.
 *
 * harness PUB  -- status_request (1.x), start, stop -->  turret SUB
 * harness PULL <-- statuses, results --  turret PUSH
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, Harness, spawnTurret, tempDir } from './harness.js';

describe('honest results', () => {
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

  it('reports a hung transaction as timed out and goes on with the next (spec 7.6)', async () => {
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 'hung', canons: 2, script: `${FIXTURES}/hang.js`, transaction_timeout: 0.3 },
      'hung.json',
    );
    const t = spawnTurret(['start', '--config', cfg]);
    try {
      const { uuid } = await h.ready('hung');
      await h.send('start');
      // Two canons, each several timed-out transactions in a row: each canon went on after the first.
      const rs = await h.waitResults(uuid, 6);
      for (const r of rs) {
        assert.equal(r.error, 'transaction timed out after 0.3 s (transaction_timeout)');
        assert.ok(r.scriptrun_time >= 0.29, `scriptrun_time ${r.scriptrun_time}`);
        assert.equal(r.setup_failed, undefined);
      }
      const from = h.statuses.length;
      await h.send('stop');
      const ready = await h.waitStatus('ready', { uuid, from });
      assert.equal(ready.raw.canons_abandoned, undefined, 'no canon was left behind');
    } finally {
      await t.stop();
    }
  });

  it('never reports the late end of an abandoned transaction (spec 6.5)', async () => {
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 'late', canons: 1, script: `${FIXTURES}/late.js`, transaction_timeout: 0.2 },
      'late.json',
    );
    const t = spawnTurret(['start', '--config', cfg]);
    try {
      const { uuid } = await h.ready('late');
      await h.send('start');
      // Calls 0..7: each ends 400 ms after its timeout, by when later ones have been reported.
      const rs = await h.waitResults(uuid, 8);
      const calls = rs.map((r) => r.custom_timers.call);
      assert.deepEqual(calls, [...calls.keys()], 'one result per call, in order');
      assert.ok(rs.every((r) => /timed out after 0\.2 s/.test(r.error)));
    } finally {
      await t.stop();
    }
  });

  it('marks results of a failed setup with setup_failed (spec 5.3)', async () => {
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 'nosetup', canons: 2, script: `${FIXTURES}/setup-throws.js` },
      'nosetup.json',
    );
    const t = spawnTurret(['start', '--config', cfg]);
    try {
      const { uuid } = await h.ready('nosetup');
      await h.send('start');
      const rs = await h.waitResults(uuid, 2);
      for (const r of rs) {
        assert.equal(r.setup_failed, true);
        assert.equal(r.error, 'setup: Error: fixture setup failure: no session');
      }
    } finally {
      await t.stop();
    }
  });

  it('reports a hung setup as a failed setup that timed out (spec 7.6, 5.3.2)', async () => {
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 'setuphang', canons: 1, script: `${FIXTURES}/setup-hangs.js`, transaction_timeout: 0.3 },
      'setuphang.json',
    );
    const t = spawnTurret(['start', '--config', cfg]);
    try {
      const { uuid } = await h.ready('setuphang');
      await h.send('start');
      // Setup retried after a pause of 1 s: a second result shows the canon went on.
      const rs = await h.waitResults(uuid, 2);
      for (const r of rs) {
        assert.equal(r.setup_failed, true);
        assert.equal(r.error, 'setup: transaction timed out after 0.3 s (transaction_timeout)');
      }
    } finally {
      await t.stop();
    }
  });

  it('sends a failed setup to a legacy HQ with the six keys it stores, no setup_failed (spec 12.2)', async () => {
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 'oldsetup', canons: 2, script: `${FIXTURES}/setup-throws.js` },
      'oldsetup.json',
    );
    const t = spawnTurret(['start', '--config', cfg]);
    try {
      const { uuid } = await h.waitFor(
        () => h.statuses.find((x) => x.turret === 'oldsetup' && x.status === 'ready'),
        'ready from oldsetup',
      );
      // A legacy HQ's status_request (msg null) until one is answered: the SUB socket has joined.
      const from = h.statuses.length;
      await h.waitFor(() => {
        void h.send('status_request', null);
        return h.statuses.slice(from).some((x) => x.uuid === uuid);
      }, 'an answer to a legacy status_request');
      await h.send('start');
      // Legacy results carry no uuid: told apart by name.
      const mine = await h.waitFor(() => {
        const rs = h.results.filter((r) => r.turret_name === 'oldsetup');
        return rs.length >= 2 ? rs : undefined;
      }, 'two results from oldsetup');
      for (const r of mine) {
        assert.deepEqual(Object.keys(r.raw ?? {}).sort(), [
          'custom_timers',
          'elapsed',
          'epoch',
          'error',
          'scriptrun_time',
          'turret_name',
        ]);
        assert.equal(r.error, 'setup: Error: fixture setup failure: no session');
      }
    } finally {
      await t.stop();
    }
  });

  it('counts the canons abandoned after the stop grace time in its status (spec 4.3)', async () => {
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 'stuck', canons: 3, script: `${FIXTURES}/hang.js`, transaction_timeout: 0 },
      'stuck.json',
    );
    const t = spawnTurret(['start', '--config', cfg]);
    try {
      const { uuid } = await h.ready('stuck');
      let from = h.statuses.length;
      await h.send('start');
      await h.waitStatus('running', { uuid, from });
      from = h.statuses.length;
      await h.send('stop');
      // The grace time is 5 s (STOP_GRACE_MS).
      const ready = await h.waitStatus('ready', { uuid, from, timeoutMs: 30_000 });
      assert.equal(ready.raw.canons_abandoned, 3);
      assert.equal(h.resultsOf(uuid).length, 0);
      assert.match(t.stderr(), /3 canon\(s\) abandoned after the stop grace time/);
    } finally {
      await t.stop();
    }
  });

  it('prints no MaxListenersExceededWarning with 20 canons and a rampup', async () => {
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 'many', canons: 20, rampup: 1, script: `${FIXTURES}/quick.js` },
      'many.json',
    );
    const t = spawnTurret(['start', '--config', cfg]);
    try {
      const { uuid } = await h.ready('many');
      let from = h.statuses.length;
      await h.send('start');
      await h.waitStatus('running', { uuid, from });
      // Stopped during the rampup: every canon still waiting was listening on the stop signal.
      from = h.statuses.length;
      await h.send('stop');
      await h.waitStatus('ready', { uuid, from, timeoutMs: 30_000 });
      assert.doesNotMatch(t.stderr(), /MaxListenersExceeded/);
    } finally {
      await t.stop();
    }
  });

  for (const [file, at] of [
    ['bad.js', 'bad.js:2:11: SyntaxError: Unexpected token'],
    ['bad.ts', 'bad.ts:2:19: SyntaxError: Unexpected ";"'],
  ] as const) {
    it(`says where a script's syntax error is: ${file} (file:line:column)`, async () => {
      // Written at test time: a fixture file would break the repository's formatter.
      const source =
        file === 'bad.js'
          ? 'export default function run() {\n  let x = ;\n}\n'
          : 'export default function run(): void {\n  let x: number = ;\n}\n';
      writeFileSync(join(tmp.dir, file), source);
      const cfg = h.writeConfig(
        tmp.dir,
        { name: `syntax-${file}`, canons: 1, script: join(tmp.dir, file) },
        `${file}.json`,
      );
      const t = spawnTurret(['start', '--config', cfg]);
      // A 1.x HQ advertises itself on a cadence: the turret waits to hear it, then says why (spec 12.1).
      const cadence = setInterval(() => void h.send('status_request'), 300);
      try {
        const s = await h.waitFor(
          () => h.statuses.find((x) => x.turret === `syntax-${file}` && x.status === 'aborted'),
          'aborted',
        );
        assert.ok(s.reason?.includes(`${tmp.dir}/${at}`), s.reason ?? '(no reason)');
        assert.ok(t.stderr().includes(at), t.stderr());
      } finally {
        clearInterval(cadence);
        await t.stop();
      }
    });
  }
});
