// The hot-path shortcuts for results and batches (src/fast-result.ts) must accept only what
// result.schema.json and result-batch.schema.json accept: checked against the raw schemas on every
// vector and on generated variants of each field.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { isPlainValidBatch, isPlainValidResult } from '../src/fast-result.js';
import { loadRawSchemas, loadVectors } from './helpers.js';

// strictNumbers as the generated validators (their strict mode implies it): no Infinity, no NaN.
const ajv = new Ajv2020.default({ strict: false, strictNumbers: true });
for (const schema of loadRawSchemas().values()) ajv.addSchema(schema);
const schemaAccepts = ajv.getSchema('https://schemas.oct.dev/1/result.schema.json')!;
const batchSchemaAccepts = ajv.getSchema('https://schemas.oct.dev/1/result-batch.schema.json')!;

const base = {
  elapsed: 1.5,
  epoch: 1763900000.25,
  scriptrun_time: 0.02,
  error: '',
  custom_timers: { a: 0.1 },
};
const pools: Record<string, unknown[]> = {
  elapsed: [0, -0, 2, -1, '1', 'abc', null, true, [], {}, Number.NaN, Infinity, -Infinity, undefined],
  epoch: [0, 1479000000, -5, '1479000000', null, Infinity, undefined],
  scriptrun_time: [0, 0.5, -0.5, '0.5', 'abc', null, [1], undefined],
  error: ['', 'boom', null, 0, [], undefined],
  custom_timers: [
    {},
    { a: 1 },
    { a: -1 },
    { a: '1' },
    { a: null },
    { a: 1, b: 'x' },
    { a: Number.NaN },
    { a: Infinity },
    [],
    [1],
    null,
    'x',
    undefined,
  ],
  turret_name: ['navigation', '', 1, null, [], undefined],
  uuid: ['u', '', 2, null, undefined],
  seq: [0, 7, -1, 1.5, '1', null, undefined],
  extra: ['anything', null, undefined],
};

/** `value` with `field` set to `v`, or without it when `v` is undefined. */
function withField(value: Record<string, unknown>, field: string, v: unknown): Record<string, unknown> {
  const out = { ...value };
  if (v === undefined) delete out[field];
  else out[field] = v;
  return out;
}

/** Every turret->hq vector frame that parses to a JSON object. */
function vectorObjects(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const vec of loadVectors()) {
    if (vec.direction !== 'turret->hq' || vec.frame === undefined) continue;
    let value: unknown;
    try {
      value = JSON.parse(vec.frame);
    } catch {
      continue;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      out.push(value as Record<string, unknown>);
  }
  return out;
}

/** A checker that fails when `fast` accepts what `schema` refuses, counting what it saw and took. */
function agreement(
  fast: (v: Record<string, unknown>) => boolean,
  schema: (v: unknown) => boolean,
  what: string,
): { check: (v: Record<string, unknown>) => void; seen: { checked: number; accepted: number } } {
  const seen = { checked: 0, accepted: 0 };
  const check = (value: Record<string, unknown>): void => {
    seen.checked++;
    if (fast(value)) {
      seen.accepted++;
      assert.ok(schema(value), `fast path accepted an invalid ${what}: ${JSON.stringify(value)}`);
    }
  };
  return { check, seen };
}

void it('accepts only results the schema accepts, and takes the common case', () => {
  const { check, seen } = agreement(isPlainValidResult, schemaAccepts, 'result');
  for (const [field, pool] of Object.entries(pools)) {
    for (const v of pool) {
      const value = withField(base, field, v);
      check(value);
      // and paired with every other field's variants, to catch interactions
      for (const [other, otherPool] of Object.entries(pools)) {
        if (other === field) continue;
        for (const w of otherPool) check(withField(value, other, w));
      }
    }
  }
  for (const value of vectorObjects()) check(value);
  assert.ok(seen.checked > 1000, `only ${seen.checked} cases`);
  assert.ok(seen.accepted > 100, `the fast path accepted only ${seen.accepted} cases: it is not exercised`);
  assert.ok(isPlainValidResult(base));
});

void it('accepts only batches the schema accepts, and takes the common case', () => {
  const { check, seen } = agreement(isPlainValidBatch, batchSchemaAccepts, 'batch');
  // Every single-field variant of a result, alone and after a valid result, in a valid envelope.
  const variants = Object.entries(pools).flatMap(([field, pool]) =>
    pool.map((v) => withField(base, field, v)),
  );
  const resultLists: unknown[] = [
    ...variants.map((r) => [r]),
    ...variants.map((r) => [base, r]),
    [],
    [null],
    [1],
    ['x'],
    [[base]],
    'x',
    null,
    { 0: base },
    undefined,
  ];
  const envelopes: Record<string, unknown[]> = {
    turret_name: ['t', '', 1, null, undefined],
    uuid: ['u', '', 2, null, undefined],
    extra: ['anything', undefined],
  };
  for (const results of resultLists) {
    const batch = withField({ turret_name: 't', uuid: 'u' }, 'results', results);
    for (const [field, pool] of Object.entries(envelopes)) {
      for (const v of pool) check(withField(batch, field, v));
    }
  }
  for (const value of vectorObjects()) check(value);
  assert.ok(seen.checked > 1000, `only ${seen.checked} cases`);
  assert.ok(seen.accepted > 50, `the fast path accepted only ${seen.accepted} batches: it is not exercised`);
  assert.ok(isPlainValidBatch({ turret_name: 't', uuid: 'u', results: [base, base] }));
});
