/**
 * Back-pressure reaches the turret: when the HQ stores slower than a turret sends, what the turret
 * has handed to ZeroMQ and the HQ has not stored stays bounded (the HQ's receive queue, TCP, the
 * chunks in flight to the ingest thread), so the turret's sends wait instead of the HQ's memory
 * growing with the length of the run.
 *
 *   HQ PULL <-- ready, then 1,000-result batches as fast as ZeroMQ takes them --  test PUSH
 *   (results file with insert_limit 1: one commit per row)
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Push } from 'zeromq';
import { startRun } from '../src/index.js';
import { tempProject, waitFor, type TempProject } from './helpers.js';

const projects: TempProject[] = [];
after(() => {
  for (const p of projects) p.cleanup();
});

const BATCH = 1000;
const FRAMES = 3000; // 3M results: far more than the HQ can hold back
/** Results sent and not yet taken, at most: 100 frames queued by the HQ, TCP, 64 packs of 4096 rows, a burst. */
const BOUND = 800_000;

void describe('back-pressure', () => {
  void it('makes a fast sender wait for a slow store instead of queueing without bound', async () => {
    const p = tempProject({
      run_time: 60,
      min_turrets: 1,
      turrets: [{ name: 'placeholder', canons: 1, script: 'v_user.js' }],
      results_database: { db_uri: 'default', insert_limit: 1 },
    });
    projects.push(p);
    const run = await startRun({
      projectDir: p.dir,
      ephemeralPorts: true,
      lostAfterMs: 60_000,
      maxDrainMs: 5_000,
      resultsDir: join(p.dir, 'results', 'r1'),
    });
    let taken = 0; // results the HQ has decoded (stored, or in the batch being stored)
    run.on('progress', (pr) => (taken = pr.transactions));
    const uuid = randomUUID();
    const push = new Push({ linger: 0, sendHighWaterMark: 10, sendTimeout: 200 });
    try {
      push.connect(`tcp://127.0.0.1:${run.rcPort}`);
      const status = { turret: 'flood', status: 'ready', uuid, rampup: 0, script: 'v_user.js', canons: 1 };
      await push.send(JSON.stringify(status));
      // Joined once it answers a status_request sent after its first status (spec 8.14): it has no
      // SUB socket, so it says ready again once the HQ has heard it (and asked).
      await waitFor(() => run.turrets().length === 1, 30_000, 'the HQ to hear it');
      await push.send(JSON.stringify(status));
      await waitFor(() => run.phase === 'running', 30_000, 'the run to start');
      await push.send(JSON.stringify({ ...status, status: 'running' }));

      const now = Date.now() / 1000;
      const results = Array.from({ length: BATCH }, (_, i) => ({
        elapsed: i / 1000,
        epoch: now,
        scriptrun_time: 0.001,
        error: '',
        custom_timers: {},
      }));
      const frame = JSON.stringify({ turret_name: 'flood', uuid, results });
      let accepted = 0;
      let worst = 0;
      const end = Date.now() + 8_000;
      while (accepted < FRAMES && Date.now() < end) {
        try {
          await push.send(frame);
          accepted++;
        } catch (e) {
          if ((e as { code?: string }).code !== 'EAGAIN') throw e;
        }
        worst = Math.max(worst, accepted * BATCH - taken);
      }
      assert.ok(accepted < FRAMES, `all ${FRAMES} frames were taken at once: nothing pushed back`);
      assert.ok(
        worst <= BOUND,
        `${worst} results sent and not stored at the worst moment (bound ${BOUND}): the HQ queues without bound`,
      );
    } finally {
      push.close();
      run.stop('interrupted');
      await run.done;
    }
  });
});
