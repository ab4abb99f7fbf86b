/**
 * The ingest worker and its receive-side half, on a real worker thread and a real SQLite file:
 * frames in chunks, statuses back in order, counts, rejects, turret and run rows, backpressure, and
 * a results file that cannot be opened.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  encodeProtobufBatch,
  encodeTurretMessage,
  type Result,
  type ResultMessage,
  type TurretStatus,
} from '@oct/protocol';
import { FrameChunker, forEachFrame } from '../src/frame-chunk.js';
import { PACK_TEXT_LIMIT, ResultPacker, packedLength, unpackResults } from '../src/result-columns.js';
import { IngestThread } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'oct-hq-ingest-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const result = (i: number): ResultMessage => ({
  elapsed: i / 10,
  epoch: 1_700_000_000 + i,
  scriptrun_time: 0.01,
  error: i % 5 === 0 ? 'boom' : '',
  custom_timers: { t: 0.001 * i },
});

/** The status that announces turret `name` with `uuid` (results naming it are stored, spec 7.3). */
const announce = (name: string, uuid: string, state: 'ready' | 'running' = 'ready'): Uint8Array =>
  encodeTurretMessage({ status: state, uuid, turret: name, canons: 2, rampup: 0, script: 's.js' });

const batchOf = (n: number): [ResultMessage, ...ResultMessage[]] => [
  { ...result(0), seq: 0 },
  ...Array.from({ length: n - 1 }, (_, i) => ({ ...result(i + 1), seq: i + 1 })),
];

void it('packs frames of any size into chunks and reads them back in order', () => {
  const frames = [bytes(''), bytes('x'), new Uint8Array(300).fill(7), new Uint8Array(3 << 20).fill(9)];
  const chunker = new FrameChunker(1024);
  for (const f of frames) chunker.add(f);
  assert.equal(chunker.frames, 4);
  const chunk = chunker.take();
  assert.ok(chunk);
  const back: Uint8Array[] = [];
  forEachFrame(chunk, (f) => back.push(f.slice()));
  assert.deepEqual(back, frames);
  assert.equal(chunker.take(), null);
  chunker.add(bytes('after'));
  const next = chunker.take();
  assert.ok(next);
  const again: string[] = [];
  forEachFrame(next, (f) => again.push(new TextDecoder().decode(f)));
  assert.deepEqual(again, ['after']);
});

void it('packs results into columns and back: nulls, runs of one turret, texts beyond ASCII', () => {
  const packer = new ResultPacker(2);
  const rows: Result[] = [
    {
      turret_name: null,
      uuid: null,
      elapsed: 1,
      epoch: 2,
      scriptrun_time: 3,
      error: '',
      custom_timers: {},
      seq: null,
    },
    {
      turret_name: 't',
      uuid: 'u',
      elapsed: 0.5,
      epoch: 9,
      scriptrun_time: 0,
      error: 'délai dépassé 😀',
      custom_timers: { 'étape ✓': 1 },
      seq: 0,
    },
    {
      turret_name: 't',
      uuid: 'u',
      elapsed: 7,
      epoch: 8,
      scriptrun_time: 9,
      error: '',
      custom_timers: { b: 2.5 },
      seq: 41,
    },
  ];
  for (const r of rows) packer.add(r);
  const pack = packer.take();
  assert.ok(pack);
  assert.equal(packedLength(pack), 3);
  assert.deepEqual(unpackResults(pack), rows);
  assert.deepEqual(pack.turrets, [
    [null, null, 1],
    ['t', 'u', 3],
  ]);
  assert.equal(packer.take(), null);
});

void it("stores results whose texts together pass a pack's text limit, in several packs, decoded on either thread", async () => {
  const dbPath = join(dir, 'large', 'results.sqlite');
  const ingest = await IngestThread.start({ dbPath, insertLimit: 150 });
  // Each result's custom_timers is about half the limit: a pack takes two of them at most.
  const timers = (i: number): Record<string, number> => ({ [`${i}`.padEnd(PACK_TEXT_LIMIT / 2, 'k')]: 0.5 });
  const big = (i: number): ResultMessage => ({ ...result(i), custom_timers: timers(i) });
  const packer = new ResultPacker();
  const row = (i: number): Result => ({
    turret_name: null,
    uuid: null,
    elapsed: 0,
    epoch: 0,
    scriptrun_time: 0,
    error: '',
    custom_timers: timers(i),
    seq: null,
  });
  packer.add(row(0));
  assert.equal(packer.textFull, false);
  packer.add(row(1));
  assert.equal(packer.textFull, true);

  ingest.push(announce('big', 'g'));
  ingest.push(encodeTurretMessage({ turret_name: 'big', uuid: 'g', results: [big(1), big(2), big(3)] }));
  for (const i of [4, 5, 6]) ingest.push(bytes(JSON.stringify(big(i))));
  assert.equal(await ingest.close(), 0);
  assert.equal(ingest.counts.stored, 6);
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db
      .prepare(
        'SELECT turret_uuid AS uuid, elapsed, substr(custom_timers, 1, 4) AS head, length(custom_timers) AS n FROM result ORDER BY id',
      )
      .all();
    const n = JSON.stringify(big(1).custom_timers).length;
    assert.deepEqual(rows, [
      { uuid: 'g', elapsed: 0.1, head: '{"1k', n },
      { uuid: 'g', elapsed: 0.2, head: '{"2k', n },
      { uuid: 'g', elapsed: 0.3, head: '{"3k', n },
      { uuid: null, elapsed: 0.4, head: '{"4k', n },
      { uuid: null, elapsed: 0.5, head: '{"5k', n },
      { uuid: null, elapsed: 0.6, head: '{"6k', n },
    ]);
  } finally {
    db.close();
  }
});

void it('decodes single frames on the worker and batches here; stores results, statuses in order, rejects, turret and run rows', async () => {
  const dbPath = join(dir, 'mixed', 'results.sqlite');
  const statuses: TurretStatus[] = [];
  const storedAtStatus: number[] = [];
  const published: string[] = [];
  const ingest = await IngestThread.start({
    dbPath,
    insertLimit: 50,
    run: { project: 'p', run_time: 1, results_ts_interval: 1, config_json: '{}', hq_version: 'test' },
    onStatus: (s) => {
      statuses.push(s);
      storedAtStatus.push(ingest.storedByUuid.get(s.uuid) ?? 0);
    },
    onStored: (frames) => published.push(...frames),
  });
  const status = (state: 'ready' | 'running', uuid: string): Uint8Array => announce(`t-${uuid}`, uuid, state);
  ingest.push(status('ready', 'a'));
  ingest.push(status('ready', 'b'));
  for (let i = 0; i < 300; i++) ingest.push(bytes(JSON.stringify(result(i)))); // legacy: unattributed
  ingest.push(bytes('{ not json'));
  ingest.push(
    encodeTurretMessage({
      turret_name: 't-a',
      uuid: 'a',
      results: batchOf(120),
    }),
  );
  ingest.push(bytes('{"elapsed": 1, "scriptrun_time": -1, "epoch": 1, "error": "", "custom_timers": {}}'));
  ingest.push(
    encodeProtobufBatch({
      turret_name: 't-b',
      uuid: 'b',
      results: batchOf(80),
    }),
  );
  ingest.push(status('running', 'b'));
  await ingest.flushed();

  assert.deepEqual(
    statuses.map((s) => [s.uuid, s.status]),
    [
      ['a', 'ready'],
      ['b', 'ready'],
      ['b', 'running'],
    ],
  );
  // Batches are decoded on this thread and statuses on the worker, yet order holds: b's status
  // came after b's batch, and the counts that preceded it arrived first.
  assert.deepEqual(storedAtStatus, [0, 0, 80]);
  assert.equal(ingest.counts.stored, 500);
  assert.equal(ingest.received, 500);
  assert.equal(ingest.counts.unattributed, 300);
  assert.equal(ingest.counts.errors, 60 + 24 + 16);
  assert.equal(ingest.counts.rejects, 2);
  assert.equal(ingest.counts.statuses, 3);
  assert.deepEqual(Object.fromEntries(ingest.storedByUuid), { a: 120, b: 80 });
  assert.equal(published.length, 500);
  assert.equal((JSON.parse(published[0]!) as { elapsed: number }).elapsed, 0);

  ingest.saveTurret({
    name: 't-a',
    canons: 2,
    script: 's.js',
    uuid: 'a',
    rampup: 0,
    status: 'ready',
    updated_at: 1,
    protocol: null,
    capabilities: [],
    results_sent: null,
    results_stored: 120,
  });
  ingest.updateRun({ finished_at: 2, outcome: 'completed' });
  assert.equal(await ingest.close(), 2);

  assert.equal(existsSync(`${dbPath}-wal`), false, 'a closed results file stands alone');
  const db = new Database(dbPath, { readonly: true });
  try {
    const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    assert.equal(count('SELECT COUNT(*) AS n FROM result'), 500);
    assert.equal(
      count("SELECT COUNT(*) AS n FROM result WHERE turret_name = 't-b' AND turret_uuid = 'b'"),
      80,
    );
    assert.equal(count('SELECT COUNT(*) AS n FROM reject'), 2);
    assert.deepEqual(db.prepare('SELECT name, results_stored FROM turret').all(), [
      { name: 't-a', results_stored: 120 },
    ]);
    assert.deepEqual(db.prepare('SELECT project, outcome, finished_at FROM run').get(), {
      project: 'p',
      outcome: 'completed',
      finished_at: 2,
    });
  } finally {
    db.close();
  }
});

void it('pauses the receiver while too many chunks wait, and loses nothing', async () => {
  const ingest = await IngestThread.start({ dbPath: join(dir, 'flood.sqlite'), insertLimit: 5000 });
  const frame = bytes(JSON.stringify(result(1)));
  const total = 300 * 512; // far more chunks than may be in flight
  let paused = 0;
  for (let i = 0; i < total; i++) {
    ingest.push(frame);
    const caughtUp = ingest.backpressure();
    if (caughtUp) {
      paused++;
      await caughtUp;
    }
  }
  await ingest.flushed();
  assert.ok(paused > 0, 'the receiver was paused at least once');
  assert.equal(ingest.counts.stored, total);
  await ingest.close();
});

void it('reports a worker that dies before close, and stops waiting on it', async () => {
  const failures: string[] = [];
  const ingest = await IngestThread.start({
    dbPath: join(dir, 'dies.sqlite'),
    insertLimit: 10,
    onFailed: (m) => failures.push(m),
  });
  // What an uncaught error or an out-of-memory kill does to the worker thread.
  await ingest['worker'].terminate();
  assert.deepEqual(failures, ['ingest thread ended (exit code 1)']);
  ingest.push(bytes(JSON.stringify(result(1))));
  assert.equal(ingest.backpressure(), null);
  await ingest.flushed();
  assert.equal(await ingest.close(), 0);
});

void it('stops storing when the results file refuses rows, names file and reason, and counts what it holds and what it does not', async () => {
  const dbPath = join(dir, 'refuses.sqlite');
  const failures: string[] = [];
  const died: string[] = [];
  const statuses: string[] = [];
  const ingest = await IngestThread.start({
    dbPath,
    insertLimit: 10,
    onStoreFailed: (m) => failures.push(m),
    onFailed: (m) => died.push(m),
    onStatus: (s) => statuses.push(s.status),
  });
  ingest.push(bytes(JSON.stringify(result(1))));
  ingest.push(announce('alpha', 'u-1'));
  await ingest.flushed();
  assert.equal(ingest.counts.stored, 1);
  // Another process makes the file refuse every row past the 25th (as a full disk would, part-way
  // through a pack: the transactions of insert_limit rows before are committed, the refused one is not).
  const other = new Database(dbPath);
  other.exec(`CREATE TRIGGER full BEFORE INSERT ON result WHEN (SELECT count(*) FROM result) >= 25
    BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END`);
  other.close();
  // 40 results of one turret in one batch, transactions of 10: the first two commit (the file then
  // holds 21 rows), the third is refused and rolled back, and nothing is tried after it.
  const uuid = 'u-1';
  ingest.push(
    encodeProtobufBatch({
      turret_name: 'alpha',
      uuid,
      results: batchOf(40),
    }),
  );
  await ingest.flushed();
  assert.deepEqual(died, [], 'the ingest thread goes on');
  assert.equal(failures.length, 1);
  assert.match(failures[0]!, /^storing results in .*refuses\.sqlite failed: database or disk is full$/);
  // Still decoded and counted, never stored: results, and statuses still arrive (accounting).
  ingest.push(bytes(JSON.stringify({ ...result(99), turret_name: 'alpha', uuid })));
  ingest.push(
    bytes(JSON.stringify({ turret: 'alpha', status: 'ready', uuid, canons: 1, rampup: 0, script: 'x.js' })),
  );
  await ingest.flushed();
  assert.deepEqual(statuses, ['ready', 'ready']);
  assert.equal(failures.length, 1, 'reported once');
  assert.equal(ingest.counts.stored, 21);
  assert.equal(ingest.counts.notStored, 21, '20 of the batch and the single result after it');
  assert.equal(ingest.counts.errors, 4, 'errors counted among the stored rows only (0, 5, 10, 15)');
  assert.equal(ingest.storedByUuid.get(uuid), 20);
  assert.equal(ingest.notStoredByUuid.get(uuid), 21);
  assert.equal(ingest.received, 42);
  await ingest.close();
  const check = new Database(dbPath, { readonly: true });
  try {
    const n = check.prepare('SELECT count(*) FROM result').pluck().get();
    assert.equal(n, ingest.counts.stored, 'the counts say what the file holds');
  } finally {
    check.close();
  }
});

void it('says which results file cannot be opened', async () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a directory');
  await assert.rejects(
    IngestThread.start({ dbPath: join(file, 'results.sqlite'), insertLimit: 10 }),
    (e: Error) => e.message.startsWith(`cannot open the results file ${join(file, 'results.sqlite')}: `),
  );
});
