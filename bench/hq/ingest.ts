/**
 * HQ ingest benchmark: sustained ingest into SQLite with zero loss, fed by separate sender processes
 * over real ZeroMQ sockets, in three encodings (legacy one-result frames, JSON batches, protobuf
 * batches); plus the bare SQLite insert ceiling for the same rows in the same run.
 * Usage: node --import tsx bench/hq/ingest.ts [--results N] [--senders N] [--insert-limit N] [--mode legacy|json|protobuf]
 * Bounded: every phase has a fixed count and a 60 s cap.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zmq from 'zeromq';
import { IngestThread, ResultPacker, ResultsStore, pumpFrames, type PackedResults } from '@oct/hq';
import type { Result } from '@oct/protocol';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SENDERS = arg('--senders', 2);
const INSERT_LIMIT = arg('--insert-limit', 5000);
const BATCH = 100;
const dir = mkdtempSync(join(tmpdir(), 'oct-bench-hq-'));
const senderScript = fileURLToPath(new URL('./sender.mjs', import.meta.url));

interface Figure {
  mode: string;
  results: number;
  stored: number;
  seconds: number;
  perSecond: number;
  ceiling: number;
}

/**
 * `backlog` false: live, the HQ reads while the senders send (both share the CPU).
 * `backlog` true: the senders queue everything first (unbounded queues), then the HQ's ingest alone is timed.
 */
async function ingestRun(
  mode: 'legacy' | 'json' | 'protobuf',
  total: number,
  backlog: boolean,
): Promise<Figure> {
  const dbPath = join(dir, `${mode}.sqlite`);
  const ingest = await IngestThread.start({ dbPath, insertLimit: INSERT_LIMIT, flushAt: INSERT_LIMIT });
  const pull = new zmq.Pull({ linger: 0, receiveHighWaterMark: backlog ? 0 : 100_000 });
  await pull.bind('tcp://127.0.0.1:*');
  const endpoint = pull.lastEndpoint!;
  const per = Math.ceil(total / SENDERS / BATCH) * BATCH;
  const expected = per * SENDERS;
  const expectedFrames = mode === 'legacy' ? expected : expected / BATCH;
  let first = 0;
  const deadline = performance.now() + 60_000;
  const senders = Array.from({ length: SENDERS }, (_, id) =>
    fork(senderScript, [endpoint, mode, String(per), String(BATCH), String(id), backlog ? '0' : '10000'], {
      stdio: 'inherit',
    }),
  );
  const sendersDone = Promise.all(
    senders.map((s) => new Promise((r) => (s.exitCode !== null ? r(null) : s.once('exit', r)))),
  );
  if (backlog) await sendersDone;
  // The same loop as HqRun's.
  let frames = 0;
  const pumping = pumpFrames(pull, ingest, {
    onFrames: (n) => {
      if (first === 0) first = performance.now();
      frames += n;
      return frames >= expectedFrames || performance.now() > deadline;
    },
  });
  await pumping;
  // Timed until every result is committed and the file closed.
  await ingest.close();
  const seconds = (performance.now() - first) / 1000;
  await sendersDone;
  pull.close();
  const stored = ingest.counts.stored;
  // Ceiling: the same rows, inserted by the same store code with nothing else going on, from
  // columns packed beforehand (the bare SQLite insert: no decoding, no serialising).
  const store = new ResultsStore(dbPath);
  const rows = store.db.prepare('SELECT * FROM result').all() as Record<string, unknown>[];
  store.close();
  const ceiling = insertCeiling(
    rows.map((r) => ({
      turret_name: r.turret_name as string | null,
      uuid: r.turret_uuid as string | null,
      elapsed: r.elapsed as number,
      epoch: r.epoch as number,
      scriptrun_time: r.scriptrun_time as number,
      error: r.error as string,
      custom_timers: JSON.parse(r.custom_timers as string) as Record<string, number>,
      seq: r.seq as number | null,
    })),
  );
  return {
    mode: `${mode}${backlog ? ' backlog' : ' live'}`,
    results: expected,
    stored,
    seconds,
    perSecond: stored / seconds,
    ceiling,
  };
}

function insertCeiling(rows: Result[]): number {
  const store = new ResultsStore(join(dir, `ceiling-${Math.random()}.sqlite`), { insertLimit: INSERT_LIMIT });
  const packs: PackedResults[] = [];
  const packer = new ResultPacker(INSERT_LIMIT);
  for (let i = 0; i < rows.length; i += INSERT_LIMIT) {
    for (const r of rows.slice(i, i + INSERT_LIMIT)) packer.add(r);
    packs.push(packer.take()!);
  }
  const t = performance.now();
  for (const pack of packs) store.insertPacked(pack);
  const s = (performance.now() - t) / 1000;
  store.close();
  return rows.length / s;
}

const figures: Figure[] = [];
try {
  const only = process.argv.includes('--mode') ? process.argv[process.argv.indexOf('--mode') + 1] : null;
  for (const [mode, count] of [
    ['legacy', 1_000_000],
    ['json', 2_000_000],
    ['protobuf', 2_000_000],
  ] as const) {
    if (only && only !== mode) continue;
    if (!process.argv.includes('--backlog-only'))
      figures.push(await ingestRun(mode, arg('--results', count), false));
    figures.push(await ingestRun(mode, arg('--results', count), true));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`senders ${SENDERS}, insert_limit ${INSERT_LIMIT}, batch ${BATCH}`);
console.log('mode              results   stored    loss  seconds  ingest/s   ceiling/s  ratio');
for (const f of figures) {
  console.log(
    `${f.mode.padEnd(17)} ${String(f.results).padEnd(9)} ${String(f.stored).padEnd(9)} ${String(f.results - f.stored).padEnd(5)} ${f.seconds.toFixed(2).padStart(7)}  ${Math.round(f.perSecond).toLocaleString('en').padStart(9)}  ${Math.round(f.ceiling).toLocaleString('en').padStart(10)}  ${(f.perSecond / f.ceiling).toFixed(2)}`,
  );
}
if (figures.some((f) => f.stored !== f.results)) process.exitCode = 1;
