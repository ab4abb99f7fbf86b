/**
 * A full run with only an OCT 0.4-style turret (test/fixtures/legacy-turret.mjs), on the configured
 * publish_port / rc_port, plus the external publisher.
 *
 *   HQ PUB  -- " {json}" broadcasts only -->  legacy turret SUB (parses the whole frame as JSON)
 *   HQ PULL <-- READY / Running, results without turret_name --  legacy turret PUSH
 *   HQ external PUB -- [topic, result JSON] for every stored result -->  test SUB
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, it } from 'node:test';
import * as zmq from 'zeromq';
import { startRun } from '../src/index.js';
import { freePort, killAll, query, spawnTurret, tempProject } from './helpers.js';

const children: ChildProcess[] = [];
const p = tempProject({ run_time: 3, turrets: ['turret.json'] });
after(() => {
  killAll(children);
  p.cleanup();
});

void it('runs a legacy turret start to finish, stores its results unattributed and re-publishes them', async () => {
  const [publishPort, rcPort, externalPort] = [await freePort(), await freePort(), await freePort()];
  const { writeFileSync, readFileSync } = await import('node:fs');
  const configPath = `${p.dir}/config.json`;
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  Object.assign(config, {
    publish_port: publishPort,
    rc_port: rcPort,
    external_publisher: `tcp://127.0.0.1:${externalPort}`,
  });
  writeFileSync(configPath, JSON.stringify(config));
  writeFileSync(`${p.dir}/turret.json`, JSON.stringify({ name: 'old', cannons: '2', script: 'v_user.js' }));

  const run = await startRun({
    projectDir: p.dir,
    resultsDir: `${p.dir}/results/legacy`,
    publisherChannel: 'legacy-run',
  });
  assert.equal(run.publishPort, publishPort);
  assert.equal(run.rcPort, rcPort);
  const sub = new zmq.Subscriber({ linger: 0 });
  sub.connect(`tcp://127.0.0.1:${externalPort}`);
  sub.subscribe('legacy-run');
  let published = 0;
  let lastPublished: Record<string, unknown> | null = null;
  const receiving = (async () => {
    for await (const [topic, m] of sub) {
      assert.equal(topic!.toString(), 'legacy-run');
      published++;
      lastPublished = JSON.parse(m!.toString()) as Record<string, unknown>;
    }
  })().catch(() => undefined);

  const legacy = spawnTurret('legacy', p.dir, { name: 'old', cannons: '2' }, run);
  children.push(legacy);
  const summary = await run.done;
  assert.equal(summary.outcome, 'completed', summary.message);
  assert.ok(summary.transactions > 0);
  assert.equal(summary.unattributed, summary.transactions, 'legacy results carry no turret_name');
  const [t] = summary.turrets;
  assert.equal(t!.name, 'old');
  assert.equal(t!.protocol, null);
  assert.equal(t!.canons, 2, '"cannons": "2" read as 2 canons');
  assert.ok(['ready', 'running'].includes(t!.status), `legacy turret alive at the end, got ${t!.status}`);
  assert.equal(legacy.exitCode, null, 'the legacy turret did not crash');
  const [row] = query<{ n: number; whole: number }>(
    summary.dbPath,
    'SELECT COUNT(*) AS n, SUM(epoch = CAST(epoch AS INTEGER)) AS whole FROM result WHERE turret_name IS NULL',
  );
  assert.equal(row!.n, summary.transactions);
  assert.equal(row!.whole, row!.n, 'whole-second epochs kept as sent');
  const deadline = Date.now() + 20_000;
  while (published < summary.transactions && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  sub.close();
  await receiving;
  // PUB/SUB may drop the first results before the subscription lands; every later one arrives.
  assert.ok(
    published > 0 && published <= summary.transactions,
    `published ${published} of ${summary.transactions}`,
  );
  assert.ok(lastPublished && 'scriptrun_time' in lastPublished);
});
