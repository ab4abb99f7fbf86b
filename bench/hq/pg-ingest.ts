/**
 * HQ ingest into PostgreSQL (results_database.db_uri postgresql://...): JSON result batches from
 * sender processes over real ZeroMQ sockets, through the HQ's ingest path (pumpFrames ->
 * IngestThread -> PgStore, a binary COPY per pack), zero loss; then the bare COPY ceiling for the
 * same rows in the same run: the rows read back in COPY's binary format and copied again, in packs
 * of the same size, into a fresh database (no decoding, no encoding), twice, the better kept. The
 * ratio is each round's ingest over its own ceiling, the median of the rounds. The server is the tests'
 * (packages/hq/test/pg-server.ts: Debian's postgresql, on 127.0.0.1, fsync off), sharing the
 * machine's cores with the HQ and the senders.
 * Usage: node --import tsx bench/hq/pg-ingest.ts [--results N] [--senders N] [--repeat N] [--backlog] [--pin]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import * as zmq from 'zeromq';
import { IngestThread, PgStore, RECEIVE_HIGH_WATER_MARK, pumpFrames } from '@oct/hq';
import { createDb, startPg, type PgServer } from '../../packages/hq/test/pg-server.js';
import { median, thousands } from './common.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SENDERS = arg('--senders', 2);
const TOTAL = arg('--results', 2_000_000);
const REPEAT = Math.max(1, arg('--repeat', 1));
const BACKLOG = process.argv.includes('--backlog');
/** The server on the last core, the HQ and its senders on the others: as with a database host of its own. */
const PIN = process.argv.includes('--pin');
const BATCH = 100;
/** Rows per COPY in the ceiling: the receive thread's packs (PACK_ROWS in ingest-thread.ts). */
const COPY_ROWS = 4096;
const senderScript = fileURLToPath(new URL('./sender.mjs', import.meta.url));

async function startSender(args: string[]): Promise<{ child: ChildProcess; go: () => void }> {
  const child = spawn(process.execPath, [senderScript, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await once(lines, 'line')) as [string];
  if (first !== 'ready') throw new Error(`bench sender said ${first}`);
  return { child, go: () => child.stdin!.end('go\n') };
}

async function connect(server: PgServer, db: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: server.uri(db) });
  await client.connect();
  return client;
}

let runs = 0;

/** Splits COPY binary output into COPY binary inputs of `per` rows each (header, tuples, trailer). */
function splitBinary(data: Buffer, per: number): { packs: Buffer[]; rows: number } {
  const headerEnd = 19 + data.readInt32BE(15); // signature 11, flags 4, extension length 4 (+ extension)
  const header = data.subarray(0, headerEnd);
  const trailer = Buffer.from([0xff, 0xff]);
  const packs: Buffer[] = [];
  let at = headerEnd;
  let start = at;
  let rows = 0;
  for (let fields = data.readInt16BE(at); fields !== -1; fields = data.readInt16BE(at)) {
    at += 2;
    for (let f = 0; f < fields; f++) {
      const length = data.readInt32BE(at);
      at += 4 + Math.max(0, length);
    }
    if (++rows % per === 0) {
      packs.push(Buffer.concat([header, data.subarray(start, at), trailer]));
      start = at;
    }
  }
  if (at > start) packs.push(Buffer.concat([header, data.subarray(start, at), trailer]));
  return { packs, rows };
}

/** Rows per second of `packs` copied, one COPY after the other, into a fresh database of the HQ's tables. */
async function copyCeiling(server: PgServer, packs: Buffer[], rows: number): Promise<number> {
  const ceilDb = `ceiling_${++ceilings}`;
  await createDb(server, ceilDb);
  const tables = await PgStore.open(server.uri(ceilDb), 'ceiling', null); // the same schema, indexes included
  await tables.close();
  const target = await connect(server, ceilDb);
  const t = performance.now();
  try {
    for (const pack of packs) {
      const stream = target.query(
        copyFrom(
          'COPY result (run_id, turret_name, turret_uuid, elapsed, epoch, scriptrun_time, error, custom_timers, seq) FROM STDIN (FORMAT binary)',
        ),
      );
      stream.end(pack);
      await once(stream, 'finish');
    }
  } finally {
    await target.end();
  }
  return rows / ((performance.now() - t) / 1000);
}

let ceilings = 0;

interface Figure {
  results: number;
  stored: number;
  perSecond: number;
  ceiling: number;
}

async function ingestRun(server: PgServer): Promise<Figure> {
  const db = `bench_${++runs}`;
  await createDb(server, db);
  const runId = `bench-run-${runs}`;
  const ingest = await IngestThread.start({
    dbPath: server.uri(db),
    runId,
    insertLimit: 5000,
    flushAt: 5000,
  });
  const pull = new zmq.Pull({ linger: 0, receiveHighWaterMark: BACKLOG ? 0 : RECEIVE_HIGH_WATER_MARK });
  await pull.bind('tcp://127.0.0.1:*');
  const per = Math.ceil(TOTAL / SENDERS / BATCH) * BATCH;
  const expected = per * SENDERS;
  const senders = await Promise.all(
    Array.from({ length: SENDERS }, (_, id) =>
      startSender([
        pull.lastEndpoint!,
        'json',
        String(per),
        String(BATCH),
        String(id),
        BACKLOG ? '0' : '10000',
      ]),
    ),
  );
  for (const s of senders) s.go();
  const sendersDone = Promise.all(
    senders.map(({ child }) => (child.exitCode !== null ? null : once(child, 'exit'))),
  );
  if (BACKLOG) await sendersDone;
  let first = 0;
  let frames = 0;
  const deadline = performance.now() + 120_000;
  await pumpFrames(pull, ingest, {
    onFrames: (n) => {
      if (first === 0) first = performance.now();
      frames += n;
      // The senders' announcements are frames too.
      return frames >= expected / BATCH + SENDERS || performance.now() > deadline;
    },
  });
  // Timed until every result is committed and the connection closed.
  await ingest.close();
  const seconds = (performance.now() - first) / 1000;
  await sendersDone;
  pull.close();
  const stored = ingest.counts.stored;

  // The ceiling: the same rows in COPY's binary format, as read back, copied again in packs of
  // COPY_ROWS into a fresh database.
  const source = await connect(server, db);
  let data: Buffer;
  try {
    const stream = source.query(
      copyTo(
        `COPY (SELECT run_id, turret_name, turret_uuid, elapsed, epoch, scriptrun_time, error, custom_timers, seq FROM result ORDER BY id) TO STDOUT (FORMAT binary)`,
      ),
    );
    const parts: Buffer[] = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(chunk);
    data = Buffer.concat(parts);
  } finally {
    await source.end();
  }
  const { packs, rows } = splitBinary(data, COPY_ROWS);
  // Twice, each into a fresh database, the better kept: a ceiling is the best the server does, and
  // anything else the machine runs can only lower it.
  const ceiling = Math.max(await copyCeiling(server, packs, rows), await copyCeiling(server, packs, rows));
  return { results: expected, stored, perSecond: stored / seconds, ceiling };
}

const server = await startPg();
if (PIN) {
  const cores = availableParallelism();
  // Backends forked later inherit the postmaster's affinity, senders spawned later the bench's.
  execFileSync('taskset', ['-a', '-p', '-c', String(cores - 1), String(server.pid)], { stdio: 'ignore' });
  execFileSync('taskset', ['-a', '-p', '-c', `0-${Math.max(0, cores - 2)}`, String(process.pid)], {
    stdio: 'ignore',
  });
}
const figures: Figure[] = [];
try {
  for (let round = 0; round < REPEAT; round++) figures.push(await ingestRun(server));
} finally {
  await server.stop();
}
const rates = figures.map((f) => f.perSecond);
const ceiling = median(figures.map((f) => f.ceiling));
// Each round's own ratio (its ingest against its ceiling, minutes apart at most), then their median:
// the load of a shared machine drifts between rounds.
const ratios = figures.map((f) => f.perSecond / f.ceiling);
const loss = figures.reduce((sum, f) => sum + f.results - f.stored, 0);
console.log(
  `PostgreSQL, json ${BACKLOG ? 'backlog' : 'live'}, senders ${SENDERS}, batch ${BATCH}, ${REPEAT} run(s): medians`,
);
console.log('results   loss  ingest/s   (min-max)            ceiling/s  ratio (min-max)');
console.log(
  `${String(figures[0]!.results).padEnd(9)} ${String(loss).padEnd(5)} ${thousands(median(rates)).padStart(9)}  ${`(${thousands(Math.min(...rates))}-${thousands(Math.max(...rates))})`.padEnd(19)} ${thousands(ceiling).padStart(10)}  ${median(ratios).toFixed(2).padStart(5)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`,
);
if (loss !== 0) process.exitCode = 1;
