/**
 * A long fuzz of the HQ's PULL socket (issue 15: no frame can stop the receive path). A separate
 * sender process pushes, over real ZeroMQ on loopback, during a real run of real turret processes
 * (the HQ tests' fixture turret, one JSON and one protobuf): every hostile shape of
 * packages/hq/test/hostile-frames.ts (deep nesting, 10 MB strings and keys, 200k keys, huge numbers,
 * __proto__, invalid UTF-8, deep protobuf groups), random bytes, valid results cut short, with bytes
 * flipped or with deep nesting spliced in, and valid results and batches (JSON and protobuf).
 *
 * The sender decodes each frame it sends with @oct/protocol, as the HQ will, to know what must become
 * of it: a reject with that code, or that many stored results (frames that would decode as a status
 * are not sent: they would add turrets that the run then loses). At the end the bench prints, per
 * shape, the frames sent, rejected (found in the reject table in the order sent, with the expected
 * code, the frame's size, a reason of at most REJECT_REASON_CHARS characters and the frame's first
 * 64 KiB) and the results stored; then whether the HQ survived: the run completed, no turret lost,
 * no warning, accounting complete (every result the turrets sent is stored), and the results not
 * from the turrets are exactly those expected. Exits 1 when any of that fails.
 *
 * Run (after `npx nx run hq:build`), from the repository root:
 *
 *   node --import tsx bench/hq/fuzz.ts                      # 60 s, at most 100,000 fuzz frames
 *   # options: --seconds N  --frames N  --scale 0..1 (sizes of the hostile shapes)  --seed N
 *   #          --huge (adds a 600 MB frame, too large for a string: rejected as undecodable)
 *
 * Bounded: the sender stops after --frames frames or --seconds, whichever comes first, and sends a
 * frame over 1 MB at most every 10th time its shape comes round; the run lasts --seconds + 15 s. The
 * sender sends in rounds of 500 frames and waits before each round until the HQ has rejected every
 * invalid frame of the round before (progress events every 100 ms), so the HQ's queues, and its
 * memory, stay bounded however slowly it takes hostile frames: the frames per second are the HQ's.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import * as zmq from 'zeromq';
import { REJECT_KEEP_BYTES, startRun, type TurretEvent } from '@oct/hq';
import { decodeTurretFrame, encodeProtobufBatch, type ResultMessage } from '@oct/protocol';
import { hostileFrames, validResult } from '../../packages/hq/test/hostile-frames.js';
import { thousands } from './common.js';

/** The reject table's reason bound (packages/hq/src/store/store.ts). */
const REJECT_REASON_CHARS = 1024;
const thisFile = fileURLToPath(import.meta.url);
const fixtures = fileURLToPath(new URL('../../packages/hq/test/fixtures/', import.meta.url));

/** Frames the sender sends before waiting for the HQ to catch up. */
const ROUND = 500;

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

/** What the sender reports at the end. */
interface SenderReport {
  shapes: string[];
  /** Per shape: frames sent, frames to reject, results to store. */
  counts: { sent: number; rejects: number; results: number }[];
  /** Every frame to reject, in the order sent: [shape index, code, size]. */
  rejects: [number, string, number][];
  seconds: number;
  bytes: number;
}

if (process.argv[2] === '--send') await send();
else await main();

// ---------------------------------------------------------------------------------------------------
// The sender process.

/** A deterministic generator, so a run can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function send(): Promise<void> {
  const [, , , endpoint, secondsArg, framesArg, scaleArg, seedArg, hugeArg] = process.argv;
  const rand = prng(Number(seedArg));
  const hostile = hostileFrames(Number(scaleArg));
  if (hugeArg === 'huge') {
    const huge = Buffer.alloc(600 * 1024 * 1024, 0x61);
    huge[0] = 0x7b;
    hostile.push({ shape: 'frame-600mb', frame: huge, code: 'undecodable' });
  }
  const one = (i: number): ResultMessage => ({
    elapsed: i,
    epoch: 1_700_000_000 + i,
    scriptrun_time: 0.1,
    error: '',
    custom_timers: { t: 0.01 },
  });
  const batch = Array.from({ length: 50 }, (_, i) => one(i)) as [ResultMessage, ...ResultMessage[]];
  const jsonBatch = Buffer.from(JSON.stringify({ turret_name: 'fuzzer', uuid: 'fuzz-uuid', results: batch }));
  const protoBatch = Buffer.from(
    encodeProtobufBatch({ turret_name: 'fuzzer', uuid: 'fuzz-uuid', results: batch }),
  );
  const splices = [
    '['.repeat(50_000) + ']'.repeat(50_000),
    '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000),
  ];
  const generated: Record<string, (i: number) => Buffer> = {
    valid: (i) => Buffer.from(validResult(i)),
    'valid-batch-json': () => jsonBatch,
    'valid-batch-protobuf': () => protoBatch,
    'random-bytes': () => {
      const b = Buffer.alloc(1 + Math.floor(rand() * 2000));
      for (let k = 0; k < b.length; k++) b[k] = Math.floor(rand() * 256);
      return b;
    },
    'truncated-valid': (i) => {
      const b = Buffer.from(validResult(i));
      return b.subarray(0, Math.floor(rand() * b.length));
    },
    'flipped-valid': (i) => {
      const b = Buffer.from(validResult(i));
      for (let k = 0; k < 3; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      return b;
    },
    'spliced-deep': (i) => {
      const b = Buffer.from(validResult(i));
      const at = Math.floor(rand() * b.length);
      return Buffer.concat([b.subarray(0, at), Buffer.from(splices[i % 2]!), b.subarray(at)]);
    },
  };
  const shapes = [...Object.keys(generated), ...hostile.map((h) => h.shape)];
  const counts = shapes.map(() => ({ sent: 0, rejects: 0, results: 0 }));
  const rejects: SenderReport['rejects'] = [];
  /** What the HQ must make of a frame, decoded as it will decode it. */
  const verdict = (frame: Buffer): { code: string } | { results: number } | null => {
    try {
      const d = decodeTurretFrame(frame);
      if (!d.ok) return { code: d.error.code };
      if (d.value.kind === 'status') return null;
      return { results: d.value.kind === 'batch' ? d.value.results.length : 1 };
    } catch {
      return { code: 'undecodable' };
    }
  };
  const hostileVerdicts = hostile.map((h) => verdict(h.frame));
  const turns = hostile.map(() => 0);

  const push = new zmq.Push({ linger: 60_000, sendHighWaterMark: 16 });
  push.connect(endpoint!);
  const lines = createInterface({ input: process.stdin });
  const go = async (): Promise<void> => {
    process.stdout.write(JSON.stringify({ rejects: rejects.length }) + '\n');
    await once(lines, 'line');
  };
  const started = performance.now();
  const deadline = started + Number(secondsArg) * 1000;
  let bytes = 0;
  let next = 0;
  for (let i = 0; i < Number(framesArg) && performance.now() < deadline; i++) {
    if (i > 0 && i % ROUND === 0) await go();
    const r = rand();
    let shape: number;
    let frame: Buffer;
    let v: ReturnType<typeof verdict>;
    if (r < 0.2) {
      // The hostile shapes in turn; a frame over 1 MB only every 10th time its turn comes.
      const h = next++ % hostile.length;
      const big = hostile[h]!.frame.length > 1024 * 1024;
      if (big && turns[h]++ % 10 !== 0) continue;
      shape = Object.keys(generated).length + h;
      frame = hostile[h]!.frame;
      v = hostileVerdicts[h]!;
    } else {
      const names = Object.keys(generated);
      const weights = [0.45, 0.05, 0.05, 0.1, 0.1, 0.15, 0.1];
      let x = rand();
      let g = 0;
      while (g < weights.length - 1 && (x -= weights[g]!) > 0) g++;
      shape = g;
      frame = generated[names[g]!]!(i);
      v = verdict(frame);
    }
    if (v === null) continue; // a status: not sent
    await push.send(frame);
    bytes += frame.length;
    const c = counts[shape]!;
    c.sent++;
    if ('code' in v) {
      c.rejects++;
      rejects.push([shape, v.code, frame.length]);
    } else c.results += v.results;
  }
  const seconds = (performance.now() - started) / 1000;
  push.close();
  process.stdout.write(
    JSON.stringify({ shapes, counts, rejects, seconds, bytes } satisfies SenderReport) + '\n',
  );
  lines.close();
}

// ---------------------------------------------------------------------------------------------------
// The bench: the HQ (this process), two turrets, the sender.

async function main(): Promise<void> {
  const seconds = Math.min(600, arg('--seconds', 60));
  const frames = arg('--frames', 100_000);
  const scale = Math.min(1, Math.max(0.01, arg('--scale', 1)));
  const seed = arg('--seed', 15);
  const huge = process.argv.includes('--huge');
  const dir = mkdtempSync(join(tmpdir(), 'oct-bench-fuzz-'));
  writeFileSync(
    join(dir, 'v_user.js'),
    `export class Transaction {
  constructor() { this.customTimers = {}; }
  async run() { await new Promise((r) => setTimeout(r, 5)); this.customTimers.work = 0.005; }
}
`,
  );
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      run_time: seconds + 15,
      results_ts_interval: 1,
      progress_bar: false,
      hq_address: '127.0.0.1',
      min_turrets: 2,
      turrets: [{ name: 'placeholder', canons: 1, script: 'v_user.js' }],
    }),
  );
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const run = await startRun({
    projectDir: dir,
    ephemeralPorts: true,
    resultsDir: join(dir, 'results'),
    progressIntervalMs: 100,
  });
  let rejectsSoFar = 0;
  run.on('progress', (p) => (rejectsSoFar = p.rejects));
  const trouble: string[] = [];
  run.on('turret', (e: TurretEvent) => {
    if (e.kind === 'lost') trouble.push(`turret ${e.turret.name} lost`);
  });
  run.on('log', (line: string) => {
    if (line.startsWith('WARNING')) trouble.push(line.slice(0, 300));
  });
  const turrets = ['json', 'protobuf'].map((encoding) => {
    const file = join(dir, `turret-${encoding}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        name: encoding,
        canons: 2,
        rampup: 0,
        script: join(dir, 'v_user.js'),
        hq_address: '127.0.0.1',
        hq_publisher: run.publishPort,
        hq_rc: run.rcPort,
        fixture_encoding: encoding,
      }),
    );
    return spawn(process.execPath, [join(fixtures, 'modern-turret.mjs'), 'start', '--config', file], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  });
  try {
    await once(run, 'phase'); // running (or finished, if the turrets never came)
    const sender = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        thisFile,
        '--send',
        `tcp://127.0.0.1:${run.rcPort}`,
        String(seconds),
        String(frames),
        String(scale),
        String(seed),
        huge ? 'huge' : '-',
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: sender.stdout! });
    let report: SenderReport | null = null;
    for await (const line of lines) {
      const m = JSON.parse(line) as SenderReport | { rejects: number };
      if (!Array.isArray(m.rejects)) {
        // A round sent: let the sender go on once the HQ has rejected what it had to so far.
        const want = m.rejects as number;
        const end = Date.now() + 120_000;
        while (rejectsSoFar < want && Date.now() < end && trouble.length === 0)
          await new Promise((r) => setTimeout(r, 20));
        sender.stdin!.write('go\n');
        continue;
      }
      report = m as SenderReport;
      sender.stdin!.end();
      break;
    }
    if (!report) throw new Error('the sender ended without a report');
    const summary = await run.done;
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);

    // Every frame to reject, in the table in the order sent.
    const db = new Database(summary.dbPath, { readonly: true });
    const rows = db
      .prepare(
        'SELECT code, frame_size AS size, length(reason) AS reason, length(frame) AS kept FROM reject ORDER BY id',
      )
      .all() as { code: string; size: number; reason: number; kept: number }[];
    // The fuzzer never announces itself with a status: its valid results are kept aside in the
    // quarantine table (spec 7.3); those that name no turret at all (legacy form) are stored.
    const turretUuids = summary.turrets.map((t) => t.uuid);
    const [fuzzed] = db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM quarantine) + (SELECT COUNT(*) FROM result WHERE turret_uuid IS NULL OR turret_uuid NOT IN (${turretUuids.map(() => '?').join(',')})) AS n`,
      )
      .all(...turretUuids) as { n: number }[];
    db.close();
    const rejected = report.shapes.map(() => 0);
    const wrong: string[] = [];
    report.rejects.forEach(([shape, code, size], i) => {
      const row = rows[i];
      const ok =
        row !== undefined &&
        row.code === code &&
        row.size === size &&
        row.reason > 0 &&
        row.reason <= REJECT_REASON_CHARS &&
        row.kept === Math.min(size, REJECT_KEEP_BYTES);
      if (ok) rejected[shape]!++;
      else if (wrong.length < 5)
        wrong.push(`${report.shapes[shape]} #${i}: want ${code} ${size} B, got ${JSON.stringify(row)}`);
    });

    const pad = (s: string | number, n: number): string => String(s).padStart(n);
    console.log(`${'shape'.padEnd(22)} ${pad('sent', 8)} ${pad('rejected', 9)} ${pad('results kept', 15)}`);
    report.shapes.forEach((name, i) => {
      const c = report.counts[i]!;
      const rej = rejected[i] === c.rejects ? thousands(rejected[i]!) : `${rejected[i]}/${c.rejects}!`;
      console.log(
        `${name.padEnd(22)} ${pad(thousands(c.sent), 8)} ${pad(rej, 9)} ${pad(thousands(c.results), 15)}`,
      );
    });
    const sent = report.counts.reduce((n, c) => n + c.sent, 0);
    const toReject = report.rejects.length;
    const toStore = report.counts.reduce((n, c) => n + c.results, 0);
    const okRejects = rejected.reduce((a, b) => a + b, 0);
    console.log(
      `${'total'.padEnd(22)} ${pad(thousands(sent), 8)} ${pad(thousands(okRejects), 9)} ${pad(thousands(fuzzed!.n), 15)}`,
    );
    console.log(
      `\nsender: ${thousands(sent)} frames, ${(report.bytes / 1024 / 1024).toFixed(0)} MB in ${report.seconds.toFixed(1)} s; ` +
        `run ${elapsed.toFixed(1)} s, HQ CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, ` +
        `max RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    );
    console.log(
      `HQ: outcome ${summary.outcome} (${summary.message}), rejects ${thousands(summary.rejects)}, ` +
        `results ${thousands(summary.transactions)} (turrets ${summary.turrets.map((t) => `${t.name} ${t.status} ${thousands(t.resultsStored)}`).join(', ')}), ` +
        `missing ${JSON.stringify(summary.missing)}`,
    );
    const failures = [
      ...trouble,
      ...wrong,
      ...(summary.outcome === 'completed' ? [] : [`outcome ${summary.outcome}`]),
      ...(summary.missing.length === 0 ? [] : ['accounting: turret results missing']),
      ...(summary.rejects === toReject ? [] : [`${summary.rejects} rejects, ${toReject} expected`]),
      ...(rows.length === toReject ? [] : [`${rows.length} reject rows, ${toReject} expected`]),
      ...(fuzzed!.n === toStore
        ? []
        : [`${fuzzed!.n} fuzz results stored or kept aside, ${toStore} expected`]),
    ];
    console.log(failures.length === 0 ? 'HQ survived: yes' : `HQ survived: NO\n  ${failures.join('\n  ')}`);
    process.exitCode = failures.length === 0 ? 0 : 1;
  } finally {
    for (const t of turrets) if (t.exitCode === null) t.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
