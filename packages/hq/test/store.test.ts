import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import type { Result } from '@oct/protocol';
import {
  ResultsStore,
  REJECT_KEEP_BYTES,
  checkProject,
  loadProject,
  dbPathFor,
  type ProjectLoad,
  type ProjectTurret,
} from '../src/index.js';
import { query, tempProject } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'oct-store-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

void it('creates the fixed schema in WAL mode with 16 KiB pages and stores results in insert_limit transactions', () => {
  const path = join(dir, 'a.sqlite');
  const store = new ResultsStore(path, { insertLimit: 7 });
  const rows = Array.from({ length: 20 }, (_, i) => ({
    turret_name: i % 2 ? 'x' : null,
    uuid: null,
    elapsed: i,
    epoch: 1,
    scriptrun_time: 0.5,
    error: '',
    custom_timers: { a: 1 },
    seq: null,
  }));
  store.insertResults(rows);
  store.reject('not_json', 'frame is not JSON (spec 3.2)', new Uint8Array(REJECT_KEEP_BYTES + 10));
  const [during] = query<{ journal_mode: string }>(path, 'PRAGMA journal_mode');
  assert.equal(during!.journal_mode, 'wal', 'WAL while the run ingests');
  const [page] = query<{ page_size: number }>(path, 'PRAGMA page_size');
  assert.equal(page!.page_size, 16384, '16 KiB pages (schema.sql), set before WAL fixes them');
  store.close();
  const tables = query<{ name: string }>(
    path,
    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
  );
  assert.deepEqual(
    tables.map((t) => t.name),
    ['quarantine', 'reject', 'result', 'run', 'turret'],
  );
  const [n] = query<{ n: number; un: number }>(
    path,
    'SELECT COUNT(*) AS n, SUM(turret_name IS NULL) AS un FROM result',
  );
  assert.equal(n!.n, 20);
  assert.equal(n!.un, 10);
  const [r] = query<{ frame_size: number; kept: number }>(
    path,
    'SELECT frame_size, length(frame) AS kept FROM reject',
  );
  assert.deepEqual(r, { frame_size: REJECT_KEEP_BYTES + 10, kept: REJECT_KEEP_BYTES });
  // A closed store is one self-contained file: no -wal/-shm beside it, even after readers opened it.
  const [closed] = query<{ journal_mode: string }>(path, 'PRAGMA journal_mode');
  assert.equal(closed!.journal_mode, 'delete');
  assert.equal(existsSync(`${path}-wal`), false);
  assert.equal(existsSync(`${path}-shm`), false);
});

void it('stores runs of rows from several turrets in order, each row with its own turret', () => {
  const path = join(dir, 'runs.sqlite');
  // insert_limit 50 cuts runs across transactions; run lengths cover every statement size and more.
  const store = new ResultsStore(path, { insertLimit: 50 });
  const turrets = [
    { turret_name: 'a', uuid: 'ua' },
    { turret_name: null, uuid: null },
    { turret_name: 'b', uuid: 'ub' },
    { turret_name: 'a', uuid: 'ua2' },
  ];
  const rows: Result[] = [];
  let i = 0;
  for (const length of [1, 2, 3, 7, 64, 65, 100, 127, 129, 5, 1, 1, 200]) {
    const t = turrets[rows.length % turrets.length]!;
    for (let j = 0; j < length; j++, i++) {
      rows.push({
        ...t,
        elapsed: i,
        epoch: 1_700_000_000 + i / 10,
        scriptrun_time: i / 1000,
        error: i % 9 === 0 ? `e${i}` : '',
        custom_timers: { t: i },
        seq: i % 2 ? i : null,
      });
    }
  }
  store.insertResults(rows);
  store.close();
  const stored = query<Record<string, unknown>>(path, 'SELECT * FROM result ORDER BY id');
  assert.equal(stored.length, rows.length);
  stored.forEach((s, k) => {
    const r = rows[k]!;
    assert.deepEqual(
      [s.turret_name, s.turret_uuid, s.elapsed, s.epoch, s.scriptrun_time, s.error, s.custom_timers, s.seq],
      [
        r.turret_name,
        r.uuid,
        r.elapsed,
        r.epoch,
        r.scriptrun_time,
        r.error,
        JSON.stringify(r.custom_timers),
        r.seq,
      ],
      `row ${k}`,
    );
  });
});

void it('names the file and key of each project mistake, one line each', () => {
  const p = tempProject({ run_time: 'long', turrets: [{ name: 'a', canons: 1, script: 'missing.js' }] });
  try {
    const bad = loadProject(p.dir);
    assert.equal(bad.ok, false);
    assert.ok(
      !bad.ok && bad.errors.some((e) => /config\.json: config\.run_time/.test(e)),
      JSON.stringify(bad),
    );
    const noScript = checkProject(p.dir, {
      run_time: 1,
      results_ts_interval: 1,
      turrets: [{ name: 'a', canons: 1, script: 'missing.js' }, 'nope.json'],
    });
    assert.equal(noScript.ok, false);
    if (!noScript.ok) {
      assert.match(noScript.errors[0]!, /turrets\[0\]: turret\.script "missing\.js" not found/);
      assert.match(noScript.errors[1]!, /turrets\[1\] "nope\.json": cannot read .*file not found/);
      for (const e of noScript.errors) assert.ok(!e.includes('\n'));
    }
    const good = checkProject(p.dir, {
      run_time: 1,
      results_ts_interval: 1,
      turrets: [{ name: 'a', canons: 1, script: 'v_user.js' }],
    });
    assert.ok(good.ok);
    if (good.ok) {
      assert.equal(good.project.turrets[0]!.scriptPath, join(p.dir, 'v_user.js'));
      assert.ok(good.project.warnings.some((w) => /^WARNING: .*"publish_port"/.test(w)));
    }
  } finally {
    p.cleanup();
  }
});

void it("merges extra_turret_config over each turret's own keys, as packing does", () => {
  const p = tempProject({ run_time: 1 });
  const project = (extra: Record<string, unknown>): ProjectLoad =>
    checkProject(p.dir, {
      run_time: 1,
      results_ts_interval: 1,
      turrets: [
        { name: 'a', canons: 1, script: 'v_user.js', think_time: 1 },
        { name: 'b', canons: 2, script: 'v_user.js' },
      ],
      extra_turret_config: extra,
    });
  try {
    const merged = project({ canons: 4, rampup: 2, think_time: 0.5, name: 'x', script: 'other.js' });
    assert.ok(merged.ok, JSON.stringify(merged));
    if (!merged.ok) return;
    for (const [i, name] of ['a', 'b'].entries()) {
      const turret: ProjectTurret = merged.project.turrets[i]!;
      assert.equal(turret.config.name, name);
      assert.equal(turret.config.canons, 4, `${name}: extra_turret_config.canons wins`);
      assert.equal(turret.config.rampup, 2);
      assert.equal(turret.config.think_time, 0.5);
      assert.equal(turret.scriptPath, join(p.dir, 'v_user.js'));
    }
    const { warnings } = merged.project;
    for (const key of ['name', 'script']) {
      const said = warnings.filter((w) => w.includes(`extra_turret_config.${key} ignored`));
      assert.equal(said.length, 1, `one WARNING for ${key}: ${warnings.join('\n')}`);
    }
    assert.ok(!warnings.some((w) => /optional key "rampup"/.test(w)), 'rampup is set by extra_turret_config');

    const invalid = project({ canons: -1 });
    assert.equal(invalid.ok, false);
    if (!invalid.ok) assert.match(invalid.errors[0]!, /turrets\[0\] \(with extra_turret_config\): .*canons/);
  } finally {
    p.cleanup();
  }
});

void it('maps db_uri to a file', () => {
  assert.equal(dbPathFor('default', '/r', '/p'), '/r/results.sqlite');
  assert.equal(dbPathFor('sqlite:///tmp/x.db', '/r', '/p'), '/tmp/x.db');
  assert.equal(dbPathFor('out/x.db', '/r', '/p'), '/p/out/x.db');
  assert.throws(() => dbPathFor('mysql://h/db', '/r', '/p'), /only "default"/);
  assert.equal(dbPathFor('postgresql://u:pw@h:5432/db', '/r', '/p'), 'postgresql://u:pw@h:5432/db');
  assert.throws(
    () => dbPathFor('postgresql://u:pw@h:5432/', '/r', '/p'),
    (e: Error) => {
      assert.match(
        e.message,
        /^results_database\.db_uri "postgresql:\/\/u:\*\*\*@h:5432\/": no database name/,
      );
      assert.doesNotMatch(e.message, /pw/);
      return true;
    },
  );
});

void it('with testing: true writes the results file in a temp dir, not in the project', async () => {
  const { startRun } = await import('../src/index.js');
  const p = tempProject({
    run_time: 1,
    testing: true,
    turrets: [{ name: 'a', canons: 1, script: 'v_user.js' }],
  });
  try {
    const run = await startRun({ projectDir: p.dir, ephemeralPorts: true, joinTimeoutMs: 300 });
    const summary = await run.done;
    assert.equal(summary.outcome, 'no_turrets');
    assert.ok(summary.dbPath.startsWith(tmpdir()), summary.dbPath);
    assert.ok(!summary.dbPath.startsWith(p.dir), 'not under the project');
    rmSync(summary.resultsDir, { recursive: true, force: true });
  } finally {
    p.cleanup();
  }
});

void it('says which port cannot be bound, in one line, and leaves no results directory', async () => {
  const { startRun, HqError } = await import('../src/index.js');
  const zmq = await import('zeromq');
  const squatter = new zmq.Pull({ linger: 0 });
  await squatter.bind('tcp://127.0.0.1:*');
  const port = Number(/:(\d+)$/.exec(squatter.lastEndpoint ?? '')![1]);
  const p = tempProject({
    run_time: 1,
    publish_port: port,
    turrets: [{ name: 'a', canons: 1, script: 'v_user.js' }],
  });
  try {
    const resultsDir = join(p.dir, 'results', 'never');
    await assert.rejects(
      startRun({ projectDir: p.dir, resultsDir }),
      (e: unknown) =>
        e instanceof HqError &&
        /cannot bind publish_port at tcp:\/\/127\.0\.0\.1:\d+/.test(e.message) &&
        !e.message.includes('\n'),
    );
    assert.ok(!existsSync(resultsDir));
  } finally {
    squatter.close();
    p.cleanup();
  }
});
