// Decode throughput of the HQ's hot path: a turret frame (a Buffer, as zeromq delivers it) ->
// UTF-8 -> JSON -> classify (spec 5.5) -> validate (spec 5.3) -> normalise (spec 5.6), on one core.
// Usage (from the repo root): node --import tsx bench/protocol/decode.bench.ts [seconds]
// Bounded: runs for at most `seconds` (default 10) per case, and stops by itself.
import { decodeTurretFrame } from '../../packages/protocol/src/index.js';

const UUID = '5a0d6a3c-2f58-4bd2-9c56-0c2a9d1bfa3e';
const cases: Record<string, Buffer> = {
  // What an OCT 0.4 canon sends: no turret_name, whole-second epoch, one custom timer.
  'legacy result': Buffer.from(
    JSON.stringify({
      elapsed: 12.5031,
      epoch: 1763900000,
      scriptrun_time: 0.0213,
      error: '',
      custom_timers: { Example_Timer: 0.0112 },
    }),
  ),
  // A 1.x result with turret_name, uuid and accounting.
  '1.x result': Buffer.from(
    JSON.stringify({
      turret_name: 'navigation',
      uuid: UUID,
      elapsed: 12.5031,
      epoch: 1763900000.25,
      scriptrun_time: 0.0213,
      error: '',
      custom_timers: { home_page: 0.0112 },
      seq: 41,
    }),
  ),
  // Legacy numeric strings take the normalisation branch.
  'legacy result, numeric strings': Buffer.from(
    JSON.stringify({
      elapsed: '12.5031',
      epoch: '1763900000',
      scriptrun_time: '0.0213',
      error: '',
      custom_timers: { t: '0.0112' },
    }),
  ),
};

const seconds = Number(process.argv[2] ?? 10);

// The floor: what any decoder pays before looking at a field (UTF-8 decode + JSON.parse).
const textDecoder = new TextDecoder('utf-8');
const floor = (frame: Uint8Array): { ok: boolean } => ({
  ok: JSON.parse(textDecoder.decode(frame)) !== null,
});

function run(
  name: string,
  frame: Buffer,
  decode: (f: Buffer) => { ok: boolean } = decodeTurretFrame,
): number {
  // Warm up so the JIT has compiled the hot path before we time it.
  for (let i = 0; i < 200_000; i++) decode(frame);
  let n = 0;
  let sink = 0;
  const batch = 100_000;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < deadline && n < 200_000_000) {
    for (let i = 0; i < batch; i++) {
      const d = decode(frame);
      if (d.ok) sink++;
    }
    n += batch;
    now = process.hrtime.bigint();
  }
  if (sink !== n) throw new Error(`${name}: ${n - sink} frames failed to decode`);
  const cpu = process.cpuUsage(cpu0);
  const rate = n / (Number(now - start) / 1e9);
  // CPU time (user + system, all of the process's threads) is steadier than wall time on a shared machine.
  const cpuRate = n / ((cpu.user + cpu.system) / 1e6);
  const fmt = (r: number) => Math.round(r).toLocaleString('en-US').padStart(11);
  console.log(
    `${name.padEnd(32)} ${String(frame.length).padStart(4)} bytes  ${fmt(rate)} msg/s wall  ${fmt(cpuRate)} msg/s per CPU-second`,
  );
  return rate;
}

console.log(`node ${process.version}, ${seconds} s per case, one core`);
for (const [name, frame] of Object.entries(cases)) run(name, frame);
run('floor: UTF-8 + JSON.parse only', cases['legacy result']!, floor);
