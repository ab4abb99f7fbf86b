/**
 * One PostgreSQL database shared by HQs (docs/scaling.adoc: more HQs in parallel, results in one
 * database), against a real server (hq/test/pg-server.ts):
 * - two `oct run --local` at once into one fresh database: the first to connect creates the tables
 *   while the other waits, each run gets its own `run` row, each stores every result its turrets sent,
 *   and each rebuilds from the database on its own;
 * - a db_uri the run cannot use leaves no empty temporary results directory behind (testing: true).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDb, pgQuery, pgSkip, startPg, type PgServer } from '../../hq/test/pg-server.js';
import { oct, summaryPath, turretEnv } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'oct-cli-pg-shared-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface Summary {
  transactions: number;
  turrets: { name: string; results_sent: number | null; results_stored: number }[];
}

/** A project of `turrets` turrets (2 canons each, 3 s) whose results go to `dbUri`. */
async function project(name: string, dbUri: string, turrets: string[]): Promise<string> {
  const dir = join(root, name);
  assert.equal((await oct(['new-project', dir]).exited).code, 0);
  const file = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  Object.assign(config, {
    run_time: 3,
    progress_bar: false,
    min_turrets: turrets.length,
    turrets: turrets.map((t) => ({ name: t, canons: 2, rampup: 0, script: 'v_user.js' })),
    results_database: { db_uri: dbUri, insert_limit: 150 },
  });
  writeFileSync(file, JSON.stringify(config, null, 2));
  return dir;
}

void describe('one PostgreSQL database shared by HQs', pgSkip(), () => {
  let server: PgServer;
  before(async () => {
    server = await startPg();
    await createDb(server, 'shared');
  });
  after(async () => {
    await server?.stop();
  });

  void it('two HQs at once into one fresh database: a run row each, every result in its own run', async (t) => {
    const uri = server.uri('shared');
    const dirs = [await project('east', uri, ['e1', 'e2']), await project('west', uri, ['w1'])];
    const runs = await Promise.all(
      dirs.map(
        (dir) =>
          oct(
            ['run', '--local', dir],
            turretEnv((m) => t.diagnostic(m)),
          ).exited,
      ),
    );
    const byRun = new Map<string, Summary>();
    for (const res of runs) {
      assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
      const m = /^results: postgresql:\/\/\S+, run ([0-9a-f-]{36}) /m.exec(res.stdout);
      assert.ok(m, res.stdout);
      byRun.set(m[1]!, JSON.parse(readFileSync(summaryPath(res.stdout), 'utf8')) as Summary);
    }
    assert.equal(byRun.size, 2, 'two runs, two run ids');
    const rows = await pgQuery<{ run_uuid: string; project: string; results: string; turrets: string }>(
      server,
      'shared',
      `SELECT run.run_uuid, run.project,
              (SELECT count(*) FROM result WHERE result.run_id = run.id) AS results,
              (SELECT count(*) FROM turret WHERE turret.run_id = run.id) AS turrets
         FROM run ORDER BY run.id`,
    );
    assert.deepEqual(rows.map((r) => r.run_uuid).sort(), [...byRun.keys()].sort(), 'one run row per run');
    for (const row of rows) {
      const summary = byRun.get(row.run_uuid)!;
      assert.ok(summary.transactions > 0, `${row.project}: transactions stored`);
      assert.equal(Number(row.results), summary.transactions, `${row.project}: its results, and only its`);
      assert.equal(Number(row.turrets), summary.turrets.length, `${row.project}: its turrets, and only its`);
      for (const turret of summary.turrets)
        assert.equal(
          turret.results_stored,
          turret.results_sent,
          `${row.project}/${turret.name}: sent = stored`,
        );
    }
    assert.deepEqual([...byRun.values()].map((s) => s.turrets.map((x) => x.name).sort()).sort(), [
      ['e1', 'e2'],
      ['w1'],
    ]);
    for (const [runId, summary] of byRun) {
      const out = join(root, `rebuilt-${runId}`);
      const rebuilt = await oct(['rebuild-results', out, '--db', uri, '--run', runId]).exited;
      assert.equal(rebuilt.code, 0, rebuilt.stderr);
      const again = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
      assert.equal(again.transactions, summary.transactions);
      assert.deepEqual(again.turrets, summary.turrets);
    }
  });

  void it('a db_uri the run cannot use leaves no empty temporary results directory (testing: true)', async () => {
    const ownTmp = join(root, 'tmp');
    mkdirSync(ownTmp);
    for (const [name, dbUri] of [
      ['malformed', 'postgresql://oct:hunter2@127.0.0.1:notaport/oct'],
      ['unsupported', 'mysql://oct@127.0.0.1/oct'],
    ] as const) {
      const dir = await project(name, dbUri, ['t1']);
      const file = join(dir, 'config.json');
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), testing: true }));
      const res = await oct(['run', '--local', dir], { ...process.env, TMPDIR: ownTmp }).exited;
      assert.equal(res.code, 2, `${name}: ${res.stdout}\n${res.stderr}`);
      assert.match(res.stderr, /config\.json: results_database\.db_uri /, name);
      assert.ok(!res.stderr.includes('hunter2'), `${name}: the password is never printed`);
      assert.deepEqual(
        readdirSync(ownTmp).filter((f) => f.startsWith('oct-results-')),
        [],
        `${name}: no results directory left`,
      );
    }
  });
});
