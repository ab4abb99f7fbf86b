/**
 * The receive loop on real ZeroMQ sockets over loopback: queued floods (taken blind, in full bursts)
 * and the trickles between them reach the results file complete and in order.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import * as zmq from 'zeromq';
import { encodeTurretMessage } from '@oct/protocol';
import { IngestThread, pumpFrames } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'oct-hq-pump-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const frame = (i: number): Uint8Array =>
  encodeTurretMessage({
    elapsed: i,
    epoch: 1_700_000_000 + i,
    scriptrun_time: 0.01,
    error: '',
    custom_timers: {},
  });

void it('takes floods and trickles alike, every frame once and in order', async () => {
  const dbPath = join(dir, 'pump.sqlite');
  const ingest = await IngestThread.start({ dbPath, insertLimit: 1000 });
  const pull = new zmq.Pull({ linger: 0, receiveHighWaterMark: 0 });
  await pull.bind('tcp://127.0.0.1:*');
  const push = new zmq.Push({ linger: 10_000, sendHighWaterMark: 0 });
  push.connect(pull.lastEndpoint!);
  // A flood already queued before the loop starts, then trickles and a second flood while it runs.
  const waves = [3000, 1, 5, 2000, 3];
  const total = waves.reduce((a, b) => a + b, 0);
  let sent = 0;
  const sendWave = async (n: number): Promise<void> => {
    for (let k = 0; k < n; k++) await push.send(frame(sent++));
  };
  await sendWave(waves[0]!);
  while (!pull.readable) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 200)); // let the whole first wave reach the queue
  const bursts: number[] = [];
  let received = 0;
  const pumping = pumpFrames(pull, ingest, {
    onFrames: (n) => {
      bursts.push(n);
      received += n;
      return received >= total;
    },
  });
  for (const n of waves.slice(1)) {
    while (received < sent) await new Promise((r) => setTimeout(r, 5));
    await sendWave(n);
  }
  await pumping;
  push.close();
  pull.close();
  await ingest.close();
  assert.equal(received, total);
  // Full bursts were taken (the blind path) and a shorter one ended the flood.
  const full = bursts.indexOf(256);
  assert.ok(full >= 0 && bursts.slice(full).some((n) => n < 256), `bursts: ${bursts.join(',')}`);
  const db = new Database(dbPath, { readonly: true });
  try {
    const elapsed = db.prepare('SELECT elapsed FROM result ORDER BY id').pluck().all();
    assert.deepEqual(
      elapsed,
      Array.from({ length: total }, (_, i) => i),
    );
  } finally {
    db.close();
  }
});
