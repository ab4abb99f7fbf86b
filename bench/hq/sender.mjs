// A bench sender process: pushes `count` results to the HQ's PULL endpoint as fast as ZeroMQ takes
// them, in one of three encodings. Usage: node sender.mjs <endpoint> <mode> <count> <batchSize> <id> [hwm]
// The bench's stdio handshake (as sender.py): prints `ready` once connected and the frames are
// built, sends when it reads a line on stdin, prints {"cpu": <µs of CPU spent sending>} at the end.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import * as zmq from 'zeromq';
import { encodeProtobufBatch } from '@oct/protocol';

const [endpoint, mode, countArg, batchArg, id, hwmArg = '10000'] = process.argv.slice(2);
const count = Number(countArg);
const batchSize = Number(batchArg);
// hwm 0 (unbounded) lets a sender queue everything for the backlog measurement.
// OCT_BENCH_CURVE="<server public> <client public> <client secret>": a CURVE client (spec 11.4).
const [serverKey, publicKey, secretKey] = (process.env.OCT_BENCH_CURVE ?? '').split(' ');
const curve = secretKey
  ? { curveServerKey: serverKey, curvePublicKey: publicKey, curveSecretKey: secretKey }
  : {};
const push = new zmq.Push({ linger: 60_000, sendHighWaterMark: Number(hwmArg), ...curve });
push.connect(endpoint);
const t0 = Date.now() / 1000;
const result = (i) => ({
  elapsed: i / 1000,
  epoch: t0 + i / 1000,
  scriptrun_time: 0.001 + (i % 97) / 10_000,
  error: i % 50 === 0 ? 'timeout' : '',
  custom_timers: { login: 0.0005 + (i % 13) / 100_000 },
});
// Pre-encoded frames, cycled: the sender must not be the bottleneck.
const pool = [];
// Batches name their turret: it announces itself first, as a turret does (spec 7.3).
let announcement = null;
if (mode === 'legacy') {
  for (let i = 0; i < 1000; i++) pool.push(Buffer.from(JSON.stringify(result(i))));
} else {
  // A turret's uuid is a UUID (36 characters), as the reference turret's: its length counts per row.
  const uuid = randomUUID();
  announcement = JSON.stringify({
    turret: `bench-${id}`,
    uuid,
    status: 'initialized',
    rampup: 0,
    script: 'bench.js',
    canons: 1,
  });
  for (let f = 0; f < 20; f++) {
    const results = Array.from({ length: batchSize }, (_, i) => result(f * batchSize + i));
    const batch = { turret_name: `bench-${id}`, uuid, results };
    pool.push(
      mode === 'protobuf' ? Buffer.from(encodeProtobufBatch(batch)) : Buffer.from(JSON.stringify(batch)),
    );
  }
}
const stdin = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
await once(stdin, 'line');
stdin.close();
if (announcement) await push.send(announcement);
const start = process.cpuUsage();
const frames = mode === 'legacy' ? count : Math.ceil(count / batchSize);
for (let i = 0; i < frames; i++) await push.send(pool[i % pool.length]);
push.close();
const { user, system } = process.cpuUsage(start);
process.stdout.write(`${JSON.stringify({ cpu: user + system })}\n`);
// The process stays until ZeroMQ has delivered every frame (linger).
