/**
 * Liveness is judged on what arrived, not on when a backlog let it be read. A turret floods a slow
 * store (insert_limit 1: one commit per row) with single-result frames: its statuses wait behind
 * tens of thousands of its own results, yet every result proves it alive, so it is never lost. A
 * turret stopped with SIGSTOP in the same run is still marked lost.
 *
 *   HQ PUB  -- status_request, start, stop -->  flood SUB, frozen SUB
 *   HQ PULL <-- 80k results, then statuses ----  flood PUSH
 *   HQ PULL <-- ready, then nothing -----------  frozen PUSH (SIGSTOP)
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startRun } from '../src/index.js';
import { killAll, query, spawnTurret, tempProject, waitFor, type TempProject } from './helpers.js';

const children: ChildProcess[] = [];
const projects: TempProject[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGCONT');
  killAll(children);
  for (const p of projects) p.cleanup();
});

const CANONS = 10;
const PER_CANON = 8000;

void describe('liveness under a backlog', () => {
  void it('never calls a flooding turret lost, and still loses a frozen one', async () => {
    const p = tempProject({
      run_time: 10,
      min_turrets: 2,
      turrets: [{ name: 'placeholder', canons: 1, script: 'v_user.js' }],
      results_database: { db_uri: 'default', insert_limit: 1 },
    });
    projects.push(p);
    writeFileSync(join(p.dir, 'v_user.js'), 'export class Transaction {\n  async run() {}\n}\n');
    const run = await startRun({
      projectDir: p.dir,
      ephemeralPorts: true,
      lostAfterMs: 2000,
      maxDrainMs: 120_000,
      resultsDir: join(p.dir, 'results', 'r1'),
    });
    const lost: string[] = [];
    run.on('turret', (e) => {
      if (e.kind === 'lost') lost.push(e.turret.name);
    });
    const flood = spawnTurret(
      'modern',
      p.dir,
      { name: 'flood', canons: CANONS, fixture_encoding: 'single', fixture_fire_limit: PER_CANON },
      run,
    );
    const frozen = spawnTurret('modern', p.dir, { name: 'frozen', canons: 1, fixture_fire_limit: 1 }, run);
    children.push(flood, frozen);
    await waitFor(() => run.phase === 'running', 60_000, 'the run to start');
    frozen.kill('SIGSTOP');

    const summary = await run.done;
    assert.deepEqual(
      lost.filter((name) => name === 'flood'),
      [],
      'the flooding turret was called lost while its results were still arriving',
    );
    assert.ok(lost.includes('frozen'), `the frozen turret was not marked lost (lost: ${lost.join(', ')})`);
    assert.equal(summary.outcome, 'completed', summary.message);
    const [row] = query<{ n: number }>(
      summary.dbPath,
      "SELECT COUNT(*) AS n FROM result WHERE turret_name = 'flood'",
    );
    assert.equal(row!.n, CANONS * PER_CANON, 'every flood result stored');
  });
});
