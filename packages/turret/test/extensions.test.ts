/**
 * Extensions (spec 8): used only after the HQ advertised them; batch (JSON / protobuf) and accounting.
 *
 * harness PUB  -- status_request {protocol, capabilities}, start, stop -->  turret SUB
 * harness PULL <-- statuses (results_sent), batches (seq) --  turret PUSH
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  FIXTURES,
  Harness,
  sleep,
  spawnTurret,
  tempDir,
  type Received,
  type TurretProcess,
} from './harness.js';

describe('negotiated extensions', () => {
  let h: Harness;
  let turret: TurretProcess;
  let uuid: string;
  let tmp: ReturnType<typeof tempDir>;

  before(async () => {
    h = await Harness.create();
    tmp = tempDir();
    const cfg = h.writeConfig(tmp.dir, { name: 'ext', canons: 8, script: `${FIXTURES}/quick.js` });
    turret = spawnTurret(['start', '--config', cfg]);
    uuid = (await h.ready()).uuid;
  });

  after(async () => {
    await turret.stop();
    h.close();
    tmp.cleanup();
  });

  /** One short run: start, let it fire, stop; returns its results and the ready status after it. */
  async function run(ms = 800): Promise<{ results: Received[]; resultsSent: number | null }> {
    const rfrom = h.results.length;
    const sfrom = h.statuses.length;
    await h.send('start');
    await h.waitStatus('running', { from: sfrom });
    await sleep(ms);
    const stopFrom = h.statuses.length;
    await h.send('stop');
    const ready = await h.waitStatus('ready', { from: stopFrom });
    await sleep(200);
    const results = h.resultsOf(uuid, rfrom);
    assert.ok(
      results.every((r) => r.at <= ready.at),
      'every result before the ready status',
    );
    return { results, resultsSent: ready.results_sent };
  }

  it('speaks the plain protocol before any advertisement (spec 8.3)', async () => {
    const { results, resultsSent } = await run(200);
    assert.ok(results.length > 0);
    assert.ok(results.every((r) => r.via === 'plain' && r.seq === null));
    assert.equal(resultsSent, null);
  });

  it('sends JSON batches when the HQ advertised batch only (spec 8.4)', async () => {
    await h.advertise(['batch', 'future-thing']);
    const { results, resultsSent } = await run();
    assert.ok(results.length > 1200, `${results.length} results`);
    assert.ok(results.every((r) => r.via === 'json-batch' && r.turret_name === 'ext' && r.uuid === uuid));
    assert.ok(results.every((r) => r.seq === null));
    assert.equal(resultsSent, null);
  });

  it('sends protobuf batches with gapless seq and results_sent with batch, protobuf, accounting (spec 8.5, 8.6)', async () => {
    await h.advertise(['batch', 'protobuf', 'accounting']);
    for (let round = 0; round < 2; round++) {
      const { results, resultsSent } = await run();
      assert.ok(results.length > 1200, `${results.length} results`);
      assert.ok(results.every((r) => r.via === 'protobuf-batch'));
      assert.deepEqual(
        results.map((r) => r.seq),
        results.map((_, i) => i),
        'seq from 0 at each start, without gaps',
      );
      assert.equal(resultsSent, results.length, 'results_sent counts every result sent');
      assert.ok(results.every((r) => r.error === '' && r.scriptrun_time >= 0));
    }
    assert.equal(h.invalid.length, 0, h.invalid.join('\n'));
  });

  it('accounting without batch: plain results carrying seq (spec 8.6)', async () => {
    await h.advertise(['accounting']);
    const { results, resultsSent } = await run(200);
    assert.ok(results.length > 0 && results.every((r) => r.via === 'plain'));
    assert.deepEqual(
      results.map((r) => r.seq),
      results.map((_, i) => i),
    );
    assert.equal(resultsSent, results.length);
  });
});
