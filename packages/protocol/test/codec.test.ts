// The frame codec: commands (spec 3.1), turret frames (spec 3.2, 3.3, 5.5), error messages that name
// field, clause and value, and robustness against arbitrary bytes (spec 4.7).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalState,
  classify,
  decodeCommand,
  decodeTurretFrame,
  encodeCommand,
  encodeTurretMessage,
  isAddressedTo,
  normaliseResult,
  type ResultMessage,
  type StatusMessage,
} from '../src/index.js';

const UUID = '5a0d6a3c-2f58-4bd2-9c56-0c2a9d1bfa3e';
const result = (o: Record<string, unknown>) =>
  JSON.stringify({ elapsed: 1, epoch: 1479000000, scriptrun_time: 0.5, error: '', custom_timers: {}, ...o });
const errorOf = (frame: string) => {
  const d = decodeTurretFrame(Buffer.from(frame));
  assert.equal(d.ok, false, `expected ${frame} to be rejected`);
  return d.ok ? undefined : d.error;
};

void describe('error messages name field, clause and value', () => {
  void it('numeric string that is not a number', () => {
    assert.equal(
      errorOf(result({ scriptrun_time: 'abc' }))?.message,
      'result.scriptrun_time must be a number >= 0 (spec 5.3), got "abc"',
    );
  });
  void it('negative number', () => {
    assert.equal(
      errorOf(result({ elapsed: -2 }))?.message,
      'result.elapsed must be a number >= 0 (spec 5.3), got -2',
    );
  });
  void it('timer value', () => {
    const e = errorOf(result({ custom_timers: { login: 'fast' } }));
    assert.equal(e?.message, 'result.custom_timers.login must be a number >= 0 (spec 5.3), got "fast"');
    assert.equal(e?.value, 'fast');
  });
  void it('custom_timers not an object', () => {
    assert.equal(
      errorOf(result({ custom_timers: 'none' }))?.message,
      'result.custom_timers must be an object (spec 5.3), got "none"',
    );
  });
  void it('missing field', () => {
    const e = errorOf(JSON.stringify({ elapsed: 1, scriptrun_time: 0.5, error: '', custom_timers: {} }));
    assert.equal(e?.message, 'result.epoch is required (spec 5.3)');
    assert.equal(e?.path, 'result.epoch');
  });
  void it('status word', () => {
    const status = { turret: 't', status: 'flying', uuid: UUID, rampup: 0, script: 's', canons: 1 };
    assert.equal(
      errorOf(JSON.stringify(status))?.message,
      'status.status must be one of initialized, ready, running, aborted, killed (any case) (spec 5.2), got "flying"',
    );
  });
  void it('long values are shortened', () => {
    const e = errorOf(result({ error: 'x'.repeat(500), scriptrun_time: 'y'.repeat(500) }));
    assert.ok(e && e.message.length < 200, e?.message);
  });
});

void describe('turret frames', () => {
  void it('classifies by fields, never by substring (spec 5.5)', () => {
    const r = decodeTurretFrame(Buffer.from(result({ error: 'bad "status": 500 for uuid x' })));
    assert.ok(r.ok && r.value.kind === 'result');
    assert.equal(classify({ status: 'ready', uuid: 'u', scriptrun_time: 1, elapsed: 1 }), 'status');
    assert.equal(classify({ status: 'ready', scriptrun_time: 1, elapsed: 1 }), 'result');
    assert.equal(classify({ results: [] }), 'batch');
    assert.equal(classify([]), 'unknown');
    assert.equal(classify({ status: 'ready' }), 'unknown');
  });

  void it('round-trips a status and a result through encodeTurretMessage', () => {
    const status: StatusMessage = {
      turret: 'navigation',
      status: 'ready',
      uuid: UUID,
      rampup: 0,
      script: 'v_user.js',
      canons: 2,
      protocol: '1.0',
      capabilities: ['batch'],
    };
    const s = decodeTurretFrame(encodeTurretMessage(status));
    assert.ok(s.ok && s.value.kind === 'status');
    assert.equal(s.value.status.canons, 2);
    assert.deepEqual(s.value.status.capabilities, ['batch']);
    const res: ResultMessage = {
      turret_name: 'navigation',
      uuid: UUID,
      elapsed: 1.5,
      epoch: 1763900000.25,
      scriptrun_time: 0.02,
      error: '',
      custom_timers: { t: 0.01 },
      seq: 3,
    };
    const r = decodeTurretFrame(encodeTurretMessage(res));
    assert.ok(r.ok && r.value.kind === 'result');
    assert.deepEqual(r.value.result, { ...res, seq: 3 });
  });

  void it('normalises legacy numbers and leaves the input untouched', () => {
    const legacy = {
      elapsed: '1',
      epoch: '2',
      scriptrun_time: '0.5',
      error: '',
      custom_timers: { a: '0.25' },
    };
    const copy = structuredClone(legacy);
    const n = normaliseResult(legacy as unknown as ResultMessage, 'fallback', null);
    assert.deepEqual(n, {
      turret_name: 'fallback',
      uuid: null,
      elapsed: 1,
      epoch: 2,
      scriptrun_time: 0.5,
      error: '',
      custom_timers: { a: 0.25 },
      seq: null,
    });
    assert.deepEqual(legacy, copy);
  });

  void it('compares status words case-insensitively (spec 5.2)', () => {
    for (const w of ['ready', 'READY', 'Ready', 'rEaDy']) assert.equal(canonicalState(w), 'ready');
    assert.equal(canonicalState('Killed'), 'killed');
    assert.equal(canonicalState('flying'), undefined);
  });

  void it('never throws on arbitrary bytes; every rejection is one line citing a clause', () => {
    // A fixed-seed generator, so a failure reproduces.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const samples = [
      result({}),
      JSON.stringify({ turret_name: 't', uuid: 'u', results: [JSON.parse(result({}))] }),
    ];
    for (let i = 0; i < 3000; i++) {
      const base = Buffer.from(samples[i % samples.length]!);
      const bytes = Buffer.from(base.subarray(0, next() % (base.length + 1)));
      for (let k = next() % 4; k > 0; k--) if (bytes.length) bytes[next() % bytes.length] = next() % 256;
      if (i % 7 === 0 && bytes.length) bytes[0] = 0x01; // exercise the protobuf path too
      for (const decode of [decodeTurretFrame, decodeCommand]) {
        const d = decode(bytes);
        if (!d.ok) {
          assert.match(d.error.message, /\(spec \d+(\.\d+)*\)/);
          assert.ok(!d.error.message.includes('\n'));
        }
      }
    }
  });
});

void describe('command frames (spec 3.1)', () => {
  void it('a broadcast starts with one space', () => {
    const frame = encodeCommand({ command: 'start', msg: 'open fire' });
    assert.equal(frame, ' {"command":"start","msg":"open fire"}');
    const d = decodeCommand(Buffer.from(frame));
    assert.ok(d.ok);
    assert.deepEqual(d.value, { topic: '', command: { command: 'start', msg: 'open fire' }, known: true });
  });

  void it('a direct order carries the uuid as topic', () => {
    const frame = encodeCommand({ command: 'stop', msg: 'premature stop' }, UUID);
    assert.equal(frame, `${UUID} {"command":"stop","msg":"premature stop"}`);
    const d = decodeCommand(frame);
    assert.ok(d.ok && d.value.topic === UUID);
  });

  void it('isAddressedTo: broadcast or own uuid only (spec 3.1.1, 3.1.2)', () => {
    assert.equal(isAddressedTo('', UUID), true);
    assert.equal(isAddressedTo(UUID, UUID), true);
    assert.equal(isAddressedTo('bf2ab2e5-9f28-4f5d-a2ec-1d1c18a3e0bd', UUID), false);
  });

  void it('an unknown command decodes, marked unknown (spec 4.6)', () => {
    const d = decodeCommand(' {"command":"reload","msg":[1,2]}');
    assert.ok(d.ok);
    assert.equal(d.value.known, false);
  });

  void it('refuses a topic that could not be decoded', () => {
    assert.throws(() => encodeCommand({ command: 'start' }, 'a b'), /white space/);
    assert.throws(() => encodeCommand({ command: 'start' }, '{x'), /white space or JSON/);
  });

  void it('reports a malformed frame with the frame text', () => {
    const d = decodeCommand('{"command":"start","msg":"open fire"}');
    assert.ok(!d.ok);
    assert.equal(d.error.code, 'bad_command_frame');
    assert.match(d.error.message, /^command frame must be "<topic> <json>" \(spec 3\.1\), got /);
  });
});
