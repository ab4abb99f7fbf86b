/**
 * CURVE channels (spec 11), with real turret processes and sockets: a turret with an authorised key
 * runs a full test; one with an unlisted key, or without keys, never joins and nothing of it is
 * stored (each refusal said once); a SUB without keys reads nothing from the PUB socket; a secret key
 * file others can read stops the HQ with one line.
 *
 *   turret t1 (keys/turrets/t1)   <== CURVE ==>  HQ PUB / PULL (keys/hq) + ZAP
 *   turret rogue (unlisted key)   -- refused by ZAP -->
 *   turret plain (no keys)        -- refused: mechanism mismatch -->
 *   plain SUB                     -- reads nothing -->
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import * as zmq from 'zeromq';
import { writeCertificates } from '@oct/protocol/curve-keys';
import { HqError, startRun } from '../src/index.js';
import { killAll, query, spawnTurret, tempProject, waitFor } from './helpers.js';

const p = tempProject({
  run_time: 3,
  min_turrets: 1,
  security: { curve: true },
  turrets: [{ name: 't1', canons: 1, script: 'v_user.js' }],
});
const keys = join(p.dir, 'keys');
mkdirSync(join(keys, 'turrets'), { recursive: true });
writeCertificates(join(keys, 'hq'), 'hq');
writeCertificates(join(keys, 'turrets', 't1'), 't1');
// A key pair the HQ does not list (not in keys/turrets).
writeCertificates(join(p.dir, 'rogue'), 'rogue');
const children: ChildProcess[] = [];
after(() => {
  killAll(children);
  p.cleanup();
});

void it('admits only authorised turret keys; refuses the others and plain peers, storing nothing of them', async () => {
  const run = await startRun({
    projectDir: p.dir,
    ephemeralPorts: true,
    joinTimeoutMs: 120_000,
    resultsDir: join(p.dir, 'results', 'curve'),
  });
  const logs: string[] = [];
  run.on('log', (line) => logs.push(line));
  const spy = new zmq.Subscriber({ linger: 0 });
  const spied: string[] = [];
  try {
    // A plain SUB on the PUB port: the HQ sends status_request every second, the spy gets none.
    spy.connect(`tcp://127.0.0.1:${run.publishPort}`);
    spy.subscribe('');
    void (async () => {
      for await (const [frame] of spy) spied.push(String(frame));
    })().catch(() => undefined);
    const keyed = (secret: string): Record<string, unknown> => ({
      curve_server_key: join(keys, 'hq.key'),
      curve_secret_key: secret,
    });
    children.push(
      spawnTurret(
        'modern',
        p.dir,
        { name: 'rogue', canons: 1, ...keyed(join(p.dir, 'rogue.key_secret')) },
        run,
      ),
    );
    children.push(spawnTurret('modern', p.dir, { name: 'plain', canons: 1 }, run));
    await waitFor(
      () =>
        logs.some((l) => l.includes('not an authorised turret key')) &&
        logs.some((l) => l.includes('failed the CURVE handshake')),
      60_000,
      `both refusals logged (have: ${logs.join(' | ')})`,
    );
    assert.equal(run.turrets().length, 0, 'neither the rogue nor the plain turret joined');
    children.push(
      spawnTurret(
        'modern',
        p.dir,
        { name: 't1', canons: 1, ...keyed(join(keys, 'turrets', 't1.key_secret')) },
        run,
      ),
    );
  } catch (e) {
    run.stop();
    await run.done;
    throw e;
  }
  const summary = await run.done;
  spy.close();
  assert.equal(summary.outcome, 'completed', `${summary.message}\n${logs.join('\n')}`);
  assert.deepEqual(
    summary.turrets.map((t) => [t.name, t.status, t.curveKey]),
    [['t1', 'ready', 't1']],
  );
  assert.ok(summary.transactions > 0);
  assert.deepEqual(summary.missing, []);
  assert.deepEqual(
    summary.curve?.keys.map((k) => [k.name, k.addresses, k.sockets]),
    [['t1', ['127.0.0.1'], ['commands', 'results']]],
  );
  const names = query<{ turret_name: string; n: number }>(
    summary.dbPath,
    'SELECT turret_name, COUNT(*) AS n FROM result GROUP BY 1',
  );
  assert.deepEqual(
    names.map((r) => r.turret_name),
    ['t1'],
    'nothing of the rogue or plain turret stored',
  );
  assert.deepEqual(query(summary.dbPath, 'SELECT name, curve_key FROM turret'), [
    { name: 't1', curve_key: 't1' },
  ]);
  assert.equal(summary.quarantined, 0);
  // Each refusal is said once, however often ZeroMQ retried.
  assert.equal(logs.filter((l) => l.includes('not an authorised turret key')).length, 1, logs.join('\n'));
  assert.match(
    logs.find((l) => l.includes('not an authorised turret key'))!,
    /refused a connection to the (commands|results) socket from 127\.0\.0\.1: its key .{40} is not an authorised turret key/,
  );
  assert.ok(
    logs.filter((l) => l.includes('failed the CURVE handshake')).length <= 2,
    `once per socket at most: ${logs.join('\n')}`,
  );
  assert.deepEqual(spied, [], 'a SUB without keys reads nothing');
});

void it('refuses, in one line naming the file, an HQ secret key that others can read', async () => {
  chmodSync(join(keys, 'hq.key_secret'), 0o644);
  try {
    await assert.rejects(
      startRun({ projectDir: p.dir, ephemeralPorts: true, resultsDir: join(p.dir, 'results', 'loose') }),
      (e: Error) =>
        e instanceof HqError &&
        /config\.json: security\.curve: .*keys\/hq\.key_secret: secret key readable by others \(mode 0644\): run chmod 600 .*\(spec 11\.3\)$/.test(
          e.message,
        ) &&
        !e.message.includes('\n'),
    );
  } finally {
    chmodSync(join(keys, 'hq.key_secret'), 0o600);
  }
});
