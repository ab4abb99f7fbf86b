import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { encodeProtobufBatch, type TurretStatus } from '@oct/protocol';
import { Ingest, ResultsStore, TurretRegistry, hasAccounting, isModern } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'oct-registry-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const status = (over: Partial<TurretStatus>): TurretStatus => ({
  turret: 't',
  status: 'ready',
  uuid: 'u1',
  rampup: 0,
  script: 's.js',
  canons: 1,
  protocol: null,
  capabilities: [],
  results_sent: null,
  reason: null,
  ...over,
});

void it('marks a silent turret lost after the bound, and revives it when it answers again', () => {
  const r = new TurretRegistry();
  assert.equal(r.update(status({}), 0).isNew, true);
  r.update(status({ uuid: 'u2', status: 'running' }), 0);
  r.heard('u2', 4000);
  assert.deepEqual(
    r.markLost(5001, 5000).map((t) => t.uuid),
    ['u1'],
  );
  assert.equal(r.get('u1')!.status, 'lost');
  assert.equal(r.markLost(5002, 5000).length, 0, 'lost once');
  assert.deepEqual(
    r.alive().map((t) => t.uuid),
    ['u2'],
  );
  const back = r.update(status({ status: 'ready' }), 6000);
  assert.equal(back.previous, 'lost');
  assert.equal(r.alive().length, 2);
});

void it('tells 1.x turrets and accounting apart from legacy ones', () => {
  assert.equal(isModern({ protocol: null }), false);
  assert.equal(isModern({ protocol: '1.3' }), true);
  assert.equal(hasAccounting({ protocol: '1.0', capabilities: ['batch', 'accounting'] }), true);
  assert.equal(hasAccounting({ protocol: null, capabilities: ['accounting'] }), false);
});

void it('counts stored results per turret uuid across single results, JSON and protobuf batches', () => {
  const store = new ResultsStore(join(dir, 'i.sqlite'), { insertLimit: 3 });
  const statuses: string[] = [];
  const ingest = new Ingest(store, { flushAt: 4, onStatus: (s) => statuses.push(s.uuid) });
  const enc = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));
  const r = { elapsed: 1, epoch: 2, scriptrun_time: 0.5, error: '', custom_timers: {} };
  ingest.handle(enc({ turret: 'a', status: 'READY', uuid: 'ua', rampup: '0', script: 's', cannons: '2' }));
  ingest.handle(enc({ turret: 'b', status: 'ready', uuid: 'ub', rampup: 0, script: 's', canons: 2 }));
  ingest.handle(enc({ ...r, turret_name: 'a', uuid: 'ua' }));
  ingest.handle(enc({ ...r, error: 'boom' })); // legacy: unattributed
  ingest.handle(enc({ turret_name: 'b', uuid: 'ub', results: [r, r, r] }));
  ingest.handle(encodeProtobufBatch({ turret_name: 'a', uuid: 'ua', results: [r, r] }));
  ingest.handle(enc({ neither: true }));
  ingest.flush();
  store.close();
  assert.deepEqual(ingest.counts, {
    stored: 7,
    errors: 1,
    unattributed: 1,
    notStored: 0,
    rejects: 1,
    statuses: 2,
    quarantined: 0,
    setupFailures: 0,
  });
  assert.equal(ingest.storedByUuid.get('ua'), 3);
  assert.equal(ingest.storedByUuid.get('ub'), 3);
  assert.deepEqual(statuses, ['ua', 'ub']);
});

void it("tells this run's starts from others' with session: by the run_id a status names (spec 8.12, 8.13)", () => {
  const r = new TurretRegistry('run-B');
  const caps = { protocol: '1.0', capabilities: ['accounting', 'session'] };
  // A turret left firing by HQ A: foreign, and its count (for A's start) is not taken.
  let u = r.update(status({ ...caps, status: 'running', run_id: 'run-A' }), 0);
  assert.equal(u.foreign, true);
  assert.equal(u.started, false);
  u = r.update(status({ ...caps, status: 'ready', run_id: 'run-A', results_sent: 3976 }), 1);
  assert.equal(u.turret.resultsSent, null, "results_sent of run A's start");
  assert.equal(u.turret.inRun, false);
  // B starts it: acknowledged by a running status naming run B; its count is then B's.
  u = r.update(status({ ...caps, status: 'running', run_id: 'run-B' }), 2);
  assert.deepEqual([u.started, u.foreign, u.turret.inRun, u.turret.firing], [true, false, true, 'ours']);
  u = r.update(status({ ...caps, status: 'running', run_id: 'run-B' }), 3);
  assert.equal(u.started, false, 'the same start');
  u = r.update(status({ ...caps, status: 'ready', run_id: 'run-B', results_sent: 120 }), 4);
  assert.equal(u.turret.resultsSent, 120);
  assert.equal(u.turret.resultsSentAt, 4);
  // Started again within the run (e.g. after it stopped on silence): the counts add up.
  u = r.update(status({ ...caps, status: 'running', run_id: 'run-B' }), 5);
  assert.equal(u.started, true);
  u = r.update(status({ ...caps, status: 'ready', run_id: 'run-B', results_sent: 30 }), 6);
  assert.equal(u.turret.resultsSent, 150);
});

void it("tells this run's starts from others' without session: seen not running, then running after a start (spec 8.13)", () => {
  const r = new TurretRegistry('run-B');
  const caps = { protocol: '1.0', capabilities: ['accounting'] };
  // First heard from while running: another HQ's start.
  let u = r.update(status({ ...caps, uuid: 'left', status: 'running' }), 0);
  assert.equal(u.foreign, true);
  u = r.update(status({ ...caps, uuid: 'left', status: 'ready', results_sent: 900 }), 1);
  assert.equal(u.turret.resultsSent, null);
  // A reused turret reports the count of its previous run while ready: not taken either.
  u = r.update(status({ ...caps, uuid: 'reused', status: 'ready', results_sent: 500 }), 1);
  assert.equal(u.turret.resultsSent, null);
  // Running before this HQ sent any start: not this run's.
  u = r.update(status({ ...caps, uuid: 'reused', status: 'running' }), 2);
  assert.equal(u.foreign, true);
  r.update(status({ ...caps, uuid: 'reused', status: 'ready', results_sent: 510 }), 3);
  r.startSent = true;
  for (const uuid of ['left', 'reused']) {
    u = r.update(status({ ...caps, uuid, status: 'running' }), 4);
    assert.deepEqual([u.started, u.foreign], [true, false], uuid);
    u = r.update(status({ ...caps, uuid, status: 'ready', results_sent: 7 }), 5);
    assert.equal(u.turret.resultsSent, 7, uuid);
  }
});

void it("keeps each turret's firing window in this run: from its running status or first result to its first status not running, or last result (issue 18)", () => {
  const r = new TurretRegistry('run-a');
  r.update(status({ uuid: 'a', protocol: '1.0' }), 0, 100); // ready
  r.update(status({ uuid: 'legacy' }), 0, 100);
  r.heard('a', 10, 100.5); // a result before any start: not this run's
  assert.equal(r.get('a')!.firingFrom, null);
  r.startSent = true;
  r.heard('a', 20, 101.25); // a result after the start, before its running status (4.8 is a SHOULD)
  r.update(status({ uuid: 'a', protocol: '1.0', status: 'running' }), 30, 101.5);
  r.update(status({ uuid: 'legacy', status: 'running' }), 30, 102);
  r.heard('a', 40, 104);
  assert.deepEqual([r.get('a')!.firingFrom, r.get('a')!.firingUntil], [101.25, 104]);
  r.update(status({ uuid: 'a', protocol: '1.0', status: 'ready' }), 50, 104.5);
  assert.deepEqual([r.get('a')!.firingFrom, r.get('a')!.firingUntil], [101.25, 104.5]);
  // The legacy turret answers status_request while running, then falls silent: lost, firing until its last status.
  r.update(status({ uuid: 'legacy', status: 'running' }), 60, 105);
  r.heard('a', 3000); // a status_request answered: alive, nothing fired
  assert.deepEqual(
    r.markLost(6000, 5000).map((t) => t.uuid),
    ['legacy'],
  );
  assert.deepEqual([r.get('legacy')!.firingFrom, r.get('legacy')!.firingUntil], [102, 105]);
  // A turret never seen idle that says running fires for someone else's start (8.13): no window.
  r.update(status({ uuid: 'foreign', protocol: '1.0', status: 'running' }), 6000, 106);
  r.heard('foreign', 6001, 106.5);
  assert.deepEqual([r.get('foreign')!.firingFrom, r.get('foreign')!.firingUntil], [null, null]);
});
