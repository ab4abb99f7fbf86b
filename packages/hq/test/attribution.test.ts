/**
 * No turret speaks for another (spec 7.3), on the ingest path with a real SQLite file: a uuid keeps
 * the name of its first status, and results that name a turret no status announced, or a name their
 * uuid did not announce, are kept aside in the quarantine table, counted as no turret's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { encodeProtobufBatch, type Result, type TurretStatus } from '@oct/protocol';
import { Ingest } from '../src/ingest.js';
import { ResultPacker } from '../src/result-columns.js';
import { ResultsStore } from '../src/store/store.js';
import { query } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'oct-hq-attribution-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const enc = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));
const status = (turret: string, uuid: string): Uint8Array =>
  enc({ turret, status: 'ready', uuid, rampup: 0, script: 's.js', canons: 1 });
const result = (elapsed: number, turret_name: string | null, uuid: string | null): Result => ({
  turret_name,
  uuid,
  elapsed,
  epoch: 1_700_000_000,
  scriptrun_time: 0.1,
  error: '',
  custom_timers: {},
  seq: null,
});

function open(name: string): { store: ResultsStore; ingest: Ingest; statuses: TurretStatus[]; path: string } {
  const path = join(dir, `${name}.sqlite`);
  const store = new ResultsStore(path, { insertLimit: 3 });
  const statuses: TurretStatus[] = [];
  const ingest = new Ingest(store, { flushAt: 4, onStatus: (s) => statuses.push(s) });
  return { store, ingest, statuses, path };
}

void it('keeps a uuid on the name of its first status: a rename is rejected and never applied', () => {
  const { store, ingest, statuses, path } = open('rename');
  ingest.handle(status('t1', 'u1'));
  ingest.handle(status('EVIL', 'u1'));
  ingest.handle(status('t1', 'u1'));
  ingest.flush();
  store.close();
  assert.deepEqual(
    statuses.map((s) => s.turret),
    ['t1', 't1'],
  );
  assert.equal(ingest.counts.statuses, 2);
  assert.equal(ingest.counts.rejects, 1);
  const rows = query<{ code: string; reason: string; frame: Buffer }>(
    path,
    'SELECT code, reason, frame FROM reject',
  );
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.code, 'renamed');
  assert.match(
    rows[0]!.reason,
    /uuid "u1" names turret "EVIL", but that uuid announced itself as "t1".*spec 7\.3/,
  );
  assert.match(Buffer.from(rows[0]!.frame).toString(), /"EVIL"/);
});

void it('keeps aside results of a turret no status announced, or under another name than their uuid announced', () => {
  const { store, ingest, path } = open('aside');
  // On the wire, a result without a name or uuid leaves the field out.
  const r = (e: number, name: string | null, uuid: string | null): Uint8Array => {
    const { turret_name, uuid: u, seq: _, ...rest } = result(e, name, uuid);
    return enc({ ...rest, ...(turret_name ? { turret_name } : {}), ...(u ? { uuid: u } : {}) });
  };
  ingest.handle(r(1, 't1', 'u1')); // before t1's status: unannounced
  ingest.handle(status('t1', 'u1'));
  ingest.handle(r(2, 't1', 'u1')); // stored
  ingest.handle(r(3, 'ghost', 'u9')); // a uuid never announced
  ingest.handle(r(4, 'EVIL', 'u1')); // t1's uuid under another name
  ingest.handle(
    enc({
      turret_name: 'EVIL',
      uuid: 'u1',
      results: [{ elapsed: 5, epoch: 1, scriptrun_time: 0, error: '', custom_timers: {} }],
    }),
  );
  ingest.handle(r(6, null, null)); // legacy, unattributed: stored
  ingest.handle(r(7, 'nobody', null)); // a name (legacy form, no uuid) no status announced
  ingest.handle(r(8, 't1', null)); // t1's name without uuid: stored
  ingest.handle(
    encodeProtobufBatch({
      turret_name: 't1',
      uuid: 'u1',
      results: [{ elapsed: 9, epoch: 1, scriptrun_time: 0, error: '', custom_timers: {} }],
    }),
  );
  ingest.flush();
  store.close();
  assert.equal(ingest.counts.stored, 4);
  assert.equal(ingest.counts.quarantined, 5);
  assert.equal(ingest.counts.unattributed, 1);
  assert.deepEqual(Object.fromEntries(ingest.storedByUuid), { u1: 2 });
  assert.deepEqual(query(path, 'SELECT elapsed, turret_name, turret_uuid FROM result ORDER BY elapsed'), [
    { elapsed: 2, turret_name: 't1', turret_uuid: 'u1' },
    { elapsed: 6, turret_name: null, turret_uuid: null },
    { elapsed: 8, turret_name: 't1', turret_uuid: null },
    { elapsed: 9, turret_name: 't1', turret_uuid: 'u1' },
  ]);
  assert.deepEqual(
    query(path, 'SELECT elapsed, reason, turret_name, turret_uuid FROM quarantine ORDER BY elapsed'),
    [
      { elapsed: 1, reason: 'unannounced', turret_name: 't1', turret_uuid: 'u1' },
      { elapsed: 3, reason: 'unannounced', turret_name: 'ghost', turret_uuid: 'u9' },
      { elapsed: 4, reason: 'name_conflict', turret_name: 'EVIL', turret_uuid: 'u1' },
      { elapsed: 5, reason: 'name_conflict', turret_name: 'EVIL', turret_uuid: 'u1' },
      { elapsed: 7, reason: 'unannounced', turret_name: 'nobody', turret_uuid: null },
    ],
  );
});

void it('splits a pack decoded on the receive thread: its rows of known turrets stored in order, the rest kept aside', () => {
  const { store, ingest, path } = open('pack');
  ingest.handle(status('t1', 'u1'));
  const packer = new ResultPacker();
  for (const [e, name, uuid] of [
    [1, 't1', 'u1'],
    [2, 't1', 'u1'],
    [3, 'EVIL', 'u1'],
    [4, 't1', 'u1'],
    [5, 'x', 'u2'],
  ] as const)
    packer.add(result(e, name, uuid));
  ingest.storePacked(packer.take()!);
  store.close();
  assert.equal(ingest.counts.stored, 3);
  assert.equal(ingest.counts.quarantined, 2);
  assert.deepEqual(
    query<{ elapsed: number }>(path, 'SELECT elapsed FROM result ORDER BY id').map((r) => r.elapsed),
    [1, 2, 4],
  );
  assert.deepEqual(query(path, 'SELECT elapsed, reason FROM quarantine ORDER BY id'), [
    { elapsed: 3, reason: 'name_conflict' },
    { elapsed: 5, reason: 'unannounced' },
  ]);
});
