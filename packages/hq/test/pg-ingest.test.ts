/**
 * The ingest thread into a real PostgreSQL server (test/pg-server.ts): tables created if missing,
 * one run row per run and every row keyed by it, counts that say what the database holds, a
 * database that goes away mid-run (reported once, the rest counted as not stored), and one masked
 * line for refused connections, wrong passwords and missing databases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { encodeProtobufBatch, encodeTurretMessage, type ResultMessage } from '@oct/protocol';
import { IngestThread, schemaSql } from '../src/index.js';
import { startRun } from '../src/run.js';
import { HqError } from '../src/run-types.js';
import { createDb, pgQuery, pgSkip, startPg, type PgServer } from './pg-server.js';
import type { ChildProcess } from 'node:child_process';
import { freePort, killAll, spawnTurret, tempProject, waitFor } from './helpers.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const result = (i: number): ResultMessage => ({
  elapsed: i / 10,
  epoch: 1_700_000_000 + i,
  scriptrun_time: 0.01,
  error: i % 5 === 0 ? 'boom\ttab\\back\nline' : i === 7 ? 'naïve ü\0end' : '',
  custom_timers: { t: 0.001 * i },
});
const batchOf = (n: number, from = 0): [ResultMessage, ...ResultMessage[]] => [
  { ...result(from), seq: from },
  ...Array.from({ length: n - 1 }, (_, i) => ({ ...result(from + i + 1), seq: from + i + 1 })),
];
const announce = (name: string, uuid: string): Uint8Array =>
  encodeTurretMessage({ status: 'ready', uuid, turret: name, canons: 2, rampup: 0, script: 's.js' });
const RUN = { project: 'p', run_time: 1, results_ts_interval: 1, config_json: '{}', hq_version: 'test' };

void describe('results in PostgreSQL', pgSkip(), () => {
  let server: PgServer;
  before(async () => {
    server = await startPg();
    await createDb(server, 'oct');
  });
  after(async () => {
    await server?.stop();
  });

  void it('creates the tables, keys every row by its run, and counts exactly what the database holds', async () => {
    const runs: string[] = [];
    for (const runId of ['run-one', 'run-two']) {
      const ingest = await IngestThread.start({
        dbPath: server.uri('oct'),
        runId,
        insertLimit: 50,
        run: RUN,
      });
      ingest.push(announce('alpha', 'a'));
      for (let i = 0; i < 300; i++) ingest.push(bytes(JSON.stringify(result(i)))); // legacy: unattributed
      ingest.push(bytes('{ not json'));
      ingest.push(encodeTurretMessage({ turret_name: 'alpha', uuid: 'a', results: batchOf(120) }));
      ingest.push(encodeProtobufBatch({ turret_name: 'alpha', uuid: 'a', results: batchOf(80, 120) }));
      ingest.push(encodeTurretMessage({ turret_name: 'ghost', uuid: 'g', results: batchOf(7) })); // unannounced
      ingest.saveTurret({
        name: 'alpha',
        canons: 2,
        script: 's.js',
        uuid: 'a',
        rampup: 0,
        status: 'ready',
        updated_at: 1,
        protocol: '1.0',
        capabilities: ['batch'],
        results_sent: null,
        results_stored: 200,
      });
      ingest.updateRun({ started_at: 10, outcome: 'completed' });
      assert.equal(await ingest.close(), 1, 'one reject, counted in the database');
      assert.equal(ingest.counts.stored, 500);
      assert.equal(ingest.counts.quarantined, 7);
      assert.equal(ingest.counts.notStored, 0);
      assert.equal(ingest.storedByUuid.get('a'), 200);
      runs.push(runId);
    }
    const [run] = await pgQuery<{ id: string; started_at: number; outcome: string }>(
      server,
      'oct',
      "SELECT id, started_at, outcome FROM run WHERE run_uuid = 'run-two'",
    );
    assert.equal(run!.started_at, 10);
    assert.equal(run!.outcome, 'completed');
    const count = async (table: string, runId: string): Promise<number> =>
      Number(
        (
          await pgQuery<{ n: string }>(
            server,
            'oct',
            `SELECT count(*) AS n FROM ${table} JOIN run ON run.id = ${table}.run_id WHERE run.run_uuid = $1`,
            [runId],
          )
        )[0]!.n,
      );
    for (const runId of runs) {
      assert.equal(await count('result', runId), 500);
      assert.equal(await count('quarantine', runId), 7);
      assert.equal(await count('reject', runId), 1);
      assert.equal(await count('turret', runId), 1);
    }
    // Texts with tabs, backslashes and line breaks come back as sent (COPY's escapes); order is kept.
    const rows = await pgQuery<{ error: string; turret_uuid: string | null; seq: string | null }>(
      server,
      'oct',
      'SELECT error, turret_uuid, seq FROM result WHERE run_id = $1 ORDER BY id',
      [run!.id],
    );
    assert.equal(rows[0]!.error, 'boom\ttab\\back\nline');
    assert.equal(
      rows[7]!.error,
      'naïve ü\\0end',
      'UTF-8 kept; NUL, which PostgreSQL text cannot hold, as \\0',
    );
    assert.equal(rows[0]!.turret_uuid, null);
    assert.equal(rows[300]!.turret_uuid, 'a');
    assert.deepEqual(
      rows.slice(300).map((r) => Number(r.seq)),
      Array.from({ length: 200 }, (_, i) => i),
    );
  });

  void it("gives a database made before the firing columns (an earlier HQ's) those columns, and stores each turret's firing window", async () => {
    await createDb(server, 'before_firing');
    // The turret table as an earlier HQ made it: without firing_from, firing_until.
    const earlier = schemaSql('schema-pg.sql')
      .replace(/^  firing_(from|until) .*\n/gm, '')
      .replace(/^DO \$\$[\s\S]*?END \$\$;$/m, '');
    assert.doesNotMatch(earlier, /firing_/);
    await pgQuery(server, 'before_firing', earlier);
    const turret = {
      name: 'alpha',
      canons: 2,
      script: 's.js',
      uuid: 'a',
      rampup: 0,
      status: 'ready',
      updated_at: 1,
      protocol: '1.0',
      capabilities: [],
      results_sent: null,
      results_stored: 0,
    };
    const ingest = await IngestThread.start({
      dbPath: server.uri('before_firing'),
      runId: 'firing',
      insertLimit: 50,
      run: RUN,
    });
    ingest.push(announce('alpha', 'a'));
    ingest.saveTurret({ ...turret, firing_from: 1_700_000_000.25, firing_until: 1_700_000_003.5 });
    ingest.saveTurret({ ...turret, uuid: 'b', name: 'beta' }); // never fired
    await ingest.close();
    const rows = await pgQuery<{ uuid: string; firing_from: number | null; firing_until: number | null }>(
      server,
      'before_firing',
      'SELECT uuid, firing_from, firing_until FROM turret ORDER BY uuid',
    );
    assert.deepEqual(rows, [
      { uuid: 'a', firing_from: 1_700_000_000.25, firing_until: 1_700_000_003.5 },
      { uuid: 'b', firing_from: null, firing_until: null },
    ]);
  });

  void it('gives a database made before setup_failed and canons_abandoned those columns, and stores them (JSON and protobuf)', async () => {
    await createDb(server, 'before_setup');
    // The tables as an earlier HQ made them: without setup_failed, canons_abandoned (nor the DO blocks).
    const earlier = schemaSql('schema-pg.sql')
      .replace(/^ {2}(setup_failed|canons_abandoned) .*\n/gm, '')
      .replace(/^( {2}seq BIGINT),$/gm, '$1')
      .replace(/^DO \$\$[\s\S]*?END \$\$;$/gm, '');
    assert.doesNotMatch(earlier, /setup_failed|canons_abandoned/);
    await pgQuery(server, 'before_setup', earlier);
    const ingest = await IngestThread.start({
      dbPath: server.uri('before_setup'),
      runId: 'setup',
      insertLimit: 50,
      run: RUN,
    });
    ingest.push(announce('alpha', 'a'));
    const failed = (r: ResultMessage, i: number): ResultMessage =>
      i % 3 === 0 ? { ...r, error: 'setup: Error: no', setup_failed: true } : r;
    ingest.push(
      encodeTurretMessage({
        turret_name: 'alpha',
        uuid: 'a',
        results: batchOf(6).map(failed) as ReturnType<typeof batchOf>,
      }),
    );
    ingest.push(
      encodeProtobufBatch({
        turret_name: 'alpha',
        uuid: 'a',
        results: batchOf(6, 6).map(failed) as ReturnType<typeof batchOf>,
      }),
    );
    ingest.saveTurret({
      name: 'alpha',
      canons: 2,
      script: 's.js',
      uuid: 'a',
      rampup: 0,
      status: 'ready',
      updated_at: 1,
      protocol: '1.0',
      capabilities: [],
      results_sent: null,
      results_stored: 12,
      canons_abandoned: 2,
    });
    await ingest.close();
    assert.equal(ingest.counts.stored, 12);
    assert.equal(ingest.counts.setupFailures, 4);
    const rows = await pgQuery<{ seq: string; setup_failed: boolean | null }>(
      server,
      'before_setup',
      'SELECT seq, setup_failed FROM result ORDER BY id',
    );
    assert.deepEqual(
      rows.map((r) => [Number(r.seq), r.setup_failed]),
      Array.from({ length: 12 }, (_, i) => [i, (i % 6) % 3 === 0 ? true : null]),
    );
    const [turret] = await pgQuery<{ canons_abandoned: string | null }>(
      server,
      'before_setup',
      'SELECT canons_abandoned FROM turret',
    );
    assert.equal(Number(turret!.canons_abandoned), 2);
  });

  void it('when the database goes away mid-run: one masked line, nothing more stored, every result received counted', async () => {
    await createDb(server, 'goes_away');
    const failures: string[] = [];
    const died: string[] = [];
    const warnings: string[] = [];
    const ingest = await IngestThread.start({
      dbPath: server.uri('goes_away'),
      insertLimit: 10,
      run: RUN,
      onStoreFailed: (m) => failures.push(m),
      onFailed: (m) => died.push(m),
      onWarning: (m) => warnings.push(m),
    });
    ingest.push(announce('alpha', 'u'));
    ingest.push(encodeTurretMessage({ turret_name: 'alpha', uuid: 'u', results: batchOf(40) }));
    await ingest.flushed();
    assert.equal(ingest.counts.stored, 40);
    // The server ends the HQ's connection (as a restart or a failover would).
    await pgQuery(
      server,
      'goes_away',
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'goes_away' AND pid <> pg_backend_pid()",
    );
    ingest.push(encodeTurretMessage({ turret_name: 'alpha', uuid: 'u', results: batchOf(30, 40) }));
    ingest.push(bytes(JSON.stringify({ ...result(99), turret_name: 'alpha', uuid: 'u' })));
    await ingest.flushed();
    assert.deepEqual(died, [], 'the ingest thread goes on counting');
    assert.equal(failures.length, 1, 'said once');
    assert.match(
      failures[0]!,
      /^storing results in postgresql:\/\/oct:\*\*\*@127\.0\.0\.1:\d+\/goes_away failed: .+$/,
    );
    assert.ok(!failures[0]!.includes('\n'));
    assert.equal(ingest.counts.stored, 40);
    assert.equal(ingest.counts.notStored, 31);
    assert.equal(ingest.received, 71);
    assert.equal(ingest.notStoredByUuid.get('u'), 31);
    await ingest.close();
    for (const line of [...failures, ...warnings]) assert.ok(!line.includes(server.password), line);
    const [n] = await pgQuery<{ n: string }>(server, 'goes_away', 'SELECT count(*) AS n FROM result');
    assert.equal(Number(n!.n), 40, 'the counts say what the database holds');
  });

  void it('when the database stops answering: the call fails after storeTimeoutMs, said once, the rest counted', async () => {
    await createDb(server, 'stalls');
    const failures: string[] = [];
    const ingest = await IngestThread.start({
      dbPath: server.uri('stalls'),
      insertLimit: 10,
      storeTimeoutMs: 2_000,
      run: RUN,
      onStoreFailed: (m) => failures.push(m),
    });
    ingest.push(announce('alpha', 'u'));
    ingest.push(encodeTurretMessage({ turret_name: 'alpha', uuid: 'u', results: batchOf(40) }));
    await ingest.flushed();
    assert.equal(ingest.counts.stored, 40);
    // The HQ's server process stops (as a server that hangs, or a network that drops packets, looks).
    const [backend] = await pgQuery<{ pid: number }>(
      server,
      'postgres',
      "SELECT pid FROM pg_stat_activity WHERE datname = 'stalls' AND backend_type = 'client backend'",
    );
    process.kill(backend!.pid, 'SIGSTOP');
    try {
      ingest.push(encodeTurretMessage({ turret_name: 'alpha', uuid: 'u', results: batchOf(30, 40) }));
      await ingest.flushed();
      assert.equal(failures.length, 1);
      assert.match(failures[0]!, /failed: no answer from the database in 2 s: connection closed$/);
      assert.equal(ingest.counts.stored, 40);
      assert.equal(ingest.counts.notStored, 30);
      await ingest.close();
    } finally {
      process.kill(backend!.pid, 'SIGCONT');
    }
  });

  void it("when opening the store waits for ever (the tables' lock held elsewhere): it fails after storeTimeoutMs, one line", async () => {
    await createDb(server, 'locked');
    // Another session holds the lock an HQ takes to create the tables (an HQ stuck mid-open).
    const holder = new pg.Client({ connectionString: server.uri('locked') });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(7447001)');
      const started = Date.now();
      await assert.rejects(
        IngestThread.start({
          dbPath: server.uri('locked'),
          insertLimit: 10,
          storeTimeoutMs: 2_000,
          run: RUN,
        }),
        (e: Error) => {
          assert.match(
            e.message,
            /^results_database\.db_uri: postgresql:\/\/oct:\*\*\*@127\.0\.0\.1:\d+\/locked: no answer from the database in 2 s: connection closed$/,
          );
          assert.ok(!e.message.includes(server.password));
          return true;
        },
      );
      assert.ok(Date.now() - started < 20_000, 'bounded by the timeout, not by TCP');
    } finally {
      await holder.end();
    }
    const runs = await pgQuery<{ n: string }>(
      server,
      'locked',
      'SELECT count(*) AS n FROM pg_tables WHERE tablename = $1',
      ['run'],
    );
    assert.equal(Number(runs[0]!.n), 0, 'nothing half-created');
  });

  void it('a run whose database goes away mid-run stops its turrets (store_failed) and counts every result received', async () => {
    await createDb(server, 'mid_run');
    const project = tempProject({
      turrets: [{ name: 'placeholder', canons: 1, script: 'v_user.js' }],
      run_time: 60,
      min_turrets: 1,
      results_database: { db_uri: server.uri('mid_run'), insert_limit: 150 },
    });
    const children: ChildProcess[] = [];
    try {
      const run = await startRun({ projectDir: project.dir, ephemeralPorts: true, maxDrainMs: 30_000 });
      const logs: string[] = [];
      run.on('log', (line: string) => logs.push(line));
      let transactions = 0;
      run.on('progress', (p) => (transactions = p.transactions));
      children.push(spawnTurret('modern', project.dir, { name: 'alpha', canons: 2 }, run));
      await waitFor(() => transactions > 200, 60_000, 'results stored in PostgreSQL');
      await pgQuery(
        server,
        'mid_run',
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'mid_run' AND pid <> pg_backend_pid()",
      );
      const summary = await run.done; // long before run_time's 60 s: the turrets were stopped
      assert.equal(summary.outcome, 'store_failed', summary.message);
      assert.equal(summary.exitCode, 5);
      assert.match(
        summary.message,
        /storing results in postgresql:\/\/oct:\*\*\*@127\.0\.0\.1:\d+\/mid_run failed: /,
      );
      assert.ok(summary.notStored > 0, 'results kept coming after the database went away, counted');
      for (const line of [summary.message, ...logs]) assert.ok(!line.includes(server.password), line);
      const [n] = await pgQuery<{ n: string }>(server, 'mid_run', 'SELECT count(*) AS n FROM result');
      assert.equal(Number(n!.n), summary.transactions, 'the summary says what the database holds');
      const alpha = summary.turrets.find((t) => t.name === 'alpha')!;
      assert.equal(
        alpha.resultsSent,
        alpha.resultsStored + summary.notStored,
        'nothing received is lost uncounted',
      );
    } finally {
      killAll(children);
      project.cleanup();
    }
  });

  void it('refused connections, wrong passwords and missing databases: one line each, password masked', async () => {
    const port = await freePort();
    const cases: [string, RegExp][] = [
      [
        `postgresql://oct:s3cret@127.0.0.1:${port}/oct`,
        /cannot connect to postgresql:\/\/oct:\*\*\*@127\.0\.0\.1:\d+\/oct: .*ECONNREFUSED/,
      ],
      [
        `postgresql://oct:wrong-pw@127.0.0.1:${server.port}/oct`,
        /cannot connect to .*: password authentication failed for user "oct"$/,
      ],
      [server.uri('nope'), /cannot connect to .*\/nope: database "nope" does not exist$/],
    ];
    for (const [uri, expected] of cases) {
      await assert.rejects(IngestThread.start({ dbPath: uri, insertLimit: 10 }), (e: Error) => {
        assert.match(e.message, /^results_database\.db_uri: /);
        assert.match(e.message, expected);
        assert.ok(!e.message.includes('\n'), e.message);
        for (const secret of ['s3cret', 'wrong-pw', server.password, encodeURIComponent(server.password)])
          assert.ok(!e.message.includes(secret), e.message);
        return true;
      });
    }
  });

  void it('a run whose database refuses the connection ends before it starts, naming config.json and the key', async () => {
    const port = await freePort();
    const project = tempProject({
      results_database: { db_uri: `postgresql://oct:hunter2@127.0.0.1:${port}/oct`, insert_limit: 150 },
      turrets: [{ name: 'placeholder', canons: 1, script: 'v_user.js' }],
      run_time: 1,
    });
    try {
      await assert.rejects(startRun({ projectDir: project.dir, ephemeralPorts: true }), (e: Error) => {
        assert.ok(e instanceof HqError);
        assert.match(
          e.message,
          /config\.json: results_database\.db_uri: cannot connect to postgresql:\/\/oct:\*\*\*@/,
        );
        assert.ok(!e.message.includes('hunter2'));
        return true;
      });
      const bad = tempProject({
        turrets: [{ name: 'placeholder', canons: 1, script: 'v_user.js' }],
        run_time: 1,
        results_database: { db_uri: 'postgresql://oct:hunter2@127.0.0.1:5432/', insert_limit: 150 },
      });
      try {
        await assert.rejects(startRun({ projectDir: bad.dir, ephemeralPorts: true }), (e: Error) => {
          assert.match(
            e.message,
            /config\.json: results_database\.db_uri "postgresql:\/\/oct:\*\*\*@127\.0\.0\.1:5432\/": no database name/,
          );
          assert.ok(!e.message.includes('hunter2'));
          return true;
        });
      } finally {
        bad.cleanup();
      }
    } finally {
      project.cleanup();
    }
  });
});
