/**
 * The dialect of an OCT 0.4 HQ (spec 12): until an HQ advertises protocol 1.x, statuses and results
 * carry exactly the keys that HQ stores; an advertisement switches to protocol 1.x (mid-run too, with
 * seq and results_sent counted from the switch), a status_request without one switches back.
 *
 * harness PUB  -- status_request (msg null, or {protocol, capabilities}), start, stop -->  turret SUB
 * harness PULL <-- statuses, plain results --  turret PUSH
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, Harness, sleep, spawnTurret, tempDir, type TurretProcess } from './harness.js';

/** The columns of OCT 0.4's turret and result tables (spec 12.1, 12.2). */
const STATUS_KEYS = ['cannons', 'rampup', 'script', 'status', 'turret', 'uuid'];
const RESULT_KEYS = ['custom_timers', 'elapsed', 'epoch', 'error', 'scriptrun_time', 'turret_name'];
const keys = (o: Record<string, unknown> | undefined): string[] => Object.keys(o ?? {}).sort();

describe('the legacy dialect (spec 12)', () => {
  let h: Harness;
  let turret: TurretProcess;
  let uuid: string;
  let tmp: ReturnType<typeof tempDir>;

  before(async () => {
    h = await Harness.create();
    tmp = tempDir();
    const cfg = h.writeConfig(tmp.dir, { name: 'old', canons: 2, script: `${FIXTURES}/quick.js` });
    turret = spawnTurret(['start', '--config', cfg]);
    uuid = (await h.waitStatus('ready')).uuid;
    await sleep(300); // the subscription reaches the PUB (slow joiner)
  });

  after(async () => {
    await turret.stop();
    h.close();
    tmp.cleanup();
  });

  it('says ready first, with exactly the six keys of a legacy status and cannons (spec 12.1, 12.4)', () => {
    const first = h.statuses[0]!;
    assert.equal(first.status, 'ready');
    assert.deepEqual(keys(first.raw), STATUS_KEYS, JSON.stringify(first.raw));
    assert.equal(first.raw.cannons, 2);
  });

  it('sends results with exactly the six keys of a legacy result while no HQ advertised 1.x (spec 12.2)', async () => {
    const from = h.statuses.length;
    const rfrom = h.results.length;
    await h.send('status_request', null);
    await h.send('set_transaction_context', {});
    await h.send('start');
    await h.waitStatus('running', { from });
    await h.waitFor(() => h.results.length - rfrom >= 20, '20 results');
    const results = h.results.slice(rfrom);
    for (const r of results) {
      assert.equal(r.via, 'plain');
      assert.deepEqual(keys(r.raw), RESULT_KEYS, JSON.stringify(r.raw));
      assert.equal(r.raw!.turret_name, 'old');
    }
    for (const s of h.statuses) assert.deepEqual(keys(s.raw), STATUS_KEYS, JSON.stringify(s.raw));
  });

  it('speaks 1.x from an advertisement on, mid-run too: seq and results_sent count from it (spec 8.2, 12.5)', async () => {
    const from = h.statuses.length;
    const advertisedAt = Date.now();
    await h.send('status_request', { protocol: '1.0', capabilities: ['accounting'] });
    const answer = await h.waitFor(
      () => h.statuses.slice(from).find((s) => s.raw.protocol !== undefined),
      'a protocol 1.x status',
    );
    assert.equal(answer.status, 'running');
    assert.equal(answer.raw.canons, 2);
    assert.equal(answer.raw.cannons, undefined);
    await h.waitResults(uuid, 20);
    const stopFrom = h.statuses.length;
    await h.send('stop');
    const ready = await h.waitStatus('ready', { from: stopFrom });
    await sleep(200);
    const modern = h.results.filter((r) => r.raw?.uuid !== undefined);
    assert.ok(modern.every((r) => r.at >= advertisedAt));
    const seqs = modern.map((r) => r.seq).sort((a, b) => a! - b!);
    assert.deepEqual(
      seqs,
      modern.map((_, i) => i),
      'seq from 0 at the switch, without gaps',
    );
    assert.equal(ready.results_sent, modern.length, 'results_sent counts the results sent since the switch');
    assert.ok(
      h.results.some((r) => r.raw?.uuid === undefined),
      'some results were sent before the switch',
    );
  });

  it('goes back to the legacy dialect on a status_request without an advertisement (spec 8.15)', async () => {
    const from = h.statuses.length;
    await h.send('status_request', null);
    const answer = await h.waitFor(
      () => h.statuses.slice(from).find((s) => s.raw.protocol === undefined),
      'a legacy status',
    );
    assert.deepEqual(keys(answer.raw), STATUS_KEYS, JSON.stringify(answer.raw));
    const rfrom = h.results.length;
    const sfrom = h.statuses.length;
    await h.send('start');
    await h.waitStatus('running', { from: sfrom });
    await h.waitFor(() => h.results.length - rfrom >= 20, '20 results');
    const stopFrom = h.statuses.length;
    await h.send('stop');
    await h.waitStatus('ready', { from: stopFrom });
    for (const r of h.results.slice(rfrom)) assert.deepEqual(keys(r.raw), RESULT_KEYS, JSON.stringify(r.raw));
    for (const s of h.statuses.slice(from))
      assert.deepEqual(keys(s.raw), STATUS_KEYS, `no results_sent, no protocol: ${JSON.stringify(s.raw)}`);
  });
});
