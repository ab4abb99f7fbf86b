/**
 * Hostile frames a turret (or anything that can reach the PULL socket) may send: deep nesting, huge
 * strings, keys and numbers, invalid UTF-8, `__proto__` keys, deep protobuf groups. Each is invalid
 * and must be rejected with the code given, kept in the reject table, and must not stop the receive
 * path (issue 15). Shared by test/hostile.test.ts, test/fuzz.test.ts and bench/hq/fuzz.ts.
 */

export interface HostileFrame {
  /** Short name of the shape, as the bench prints it. */
  shape: string;
  frame: Buffer;
  /** The reject code the HQ must store. */
  code: string;
}

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
/** A result whose one field is replaced by raw JSON text `json`. */
const resultWith = (field: string, json: string): string => {
  const fields: Record<string, string> = {
    turret_name: '"hostile"',
    uuid: '"hostile-uuid"',
    elapsed: '1',
    epoch: '1700000000',
    scriptrun_time: '0.1',
    error: '""',
    custom_timers: '{}',
  };
  fields[field] = json;
  return rawObject(fields);
};
/** A status (of a turret that does not exist) whose one field is replaced by raw JSON text `json`. */
const statusWith = (field: string, json: string): string => {
  const fields: Record<string, string> = {
    turret: '"hostile"',
    status: '"ready"',
    uuid: '"hostile-status-uuid"',
    rampup: '0',
    script: '"v_user.js"',
    canons: '1',
  };
  fields[field] = json;
  return rawObject(fields);
};

/**
 * Every hostile shape once. `scale` (0..1] shrinks the largest ones for quick runs; at 1 they are
 * the sizes of issue 15 (100k-deep nesting, a 10 MB string, 200k keys).
 */
export function hostileFrames(scale = 1): HostileFrame[] {
  const depth = Math.max(20_000, Math.round(100_000 * scale));
  const keys = Math.max(20_000, Math.round(200_000 * scale));
  const big = Math.max(1, Math.round(10 * scale)) * MB;
  const f = (shape: string, code: string, text: string | Buffer): HostileFrame => ({
    shape,
    code,
    frame: typeof text === 'string' ? Buffer.from(text) : text,
  });
  return [
    // The tester's frame (issue 15): 20 KB, decoded on the receive thread.
    f('nested-arrays-10k', 'not_object', deepArray(10_000)),
    // Under 1 KiB: decoded on the ingest thread.
    f('nested-arrays-small', 'not_object', deepArray(500)),
    f('nested-arrays', 'not_object', deepArray(depth)),
    f('nested-objects', 'unknown_kind', deepObject(depth)),
    f('nested-in-unknown', 'unknown_kind', `{"hello":${deepArray(depth)}}`),
    f('nested-in-status', 'invalid', statusWith('canons', deepArray(depth))),
    f('nested-in-result', 'invalid', resultWith('custom_timers', deepObject(depth))),
    f('nested-in-batch', 'invalid', `{"turret_name":"h","uuid":"h","results":[${deepArray(depth)}]}`),
    f('nested-proto', 'unknown_kind', `{"__proto__":${deepArray(depth)}}`),
    f('long-string', 'not_object', JSON.stringify('x'.repeat(big))),
    f('long-string-field', 'invalid', resultWith('scriptrun_time', JSON.stringify('9'.repeat(big) + 'x'))),
    f('long-key', 'invalid', resultWith('custom_timers', `{${JSON.stringify('k'.repeat(big))}:"fast"}`)),
    f('long-not-json', 'not_json', '{"elapsed": "' + 'x'.repeat(big)),
    f('many-keys', 'unknown_kind', manyKeys(keys)),
    f('many-keys-in-result', 'invalid', resultWith('custom_timers', manyKeys(keys, '[[1]]'))),
    f(
      'invalid-utf8',
      'not_utf8',
      Buffer.concat([Buffer.from('{"error":"'), Buffer.alloc(2048, 0xc3), Buffer.from('"}')]),
    ),
    f('invalid-utf8-small', 'not_utf8', Buffer.from([0x7b, 0xc3, 0x28, 0x7d])),
    f('huge-number', 'not_object', '9'.repeat(big)),
    f('huge-number-field', 'invalid', resultWith('elapsed', '1' + '0'.repeat(100_000))),
    f('proto-key', 'unknown_kind', `{"__proto__":${statusWith('status', '"ready"')}}`),
    f('proto-key-in-status', 'invalid', statusWith('canons', '{"__proto__":1}')),
    f('deep-protobuf-groups', 'bad_protobuf', Buffer.concat([Buffer.from([1]), Buffer.alloc(200_000, 0x7b)])),
  ];
}

/** A valid single result from a turret that is not running (`i` numbers it). */
/**
 * The status that announces the sender of validResult (spec 7.3: results of a turret no status
 * announced are kept aside). `initialized`, so that it never counts as a ready turret.
 */
export function announcement(turretName = 'fuzzer', uuid = 'fuzz-uuid'): string {
  return JSON.stringify({
    turret: turretName,
    status: 'initialized',
    uuid,
    rampup: 0,
    script: 'x.js',
    canons: 1,
  });
}

export function validResult(i: number, turretName = 'fuzzer', uuid = 'fuzz-uuid'): string {
  return JSON.stringify({
    turret_name: turretName,
    uuid,
    elapsed: i / 10,
    epoch: 1_700_000_000 + i,
    scriptrun_time: 0.01,
    error: i % 7 === 0 ? 'status: boom' : '',
    custom_timers: { t: 0.001 },
  });
}
