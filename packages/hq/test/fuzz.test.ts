/**
 * Bounded fuzz of the PULL socket (spec 5.5: anything unknown is counted and kept, never a crash):
 * random bytes, truncated JSON, wrong types, unknown kinds, 10 MB frames and the hostile shapes of
 * issue 15 (deep nesting, long strings and keys, many keys, huge numbers, __proto__, invalid UTF-8,
 * deep protobuf groups; test/hostile-frames.ts), interleaved with valid results, which must all be
 * stored. test/hostile.test.ts sends each hostile shape at full size during a real run.
 *
 *   fuzzer PUSH -- garbage + valid results -->  HQ PULL
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, it } from 'node:test';
import * as zmq from 'zeromq';
import { encodeProtobufBatch, type ResultMessage } from '@oct/protocol';
import { startRun } from '../src/index.js';
import { REJECT_REASON_CHARS } from '../src/store/store.js';
import { announcement, hostileFrames, validResult } from './hostile-frames.js';
import { query, tempProject, waitFor } from './helpers.js';

const p = tempProject({ run_time: 2, turrets: [{ name: 'unused', canons: 1, script: 'v_user.js' }] });
after(() => p.cleanup());

/** A deterministic generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

void it('stores every valid result between invalid frames and counts each invalid one', async () => {
  const run = await startRun({
    projectDir: p.dir,
    ephemeralPorts: true,
    joinTimeoutMs: 120_000,
    resultsDir: `${p.dir}/results/fuzz`,
  });
  const push = new zmq.Push({ linger: 5000, sendHighWaterMark: 0 });
  push.connect(`tcp://127.0.0.1:${run.rcPort}`);
  await push.send(announcement());
  const rand = prng(42);
  const valid = (i: number): string => validResult(i);
  // Hostile shapes at a fifth of their issue-15 sizes (20k-deep nesting, 2 MB strings, 40k keys).
  const hostile = hostileFrames(0.2);
  const garbage: (Uint8Array | string)[] = [
    '',
    '{',
    '{"elapsed": 1, "scriptrun_time":',
    '[]',
    'null',
    '42',
    '"text"',
    '{"hello":"world"}',
    '{"elapsed": "abc", "scriptrun_time": 1, "epoch": 1, "error": "", "custom_timers": {}}',
    '{"elapsed": 1, "scriptrun_time": -1, "epoch": 1, "error": "", "custom_timers": {}}',
    '{"elapsed": 1, "scriptrun_time": 1, "epoch": 1, "error": 5, "custom_timers": {}}',
    '{"status": "flying", "uuid": "x", "turret": "t", "rampup": 0, "script": "s", "canons": 1}',
    '{"results": [{"nope": true}], "turret_name": "b", "uuid": "u"}',
    Buffer.from([0x01, 0xff, 0xff, 0xff, 0x0f]),
    Buffer.from([0xc3, 0x28]),
    Buffer.alloc(10 * 1024 * 1024, 0x61),
    `{"elapsed": 1, "pad": "${'x'.repeat(10 * 1024 * 1024)}`,
    ...hostile.map((h) => h.frame),
  ];
  let validSent = 0;
  let invalidSent = 0;
  const deadline = Date.now() + 20_000;
  for (let i = 0; i < 1500 && Date.now() < deadline; i++) {
    const r = rand();
    if (r < 0.5) {
      await push.send(valid(validSent++));
    } else if (r < 0.75) {
      await push.send(randomBytes(1 + Math.floor(rand() * 300)).fill(0x7b, 0, 1)); // starts with '{'
      invalidSent++;
    } else {
      const g = garbage[Math.floor(rand() * garbage.length)]!;
      const big = typeof g !== 'string' ? g.length > 1_000_000 : g.length > 1_000_000;
      if (big && rand() < 0.8) continue; // keep the 10 MB frames to a handful
      await push.send(g);
      invalidSent++;
    }
  }
  // Every hostile shape at least once, each followed by a valid result.
  for (const h of hostile) {
    await push.send(h.frame);
    invalidSent++;
    await push.send(valid(validSent++));
  }
  // Valid batches too (JSON and protobuf): they count as stored results.
  const one = (i: number): ResultMessage => ({
    elapsed: i,
    epoch: 1,
    scriptrun_time: 0.1,
    error: '',
    custom_timers: {},
  });
  const batch: [ResultMessage, ...ResultMessage[]] = [
    one(0),
    ...Array.from({ length: 49 }, (_, i) => one(i + 1)),
  ];
  await push.send(JSON.stringify({ turret_name: 'fuzzer', uuid: 'fuzz-uuid', results: batch }));
  await push.send(encodeProtobufBatch({ turret_name: 'fuzzer', uuid: 'fuzz-uuid', results: batch }));
  validSent += 100;

  let rejects = 0;
  let stored = 0;
  run.on('progress', (e) => {
    rejects = e.rejects;
    stored = e.transactions;
  });
  await waitFor(
    () => stored >= validSent && rejects >= invalidSent,
    60_000,
    `${validSent} stored and ${invalidSent} rejected (have ${stored}, ${rejects})`,
  );
  push.close();
  run.stop();
  const summary = await run.done;
  assert.equal(summary.outcome, 'interrupted');
  const [row] = query<{ n: number }>(
    summary.dbPath,
    "SELECT COUNT(*) AS n FROM result WHERE turret_name = 'fuzzer'",
  );
  assert.equal(row!.n, validSent, 'every valid result stored');
  assert.equal(summary.rejects, invalidSent, 'every invalid frame counted');
  const big = query<{ frame_size: number; kept: number }>(
    summary.dbPath,
    'SELECT frame_size, length(frame) AS kept FROM reject WHERE frame_size > 65536',
  );
  for (const b of big) assert.equal(b.kept, 64 * 1024, 'a big frame is kept to its first 64 KiB');
  const codes = query<{ code: string }>(summary.dbPath, 'SELECT DISTINCT code FROM reject');
  assert.ok(codes.length >= 3, `several reject codes: ${codes.map((c) => c.code).join(', ')}`);
  const [longest] = query<{ n: number }>(summary.dbPath, 'SELECT MAX(length(reason)) AS n FROM reject');
  assert.ok(longest!.n <= REJECT_REASON_CHARS, `reasons bounded (longest ${longest!.n})`);
  const [unreasoned] = query<{ n: number }>(
    summary.dbPath,
    "SELECT COUNT(*) AS n FROM reject WHERE reason = '' OR frame_size < length(frame)",
  );
  assert.equal(unreasoned!.n, 0, 'every reject has a reason and its size');
  // The result whose error mentions "status" is a result, not a status (spec 5.5: no receiver searches the raw text).
  const [statusy] = query<{ n: number }>(
    summary.dbPath,
    "SELECT COUNT(*) AS n FROM result WHERE error = 'status: boom'",
  );
  assert.ok(statusy!.n > 0);
});
