/**
 * CURVE (spec 11.3-11.5), the real CLI over real sockets: with its keys the turret works with the HQ
 * holding the matching secret key; an HQ with another key, or a plain one, gets no frame from it and
 * cannot command it (the turret says why in one line); a secret key file others can read is refused.
 *
 * harness (CURVE, hq key)     <== CURVE ==>  turret (curve_server_key = hq.key)
 * rogue (CURVE, another key)  --x-- handshake fails --x--  turret
 * rogue (plain)               --x-- mechanism mismatch --x--  turret
 */
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { encodeCommand } from '@oct/protocol';
import { newCurveKeyPair, writeCertificates } from '@oct/protocol/curve-keys';
import { FIXTURES, Harness, sleep, spawnTurret, tempDir } from './harness.js';

const tmp = tempDir();
const hq = newCurveKeyPair();
writeCertificates(join(tmp.dir, 'hq'), 'hq', hq);
writeCertificates(join(tmp.dir, 't1'), 't1');
const keys = { curve_server_key: 'hq.key', curve_secret_key: 't1.key_secret' };
const cleanups: (() => Promise<void> | void)[] = [tmp.cleanup];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

void it('runs with the HQ holding the matching key: ready, start, results, stop (spec 11.4)', async () => {
  const h = await Harness.create(undefined, { secretKey: hq.secretKey });
  cleanups.push(() => h.close());
  const cfg = h.writeConfig(
    tmp.dir,
    { name: 't1', canons: 2, script: `${FIXTURES}/quick.js`, ...keys },
    'ok.json',
  );
  const turret = spawnTurret(['start', '--config', cfg]);
  cleanups.push(() => turret.stop());
  const ready = await h.ready('t1');
  await h.send('start');
  await h.waitResults(ready.uuid, 20);
  assert.deepEqual(h.invalid, []);
});

for (const rogue of ['another key', 'plain'] as const) {
  void it(`gets no frame from, and obeys no command of, an HQ with ${rogue === 'plain' ? 'no CURVE' : 'another key'} (spec 11.4, 11.5)`, async () => {
    const h = await Harness.create(
      undefined,
      rogue === 'plain' ? undefined : { secretKey: newCurveKeyPair().secretKey },
    );
    cleanups.push(() => h.close());
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 't1', canons: 2, script: `${FIXTURES}/quick.js`, ...keys },
      `${rogue}.json`,
    );
    const turret = spawnTurret(['start', '--config', cfg]);
    cleanups.push(() => turret.stop());
    // The turret repeats `ready` every 2 s and would obey a start at once: 6 s of both, nothing arrives.
    const until = Date.now() + 6000;
    while (Date.now() < until) {
      await h.send('start').catch(() => undefined);
      await h.pub.send(encodeCommand({ command: 'status_request', msg: null })).catch(() => undefined);
      await sleep(500);
    }
    assert.equal(h.statuses.length + h.results.length, 0, 'no frame reached the rogue HQ');
    assert.equal(turret.child.exitCode, null, 'the turret keeps trying');
    const lines = turret
      .stderr()
      .split('\n')
      .filter((l) => l.includes('handshake'));
    assert.ok(lines.length >= 1 && lines.length <= 4, `one line per socket at most:\n${turret.stderr()}`);
    assert.match(
      lines[0]!,
      /: the HQ does not hold the secret key matching curve_server_key, or does not speak CURVE; retrying$/,
    );
  });
}

void it('keeps trying after a plain HQ refused it, and joins the right HQ that takes over its ports (spec 11.5)', async () => {
  const plain = await Harness.create();
  const ports = { pub: plain.pubPort, pull: plain.pullPort };
  const cfg = plain.writeConfig(
    tmp.dir,
    { name: 't1', canons: 2, script: `${FIXTURES}/quick.js`, ...keys },
    'takeover.json',
  );
  const turret = spawnTurret(['start', '--config', cfg]);
  cleanups.push(() => turret.stop());
  // libzmq gives up on an endpoint after a mechanism mismatch: the turret must connect again itself.
  const deadline = Date.now() + 20_000;
  while (!turret.stderr().includes('handshake with the HQ') && Date.now() < deadline) await sleep(100);
  assert.match(turret.stderr(), /handshake with the HQ on .* failed/);
  plain.close();
  const h = await Harness.create(ports, { secretKey: hq.secretKey });
  cleanups.push(() => h.close());
  const ready = await h.ready('t1');
  assert.equal(ready.turret, 't1');
});

void it('refuses a secret key file others can read, in one line naming the file (spec 11.3)', async () => {
  const loose = tempDir();
  cleanups.push(loose.cleanup);
  const { secretFile } = writeCertificates(join(loose.dir, 'loose'), 'loose');
  writeCertificates(join(loose.dir, 'hq'), 'hq');
  chmodSync(secretFile, 0o640);
  const h = await Harness.create();
  cleanups.push(() => h.close());
  const cfg = h.writeConfig(loose.dir, {
    name: 'loose',
    canons: 1,
    script: `${FIXTURES}/quick.js`,
    curve_server_key: 'hq.key',
    curve_secret_key: 'loose.key_secret',
  });
  const turret = spawnTurret(['start', '--config', cfg]);
  assert.equal(await turret.exited, 2);
  assert.equal(
    turret.stderr().trim(),
    `${cfg}: turret.curve_secret_key: ${secretFile}: secret key readable by others (mode 0640): run chmod 600 ${secretFile} (spec 11.3)`,
  );
});
