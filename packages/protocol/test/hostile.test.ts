// Hostile input to the codec (issue 15: no frame can stop the receive path): deep nesting, huge
// strings, keys and numbers, `__proto__` keys, invalid UTF-8, deep protobuf groups, and a seeded fuzz
// of the vectors. Decoding never throws, every error message is one bounded line, and describing a
// value is bounded in depth, size and time whatever the value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCommand, decodeTurretFrame, encodeProtobufBatch, type ResultMessage } from '../src/index.js';
import { show } from '../src/errors.js';
import { loadVectors } from './helpers.js';

/** Error messages are one line no longer than this (a path, an expectation, a clause and show()). */
const MESSAGE_MAX = 400;
/** Generous: a linear decode of the largest frame here takes well under a second. */
const SLOW_MS = 10_000;

const MB = 1024 * 1024;
const deepArray = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const manyKeys = (n: number, value = '1'): string =>
  '{' + Array.from({ length: n }, (_, i) => `"k${i}":${value}`).join(',') + '}';
/** A JSON object written from raw JSON texts of its values (so a value can be any text at all). */
const rawObject = (fields: Record<string, string>): string =>
  `{${Object.entries(fields)
    .map(([k, v]) => `"${k}":${v}`)
    .join(',')}}`;
const result = (field: string, json: string): string => {
  const fields: Record<string, string> = {
    elapsed: '1',
    epoch: '1479000000',
    scriptrun_time: '0.5',
    error: '""',
    custom_timers: '{}',
    [field]: json,
  };
  return rawObject(fields);
};
const status = (field: string, json: string): string => {
  const fields: Record<string, string> = {
    turret: '"t"',
    status: '"ready"',
    uuid: '"u"',
    rampup: '0',
    script: '"s.js"',
    canons: '1',
    [field]: json,
  };
  return rawObject(fields);
};

/** [name, frame, expected code] */
const HOSTILE: [string, string | Buffer, string][] = [
  ['nested arrays, 10k (the tester’s frame)', deepArray(10_000), 'not_object'],
  ['nested arrays, 100k', deepArray(100_000), 'not_object'],
  ['nested arrays, 1M', deepArray(1_000_000), 'not_object'],
  ['nested objects, 100k', deepObject(100_000), 'unknown_kind'],
  ['nested array in an unknown object', `{"x":${deepArray(100_000)}}`, 'unknown_kind'],
  ['nested array as status.canons', status('canons', deepArray(100_000)), 'invalid'],
  ['nested array as status.capabilities item', status('capabilities', `[${deepArray(100_000)}]`), 'invalid'],
  ['nested object as result.custom_timers', result('custom_timers', deepObject(100_000)), 'invalid'],
  [
    'nested array as a batch result',
    `{"turret_name":"t","uuid":"u","results":[${deepArray(100_000)}]}`,
    'invalid',
  ],
  ['nested array under __proto__', `{"__proto__":${deepArray(100_000)}}`, 'unknown_kind'],
  ['a 10 MB string', JSON.stringify('x'.repeat(10 * MB)), 'not_object'],
  [
    'a 10 MB numeric-looking string field',
    result('scriptrun_time', JSON.stringify('9'.repeat(10 * MB) + 'x')),
    'invalid',
  ],
  [
    'a 10 MB timer name',
    result('custom_timers', `{${JSON.stringify('k'.repeat(10 * MB))}:"fast"}`),
    'invalid',
  ],
  ['a 10 MB field name at the top', `{${JSON.stringify('k'.repeat(10 * MB))}:1}`, 'unknown_kind'],
  ['10 MB of truncated JSON', '{"elapsed": "' + 'x'.repeat(10 * MB), 'not_json'],
  ['200k keys', manyKeys(200_000), 'unknown_kind'],
  ['200k timers, all bad', result('custom_timers', manyKeys(200_000, '[[1]]')), 'invalid'],
  ['a number of 10M digits', '9'.repeat(10 * MB), 'not_object'],
  ['a number too large for a double', result('elapsed', '1' + '0'.repeat(100_000)), 'invalid'],
  ['a status under __proto__', `{"__proto__":${status('status', '"ready"')}}`, 'unknown_kind'],
  ['__proto__ as status.canons', status('canons', '{"__proto__":1}'), 'invalid'],
  [
    'invalid UTF-8',
    Buffer.concat([Buffer.from('{"error":"'), Buffer.alloc(2048, 0xc3), Buffer.from('"}')]),
    'not_utf8',
  ],
  ['deep protobuf groups', Buffer.concat([Buffer.from([1]), Buffer.alloc(200_000, 0x7b)]), 'bad_protobuf'],
];

function decodeTimed(decode: () => ReturnType<typeof decodeTurretFrame> | ReturnType<typeof decodeCommand>) {
  const t = performance.now();
  const d = decode();
  return { d, ms: performance.now() - t };
}

void describe('hostile turret frames', () => {
  for (const [name, text, code] of HOSTILE) {
    void it(`${name}: rejected as ${code}, with one bounded line`, () => {
      const frame = typeof text === 'string' ? Buffer.from(text) : text;
      const { d, ms } = decodeTimed(() => decodeTurretFrame(frame));
      assert.equal(d.ok, false);
      if (d.ok) return;
      assert.equal(d.error.code, code, d.error.message);
      assert.ok(d.error.message.length <= MESSAGE_MAX, `message of ${d.error.message.length} chars`);
      assert.ok(!/[\n\r]/.test(d.error.message), 'one line');
      assert.ok((d.error.path ?? '').length <= 200, 'path bounded');
      assert.ok(ms < SLOW_MS, `${ms} ms`);
    });
  }

  void it('the tester’s frame reads as what it is', () => {
    const d = decodeTurretFrame(Buffer.from(deepArray(10_000)));
    assert.equal(
      d.ok ? '' : d.error.message,
      'frame must be a JSON object (spec 3.2), got [[[[[[[[[[[[[[[[[...]]]]]]]]]]]]]]]]]',
    );
  });

  void it('a long timer name is shortened in the path and the message', () => {
    const d = decodeTurretFrame(Buffer.from(result('custom_timers', `{"${'k'.repeat(100_000)}":"fast"}`)));
    assert.equal(
      d.ok ? '' : d.error.message,
      `result.custom_timers.${'k'.repeat(37)}... must be a number >= 0 (spec 5.3), got "fast"`,
    );
  });

  void it('a number literal too large for a double shows as Infinity, not null', () => {
    const d = decodeTurretFrame(Buffer.from(result('elapsed', '1e999')));
    assert.equal(
      d.ok ? '' : d.error.message,
      'result.elapsed must be a number >= 0 (spec 5.3), got Infinity',
    );
  });
});

void describe('__proto__ keys', () => {
  void it('a timer named __proto__ is a timer like any other (numbers, numeric strings, protobuf)', () => {
    const timers = JSON.parse('{"__proto__": 0.25, "t": 0.5}') as Record<string, number>;
    const asStrings = JSON.parse('{"__proto__": "0.25", "t": "0.5"}') as Record<string, string>;
    const one = (custom_timers: unknown) => ({
      elapsed: 1,
      epoch: 1,
      scriptrun_time: 0.5,
      error: '',
      custom_timers: custom_timers as Record<string, number>,
    });
    for (const frame of [
      Buffer.from(JSON.stringify(one(timers))),
      Buffer.from(JSON.stringify(one(asStrings))),
      encodeProtobufBatch({ turret_name: 't', uuid: 'u', results: [one(timers) as ResultMessage] }),
    ]) {
      const d = decodeTurretFrame(frame);
      assert.ok(d.ok, d.ok ? '' : d.error.message);
      const r =
        d.value.kind === 'result' ? d.value.result : d.value.kind === 'batch' ? d.value.results[0]! : null;
      assert.ok(r);
      assert.ok(Object.hasOwn(r.custom_timers, '__proto__'), 'own property');
      assert.equal(JSON.stringify(r.custom_timers), '{"__proto__":0.25,"t":0.5}');
      assert.equal(Object.getPrototypeOf(r.custom_timers), Object.prototype, 'prototype untouched');
    }
  });

  void it('decoding never changes Object.prototype', () => {
    for (const text of [
      '{"__proto__": {"polluted": 1}}',
      result('custom_timers', '{"__proto__": {"polluted": 1}}'),
      result('custom_timers', '{"__proto__": "1"}'),
      status('capabilities', '["__proto__"]'),
      `{"turret_name":"t","uuid":"u","results":[${result('custom_timers', '{"__proto__":"2"}')}]}`,
    ]) {
      decodeTurretFrame(Buffer.from(text));
      decodeCommand(` {"command":"start","__proto__":{"polluted":1}}`);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

void describe('hostile command frames (spec 4.7)', () => {
  for (const [name, body] of [
    ['nested arrays, 100k', deepArray(100_000)],
    ['nested objects as msg', `{"command":"set_transaction_context","msg":${deepArray(100_000)}}`],
    ['a 10 MB string', JSON.stringify('x'.repeat(10 * MB))],
    ['10 MB, not JSON', '{' + 'x'.repeat(10 * MB)],
    ['200k keys', manyKeys(200_000)],
  ] as const) {
    void it(`${name}: rejected with one bounded line`, () => {
      const { d, ms } = decodeTimed(() => decodeCommand(` ${body}`));
      assert.equal(d.ok, false);
      if (d.ok) return;
      assert.ok(d.error.message.length <= MESSAGE_MAX, `message of ${d.error.message.length} chars`);
      assert.ok(ms < SLOW_MS, `${ms} ms`);
    });
  }
});

void describe('show(): bounded whatever the value', () => {
  /** An array nested `depth` deep, built without recursion. */
  const nested = (depth: number): unknown => {
    let v: unknown = [];
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  };

  void it('short values as JSON, as before', () => {
    assert.equal(show('abc'), '"abc"');
    assert.equal(show(-2), '-2');
    assert.equal(show(null), 'null');
    assert.equal(show([]), '[]');
    assert.equal(show({ a: [1, 'x', null, true], b: {} }), '{"a":[1,"x",null,true],"b":{}}');
    assert.equal(show(undefined), 'nothing');
    assert.equal(show('x'.repeat(100)), `"${'x'.repeat(76)}...`);
    assert.equal(show({ a: undefined, b: 1 }), '{"b":1}');
    assert.equal(show([undefined]), '[null]');
  });

  void it('deep, wide, cyclic, sparse and exotic values', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const sparse: unknown[] = [];
    sparse.length = 2 ** 32 - 1;
    const wide = Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i]));
    const throwing = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no');
        },
      },
    );
    for (const v of [
      nested(1_000_000),
      cyclic,
      sparse,
      wide,
      throwing,
      Symbol('s'),
      () => 1,
      10n ** 1000n,
      Number.NaN,
      'x'.repeat(10 * MB),
    ]) {
      const t = performance.now();
      const text = show(v);
      assert.ok(text.length <= 80, text);
      assert.ok(performance.now() - t < SLOW_MS);
    }
    assert.equal(show(nested(100)), '[[[[[[[[[[[[[[[[[...]]]]]]]]]]]]]]]]]');
    assert.equal(show(throwing), '(object)');
    assert.equal(show(Number.NEGATIVE_INFINITY), '-Infinity');
  });
});

/** A deterministic generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

void describe('seeded fuzz of the vectors', () => {
  void it('mutated vectors (flips, cuts, splices of deep nesting and long runs) never throw', () => {
    const rand = prng(15);
    const frames = loadVectors().map((v) =>
      v.frame_hex !== undefined ? Buffer.from(v.frame_hex, 'hex') : Buffer.from(v.frame ?? ''),
    );
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const inserts = [
      deepArray(20_000),
      deepObject(20_000),
      '"' + 'x'.repeat(100_000) + '"',
      '__proto__',
      '1e999',
    ];
    const deadline = Date.now() + 20_000;
    let n = 0;
    for (; n < 3000 && Date.now() < deadline; n++) {
      let f = Buffer.from(pick(frames));
      const at = Math.floor(rand() * (f.length + 1));
      const r = rand();
      if (r < 0.3 && f.length > 0) f[Math.min(at, f.length - 1)] = Math.floor(rand() * 256);
      else if (r < 0.5) f = f.subarray(0, at);
      else f = Buffer.concat([f.subarray(0, at), Buffer.from(pick(inserts)), f.subarray(at)]);
      const d = decodeTurretFrame(f);
      if (!d.ok) assert.ok(d.error.message.length <= MESSAGE_MAX, d.error.message.slice(0, 500));
      const c = decodeCommand(f);
      if (!c.ok) assert.ok(c.error.message.length <= MESSAGE_MAX, c.error.message.slice(0, 500));
    }
    assert.ok(n >= 100, `only ${n} frames within the deadline`);
  });
});
