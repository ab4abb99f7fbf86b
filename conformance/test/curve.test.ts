/**
 * The kit's CURVE machinery (spec 11) with real sockets and files: the key files it gives a turret,
 * the fake HQ's ZAP handler, and how the verdict reports the curve scenarios without --curve.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KeyFileError, readCertificate } from '@oct/protocol/curve-keys';
import * as zmq from 'zeromq';
import { KEY_FILES, newScenarioKeys, writeTurretKeyFiles, ZAP_DOMAINS } from '../src/curve.js';
import { FakeHq } from '../src/fake-hq.js';
import { tagExpression } from '../src/run.js';
import { explain, referenceFixtures, run, sampleCommand } from './helpers.js';

test('the key files the kit gives a turret: the HQ public key, the turret pair at 0600, or spoiled', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oct-conformance-keys-'));
  try {
    const keys = newScenarioKeys();
    writeTurretKeyFiles(dir, keys, 'none');
    const server = readCertificate(join(dir, KEY_FILES.server), { secret: false });
    assert.deepEqual([server.publicKey, server.secretKey], [keys.hq.publicKey, null]);
    const own = readCertificate(join(dir, KEY_FILES.secret), { secret: true });
    assert.deepEqual([own.publicKey, own.secretKey], [keys.turret.publicKey, keys.turret.secretKey]);
    assert.equal(statSync(join(dir, KEY_FILES.secret)).mode & 0o777, 0o600);

    writeTurretKeyFiles(dir, keys, 'secret-readable');
    assert.throws(() => readCertificate(join(dir, KEY_FILES.secret), { secret: true }), KeyFileError);
    writeTurretKeyFiles(dir, keys, 'server-not-certificate');
    assert.throws(
      () => readCertificate(join(dir, KEY_FILES.server), { secret: false }),
      /not a ZeroMQ certificate/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A CURVE client of `hq` with `pair`, that pushes one frame. */
function client(hq: FakeHq, serverKey: string, pair: { publicKey: string; secretKey: string }): zmq.Push {
  const push = new zmq.Push({
    linger: 0,
    curveServerKey: serverKey,
    curvePublicKey: pair.publicKey,
    curveSecretKey: pair.secretKey,
  });
  push.connect(`tcp://127.0.0.1:${hq.rcPort}`);
  return push;
}

test("the CURVE fake HQ admits only the turret's key, and only the HQ holding its secret is reached", async () => {
  const keys = newScenarioKeys();
  const hq = new FakeHq({ secretKey: keys.hq.secretKey, admit: keys.turret.publicKey });
  // A second CURVE HQ in the same process: its own context, so its ZAP handler is its own.
  const impostor = new FakeHq({ secretKey: keys.other.secretKey, admit: keys.turret.publicKey });
  await hq.listen();
  await impostor.listen();
  const sockets: zmq.Push[] = [];
  try {
    const stranger = client(hq, keys.hq.publicKey, keys.other);
    const turret = client(hq, keys.hq.publicKey, keys.turret);
    const misled = client(impostor, keys.hq.publicKey, keys.turret);
    sockets.push(stranger, turret, misled);
    void stranger.send('{"from":"stranger"}').catch(() => undefined);
    void misled.send('{"from":"misled"}').catch(() => undefined);
    await turret.send('{"from":"turret"}');
    assert.ok(await hq.waitUntil(() => hq.received.length > 0, 10_000), hq.connectionSummary());
    assert.ok(
      await hq.waitUntil(() => hq.zapDecisions.some((d) => !d.admitted), 10_000),
      hq.connectionSummary(),
    );
    assert.ok(
      await impostor.waitUntil(
        () => impostor.connections.some((c) => c.type.startsWith('handshake:error')),
        10_000,
      ),
      impostor.connectionSummary(),
    );
    assert.deepEqual(
      hq.received.map((r) => r.raw.toString()),
      ['{"from":"turret"}'],
    );
    assert.equal(impostor.received.length, 0);
    const admitted = hq.zapDecisions.filter((d) => d.admitted);
    assert.deepEqual(
      admitted.map((d) => [d.domain, d.mechanism, d.clientKey]),
      [[ZAP_DOMAINS.pull, 'CURVE', keys.turret.publicKey]],
    );
    assert.ok(hq.zapDecisions.some((d) => !d.admitted && d.clientKey === keys.other.publicKey));
    assert.match(hq.connectionSummary(), /ZAP: 1 admitted, 1 refused/);
  } finally {
    for (const s of sockets) s.close();
    await hq.close();
    await impostor.close();
  }
});

test('--curve adds the curve scenarios to a level; alone, "all" holds them', () => {
  assert.equal(tagExpression('must', undefined, true), '(@must or @ext-curve)');
  assert.equal(tagExpression('should', '@clause-11.5', true), '(@should or @ext-curve) and (@clause-11.5)');
  assert.equal(tagExpression('all', undefined, true), '');
  assert.equal(tagExpression('must'), '@must');
});

test('without --curve the curve scenarios are not run, and the verdict says curve was not tested', async () => {
  const started = performance.now();
  const verdict = await run({
    turret: sampleCommand(),
    fixtures: referenceFixtures,
    tags: '@ext-curve or @clause-2.2',
  });
  assert.equal(verdict.passed, true, explain(verdict));
  const curve = verdict.scenarios.filter((s) => s.level === 'ext-curve');
  assert.equal(curve.length, 9, explain(verdict));
  assert.ok(
    curve.every((s) => s.status === 'not-tested'),
    explain(verdict),
  );
  assert.deepEqual(
    verdict.clauses.filter((c) => c.status === 'not-tested').map((c) => c.clause),
    ['11.3', '11.4', '11.5'],
  );
  assert.match(verdict.text, /, 9 not tested,/);
  assert.match(verdict.text, /ext-curve not tested: .*run the kit with --curve/);
  assert.match(verdict.markdown, /\| 11\.4 \| EXT-CURVE \| not tested \|/);
  assert.match(verdict.markdown, /## Not tested/);
  // Skipped before any turret is launched: the whole run is the one plain scenario.
  assert.ok(performance.now() - started < 30_000);
});
