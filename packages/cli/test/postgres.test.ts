/**
 * Results in PostgreSQL end to end, against a real server (hq/test/pg-server.ts):
 * - the same frames stored once in SQLite and once in PostgreSQL give the same summary.json, field by
 *   field, but `results_file` (a file name for one, the masked URL and run id for the other), and the
 *   same CSV (`oct rebuild-results --db`, `oct results-to-csv --run`);
 * - `oct run --local` of a project whose db_uri is PostgreSQL stores every result there, prints the
 *   URL masked, writes its report, and `oct rebuild-results --db` rebuilds the same summary.json.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IngestThread, type IngestThreadOptions } from '@oct/hq';
import { writeReport } from '@oct/reporter';
import { createDb, pgQuery, pgSkip, startPg, type PgServer } from '../../hq/test/pg-server.js';
import { freePort, oct, summaryPath, turretEnv } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'oct-cli-pg-'));
after(() => rmSync(root, { recursive: true, force: true }));

const T0 = 1_700_000_000;
const frame = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));
const status = (turret: string, uuid: string, state: string): Uint8Array =>
  frame({ status: state, uuid, turret, canons: 2, rampup: 0, script: 'v_user.js' });
const result = (i: number): Record<string, unknown> => ({
  elapsed: i / 100,
  epoch: T0 + 1 + i / 200,
  scriptrun_time: 0.001 + (i % 97) / 1000,
  error: i % 13 === 0 ? `HTTP ${500 + (i % 3)}\tfor "x"` : '',
  custom_timers: i % 2 === 0 ? { login: (i % 31) / 500, 'back\\slash': 0.5 } : {},
});

/** The same frames, turret rows and run times, into `dbPath` (a file or a URL). */
async function storeTheRun(dbPath: string, runId: string): Promise<void> {
  const options: IngestThreadOptions = {
    dbPath,
    runId,
    insertLimit: 150,
    run: { project: 'twin', run_time: 10, results_ts_interval: 1, config_json: '{}', hq_version: 'test' },
  };
  const ingest = await IngestThread.start(options);
  ingest.updateRun({ started_at: T0 });
  ingest.push(status('alpha', 'ua', 'ready'));
  ingest.push(status('beta', 'ub', 'ready'));
  for (let b = 0; b < 20; b++) {
    const results = Array.from({ length: 100 }, (_, k) => ({ ...result(b * 100 + k), seq: b * 100 + k }));
    ingest.push(frame({ turret_name: b % 2 ? 'beta' : 'alpha', uuid: b % 2 ? 'ub' : 'ua', results }));
  }
  for (let i = 0; i < 50; i++) ingest.push(frame(result(3000 + i))); // legacy: unattributed
  ingest.push(frame({ ...result(1), turret_name: 'ghost', uuid: 'ug' })); // kept aside
  ingest.push(new TextEncoder().encode('{ not json'));
  for (const [name, uuid] of [
    ['alpha', 'ua'],
    ['beta', 'ub'],
  ] as const)
    ingest.saveTurret({
      name,
      canons: 2,
      script: 'v_user.js',
      uuid,
      rampup: 0,
      status: 'ready',
      updated_at: T0 + 11,
      protocol: '1.0',
      capabilities: ['batch', 'accounting'],
      results_sent: 1000,
      results_stored: 1000,
    });
  ingest.updateRun({ stopped_at: T0 + 10, finished_at: T0 + 11, outcome: 'completed' });
  await ingest.close();
}

void describe('results in PostgreSQL, end to end', pgSkip(), () => {
  let server: PgServer;
  before(async () => {
    server = await startPg();
    await createDb(server, 'oct');
  });
  after(async () => {
    await server?.stop();
  });

  void it('the same run stored in SQLite and in PostgreSQL gives the same summary.json and CSV', async () => {
    const sqlite = join(root, 'twin-sqlite', 'results.sqlite');
    await storeTheRun(sqlite, 'twin-sqlite');
    await storeTheRun(server.uri('oct'), 'twin-pg');
    const fromFile = await writeReport({ dbPath: sqlite, outDir: join(root, 'twin-sqlite') });
    const out = join(root, 'twin-pg');
    const rebuilt = await oct(['rebuild-results', out, '--db', server.uri('oct'), '--run', 'twin-pg']).exited;
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    const a = fromFile.summary as unknown as Record<string, unknown>;
    const b = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(a.transactions, 2050);
    assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort());
    // The one field that must differ: what the results are called. And rejects' first/last times,
    // which are when each store's HQ received the frame (the two stores were fed a moment apart).
    assert.equal(a.results_file, 'results.sqlite');
    assert.match(String(b.results_file), /^postgresql:\/\/oct:\*\*\*@127\.0\.0\.1:\d+\/oct run \d+$/);
    const receivedAtAside = (r: unknown): unknown =>
      JSON.parse(JSON.stringify(r), (k, v: unknown) => (k === 'first' || k === 'last' ? typeof v : v));
    for (const key of Object.keys(a))
      if (key === 'rejects') assert.deepEqual(receivedAtAside(b[key]), receivedAtAside(a[key]), key);
      else if (key !== 'results_file') assert.deepEqual(b[key], a[key], key);
    for (const [args, name] of [
      [[sqlite], 'a.csv'],
      [[server.uri('oct'), '--run', 'twin-pg'], 'b.csv'],
    ] as const) {
      const res = await oct(['results-to-csv', args[0], join(root, name), ...args.slice(1)]).exited;
      assert.equal(res.code, 0, res.stderr);
      assert.equal(res.stdout.trim(), `2050 rows written to ${join(root, name)}`);
    }
    const [csvA, csvB] = ['a.csv', 'b.csv'].map((f) => readFileSync(join(root, f), 'utf8'));
    assert.equal(csvB, csvA);
  });

  void it('oct run stores a project in PostgreSQL, prints the URL masked, and the report rebuilds from there', async (t) => {
    const dir = join(root, 'project');
    assert.equal((await oct(['new-project', dir]).exited).code, 0);
    const file = join(dir, 'config.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    Object.assign(config, {
      run_time: 3,
      progress_bar: false,
      min_turrets: 1,
      turrets: [{ name: 'alpha', canons: 2, rampup: 0, script: 'v_user.js' }],
      results_database: { db_uri: server.uri('oct'), insert_limit: 150 },
    });
    writeFileSync(file, JSON.stringify(config, null, 2));
    const res = await oct(
      ['run', '--local', dir],
      turretEnv((m) => t.diagnostic(m)),
    ).exited;
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    for (const text of [res.stdout, res.stderr]) {
      assert.ok(!text.includes(server.password), 'the password is never printed');
      assert.ok(!text.includes(encodeURIComponent(server.password)), 'nor encoded');
    }
    const m = /^results: postgresql:\/\/oct:\*\*\*@127\.0\.0\.1:\d+\/oct, run ([0-9a-f-]{36}) /m.exec(
      res.stdout,
    );
    assert.ok(m, res.stdout);
    const runId = m[1]!;
    const summary = JSON.parse(readFileSync(summaryPath(res.stdout), 'utf8')) as Record<string, unknown>;
    const [row] = await pgQuery<{ n: string }>(
      server,
      'oct',
      'SELECT count(*) AS n FROM result JOIN run ON run.id = result.run_id WHERE run.run_uuid = $1',
      [runId],
    );
    assert.ok(Number(row!.n) > 0);
    assert.equal(summary.transactions, Number(row!.n), 'every result stored is in the report');
    const out = join(root, 'rebuilt');
    const rebuilt = await oct(['rebuild-results', out, '--db', server.uri('oct'), '--run', runId]).exited;
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    const again = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
    // `oct run` also passes the count of results not stored (0), which the database cannot say.
    for (const key of Object.keys(summary))
      if (key !== 'results_not_stored' && key !== 'notes') assert.deepEqual(again[key], summary[key], key);
    const noRun = await oct(['rebuild-results', out, '--db', server.uri('oct')]).exited;
    assert.equal(noRun.code, 2);
    assert.match(noRun.stderr, /--db needs --run/);
    const unknown = await oct(['rebuild-results', out, '--db', server.uri('oct'), '--run', '999999']).exited;
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(unknown.stderr, /no run "999999"/);
    assert.ok(!unknown.stderr.includes(server.password));
    assert.doesNotMatch(unknown.stderr, /\n\s+at /, 'no stack trace');
    const refused = await oct([
      'results-to-csv',
      `postgresql://oct:hunter2@127.0.0.1:${await freePort()}/oct`,
      join(root, 'refused.csv'),
      '--run',
      runId,
    ]).exited;
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /cannot connect to postgresql:\/\/oct:\*\*\*@127\.0\.0\.1:\d+\/oct: .*ECONNREFUSED/,
    );
    assert.ok(!refused.stderr.includes('hunter2'));
    assert.equal(refused.stderr.trim().split('\n').length, 1, 'one line');
  });

  void it('oct run against a database that refuses the connection: one line naming config.json and the key, exit 2', async () => {
    const dir = join(root, 'refused-project');
    assert.equal((await oct(['new-project', dir]).exited).code, 0);
    const file = join(dir, 'config.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    config.results_database = { db_uri: `postgresql://oct:hunter2@127.0.0.1:${await freePort()}/oct` };
    writeFileSync(file, JSON.stringify(config, null, 2));
    const res = await oct(['run', dir]).exited;
    assert.equal(res.code, 2, `${res.stdout}\n${res.stderr}`);
    assert.match(
      res.stderr,
      /config\.json: results_database\.db_uri: cannot connect to postgresql:\/\/oct:\*\*\*@127\.0\.0\.1:\d+\/oct: .*ECONNREFUSED/,
    );
    assert.ok(!`${res.stdout}${res.stderr}`.includes('hunter2'));
    assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
  });
});
