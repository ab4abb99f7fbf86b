/**
 * Ingest.handle on one thread, with a real results file: a frame whose decoding throws is rejected,
 * not thrown (issue 15). The only such frame known is one too long for a string (over 512 MiB);
 * the receive thread hands any frame whose decoding throws to the ingest thread, which rejects it so.
 */
import assert from 'node:assert/strict';
import { constants } from 'node:buffer';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { Ingest, REJECT_KEEP_BYTES, ResultsStore } from '../src/index.js';
import { query } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'oct-ingest-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

void it('rejects a frame too long for a string as undecodable, with its size and first 64 KiB, and goes on', () => {
  const path = join(dir, 'a.sqlite');
  const store = new ResultsStore(path);
  const ingest = new Ingest(store, { flushAt: 1 });
  const huge = Buffer.alloc(constants.MAX_STRING_LENGTH + 16, 0x61); // about 512 MiB of "a"
  huge[0] = 0x7b; // '{'
  ingest.handle(huge);
  ingest.handle(
    Buffer.from(
      JSON.stringify({ elapsed: 1, epoch: 1, scriptrun_time: 0.5, error: 'after', custom_timers: {} }),
    ),
  );
  ingest.flush();
  store.close();
  assert.deepEqual(
    { rejects: ingest.counts.rejects, stored: ingest.counts.stored },
    { rejects: 1, stored: 1 },
  );
  const [row] = query<{ code: string; reason: string; frame_size: number; frame: Buffer }>(
    path,
    'SELECT code, reason, frame_size, frame FROM reject',
  );
  assert.equal(row!.code, 'undecodable');
  assert.match(row!.reason, /^decoding the frame failed: \w*Error: .*string/);
  assert.ok(row!.reason.length <= 240, row!.reason);
  assert.equal(row!.frame_size, huge.length);
  assert.ok(Buffer.from(row!.frame).equals(huge.subarray(0, REJECT_KEEP_BYTES)));
});
