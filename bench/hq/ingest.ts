/**
 * HQ ingest benchmark: sustained ingest into SQLite with zero loss, fed by separate sender processes
 * over real ZeroMQ sockets, in three encodings (legacy one-result frames, JSON batches, protobuf
 * batches); plus the bare SQLite insert ceiling for the same rows in the same run.
 * Usage: node --import tsx bench/hq/ingest.ts [--results N] [--senders N] [--insert-limit N]
 *   [--mode legacy|json|protobuf] [--backlog-only] [--legacy-sender python|node] [--repeat N]
 *   [--threads]  (CPU per result of each thread of this process, on stderr; Linux)
 *   [--curve]  (each phase twice in turn, plain then CURVE (spec 11): the HQ's PULL a CURVE server
 *   with a ZAP handler admitting the senders' key, as `security.curve` makes it; the ratio is printed)
 * Bounded: every phase has a fixed count and a 60 s cap.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as zmq from 'zeromq';
import {
  IngestThread,
  RECEIVE_HIGH_WATER_MARK,
  ResultPacker,
  ResultsStore,
  pumpFrames,
  type PackedResults,
} from '@oct/hq';
import type { Result } from '@oct/protocol';
import { newCurveKeyPair } from '@oct/protocol/curve-keys';
import { median, thousands } from './common.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SENDERS = arg('--senders', 2);
const INSERT_LIMIT = arg('--insert-limit', 5000);
const BATCH = 100;
/** The PULL socket's receive high-water mark (frames per turret), the HQ's by default. */
const RECEIVE_HWM = arg('--receive-hwm', RECEIVE_HIGH_WATER_MARK);
const dir = mkdtempSync(join(tmpdir(), 'oct-bench-hq-'));
const senderScript = fileURLToPath(new URL('./sender.mjs', import.meta.url));
const pythonSender = fileURLToPath(new URL('./sender.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
/**
 * Legacy frames come from pyzmq, as OCT's turrets send them, when python3-zmq is installed: it costs
 * a quarter of zeromq.js's CPU per frame, and here the senders share the HQ's two cores.
 */
const legacySender = ((): 'python' | 'node' => {
  const i = process.argv.indexOf('--legacy-sender');
  if (i > 0) return process.argv[i + 1] === 'node' ? 'node' : 'python';
  return spawnSync(PYTHON, ['-c', 'import zmq']).status === 0 ? 'python' : 'node';
})();

/** Starts a sender; resolves once it is connected and its frames are built (it prints `ready`). */
async function startSender(
  args: string[],
  python: boolean,
  curveEnv: string | null,
): Promise<{ child: ChildProcess; go: () => void; cpu: Promise<number> }> {
  // OCT_BENCH_CURVE="<server public> <client public> <client secret>": the sender is a CURVE client.
  const env = curveEnv ? { ...process.env, OCT_BENCH_CURVE: curveEnv } : process.env;
  const child = python
    ? spawn(PYTHON, [pythonSender, ...args], { stdio: ['pipe', 'pipe', 'inherit'], env })
    : spawn(process.execPath, [senderScript, ...args], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const lines = createInterface({ input: child.stdout! });
  // A sender that dies ends the bench instead of leaving it waiting for a line.
  const died = once(child, 'exit').then(([code]) => {
    throw new Error(`bench sender ${python ? pythonSender : senderScript} exited (${String(code)})`);
  });
  const line = (): Promise<string> => Promise.race([once(lines, 'line').then(([l]) => l as string), died]);
  const first = await line();
  if (first !== 'ready') throw new Error(`bench sender said ${first}`);
  const cpu = line().then((l) => (JSON.parse(l) as { cpu: number }).cpu);
  return { child, go: () => child.stdin!.end('go\n'), cpu };
}

/** CPU ticks (1/100 s) per thread of this process, from /proc (Linux; empty elsewhere). */
function threadTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  if (!existsSync('/proc/self/task')) return ticks;
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      ticks.set(`${tid} ${name} user`, Number(fields[11]));
      ticks.set(`${tid} ${name} sys`, Number(fields[12]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return ticks;
}

interface Figure {
  mode: string;
  sender: 'python' | 'node';
  results: number;
  stored: number;
  seconds: number;
  perSecond: number;
  ceiling: number;
  /** CPU time of the HQ process (both threads) and of the senders, µs per result. */
  hqCpuPerResult: number;
  senderCpuPerResult: number;
}

/**
 * `backlog` false: live, the HQ reads while the senders send (both share the CPU).
 * `backlog` true: the senders queue everything first (unbounded queues), then the HQ's ingest alone is timed.
 */
async function ingestRun(
  mode: 'legacy' | 'json' | 'protobuf',
  total: number,
  backlog: boolean,
  curve = false,
): Promise<Figure> {
  // A fresh file per run: the phases and repetitions of a mode must not add to each other's rows.
  const dbPath = join(dir, `${mode}-${backlog ? 'backlog' : 'live'}-${++runs}.sqlite`);
  const ingest = await IngestThread.start({ dbPath, insertLimit: INSERT_LIMIT, flushAt: INSERT_LIMIT });
  const secure = curve ? await curveServer() : null;
  const pull = new zmq.Pull({
    linger: 0,
    receiveHighWaterMark: backlog ? 0 : RECEIVE_HWM,
    ...(secure?.options ?? {}),
  });
  await pull.bind('tcp://127.0.0.1:*');
  const endpoint = pull.lastEndpoint!;
  const per = Math.ceil(total / SENDERS / BATCH) * BATCH;
  const expected = per * SENDERS;
  // Batch senders announce their turret first (one status frame each, spec 7.3).
  const expectedFrames = mode === 'legacy' ? expected : expected / BATCH + SENDERS;
  let first = 0;
  const deadline = performance.now() + 60_000;
  const python = mode === 'legacy' && legacySender === 'python';
  const senders = await Promise.all(
    Array.from({ length: SENDERS }, (_, id) =>
      python
        ? startSender([endpoint, String(per), String(id), backlog ? '0' : '10000'], true, secure?.env ?? null)
        : startSender(
            [endpoint, mode, String(per), String(BATCH), String(id), backlog ? '0' : '10000'],
            false,
            secure?.env ?? null,
          ),
    ),
  );
  // All start together once every sender is up: their start-up is not part of the measure.
  for (const s of senders) s.go();
  // CPU the senders spent sending (user + system, µs), as each reports it.
  const senderCpus = Promise.all(senders.map((s) => s.cpu));
  const sendersDone = Promise.all(
    senders.map(({ child }) => (child.exitCode !== null ? null : once(child, 'exit'))),
  );
  if (backlog) await sendersDone;
  const cpuBefore = process.cpuUsage();
  const ticksBefore = threadTicks();
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
  const ticksAfter = threadTicks();
  await ingest.close();
  if (process.argv.includes('--threads')) {
    const busy = [...ticksAfter]
      .map(([t, n]) => [t, n - (ticksBefore.get(t) ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([t, n]) => `${t}: ${((n * 1e4) / expected).toFixed(2)}`);
    console.error(`${mode}${backlog ? ' backlog' : ' live'} µs/r per thread: ${busy.join(', ')}`);
  }
  const seconds = (performance.now() - first) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await sendersDone;
  pull.close();
  secure?.zap.close();
  const stored = ingest.counts.stored;
  // Ceiling: the same rows, inserted by the same store code with nothing else going on, from
  // columns packed beforehand (the bare SQLite insert: no decoding, no serialising).
  const store = new ResultsStore(dbPath);
  const rows = store.db.prepare('SELECT * FROM result').all() as Record<string, unknown>[];
  store.close();
  rmSync(dbPath);
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
    mode: `${mode}${backlog ? ' backlog' : ' live'}${curve ? ' curve' : ''}`,
    sender: python ? 'python' : 'node',
    results: expected,
    stored,
    seconds,
    perSecond: stored / seconds,
    ceiling,
    hqCpuPerResult: (cpu.user + cpu.system) / expected,
    senderCpuPerResult: (await senderCpus).reduce((a, b) => a + b, 0) / expected,
  };
}

/**
 * A CURVE server as HqRun makes one with `security.curve`: its own context, whose ZAP handler admits
 * the one client key the senders use. Returns the socket options and the senders' environment.
 */
async function curveServer(): Promise<{ options: zmq.SocketOptions<zmq.Pull>; env: string; zap: zmq.Reply }> {
  const server = newCurveKeyPair();
  const client = newCurveKeyPair();
  const context = new zmq.Context();
  const zap = new zmq.Reply({ context, linger: 0 });
  await zap.bind('inproc://zeromq.zap.01');
  void (async () => {
    for await (const [version, id] of zap) await zap.send([version!, id!, '200', 'OK', 'bench', '']);
  })().catch(() => undefined);
  return {
    options: { context, curveServer: true, curveSecretKey: server.secretKey },
    env: `${server.publicKey} ${client.publicKey} ${client.secretKey}`,
    zap,
  };
}

/** Results files made so far (each run and each ceiling gets its own). */
let runs = 0;

function insertCeiling(rows: Result[]): number {
  const path = join(dir, `ceiling-${++runs}.sqlite`);
  const store = new ResultsStore(path, { insertLimit: INSERT_LIMIT });
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
  rmSync(path);
  return rows.length / s;
}

const REPEAT = Math.max(1, arg('--repeat', 1));
const figures: Figure[] = [];
try {
  const only = process.argv.includes('--mode') ? process.argv[process.argv.indexOf('--mode') + 1] : null;
  // Repetitions go round every phase in turn, so a slow spell of the machine spreads over them all.
  for (let round = 0; round < REPEAT; round++) {
    for (const [mode, count] of [
      ['legacy', 1_000_000],
      ['json', 2_000_000],
      ['protobuf', 2_000_000],
    ] as const) {
      if (only && only !== mode) continue;
      for (const curve of process.argv.includes('--curve') ? [false, true] : [false]) {
        if (!process.argv.includes('--backlog-only'))
          figures.push(await ingestRun(mode, arg('--results', count), false, curve));
        figures.push(await ingestRun(mode, arg('--results', count), true, curve));
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `senders ${SENDERS}, insert_limit ${INSERT_LIMIT}, batch ${BATCH}, ${REPEAT} run(s) per phase: medians`,
);
console.log(
  'mode                    sender  results   loss  ingest/s   (min-max)            ceiling/s  ratio  hq µs/r  senders µs/r',
);
for (const phase of [...new Set(figures.map((f) => f.mode))]) {
  const runs = figures.filter((f) => f.mode === phase);
  const rates = runs.map((f) => f.perSecond);
  const ceiling = median(runs.map((f) => f.ceiling));
  const loss = runs.reduce((sum, f) => sum + f.results - f.stored, 0);
  const range = `(${thousands(Math.min(...rates))}-${thousands(Math.max(...rates))})`;
  console.log(
    `${phase.padEnd(23)} ${runs[0]!.sender.padEnd(7)} ${String(runs[0]!.results).padEnd(9)} ${String(loss).padEnd(5)} ${thousands(median(rates)).padStart(9)}  ${range.padEnd(19)} ${thousands(ceiling).padStart(10)}  ${(median(rates) / ceiling).toFixed(2).padStart(5)}  ${median(
      runs.map((f) => f.hqCpuPerResult),
    )
      .toFixed(2)
      .padStart(7)}  ${median(runs.map((f) => f.senderCpuPerResult))
      .toFixed(2)
      .padStart(12)}`,
  );
}
if (process.argv.includes('--curve')) {
  console.log('CURVE / plain, median ingest/s:');
  for (const phase of [...new Set(figures.map((f) => f.mode))].filter((p) => !p.endsWith(' curve'))) {
    const rate = (p: string): number => median(figures.filter((f) => f.mode === p).map((f) => f.perSecond));
    const ratio = rate(`${phase} curve`) / rate(phase);
    console.log(`  ${phase.padEnd(17)} ${ratio.toFixed(2)} (CURVE costs ${((1 - ratio) * 100).toFixed(0)}%)`);
  }
}
if (figures.some((f) => f.stored !== f.results)) process.exitCode = 1;
