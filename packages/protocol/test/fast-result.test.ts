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

void it('accepts only results the schema accepts, and takes the common case', () => {
  let accepted = 0;
  let checked = 0;
  const check = (value: Record<string, unknown>) => {
    checked++;
    if (isPlainValidResult(value)) {
      accepted++;
      assert.ok(schemaAccepts(value), `fast path accepted an invalid result: ${JSON.stringify(value)}`);
    }
  };
  for (const [field, pool] of Object.entries(pools)) {
    for (const v of pool) {
      const value: Record<string, unknown> = { ...base };
      if (v === undefined) delete value[field];
      else value[field] = v;
      check(value);
      // and paired with every other field's variants, to catch interactions
      for (const [other, otherPool] of Object.entries(pools)) {
        if (other === field) continue;
        for (const w of otherPool) {
          const pair = { ...value };
          if (w === undefined) delete pair[other];
          else pair[other] = w;
          check(pair);
        }
      }
    }
  }
  for (const vec of loadVectors()) {
    if (vec.direction !== 'turret->hq' || vec.frame === undefined) continue;
    let value: unknown;
    try {
      value = JSON.parse(vec.frame);
    } catch {
      continue;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      check(value as Record<string, unknown>);
  }
  assert.ok(checked > 1000, `only ${checked} cases`);
  assert.ok(accepted > 100, `the fast path accepted only ${accepted} cases: it is not exercised`);
  assert.ok(isPlainValidResult(base));
});

void it('accepts only batches the schema accepts, and takes the common case', () => {
  let accepted = 0;
  let checked = 0;
  const check = (value: Record<string, unknown>) => {
    checked++;
    if (isPlainValidBatch(value)) {
      accepted++;
      assert.ok(batchSchemaAccepts(value), `fast path accepted an invalid batch: ${JSON.stringify(value)}`);
    }
  };
  // Every single-field variant of a result, alone and after a valid result, in a valid envelope.
  const variants: unknown[] = [];
  for (const [field, pool] of Object.entries(pools)) {
    for (const v of pool) {
      const value: Record<string, unknown> = { ...base };
      if (v === undefined) delete value[field];
      else value[field] = v;
      variants.push(value);
    }
  }
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
    for (const [field, pool] of Object.entries(envelopes)) {
      for (const v of pool) {
        const batch: Record<string, unknown> = { turret_name: 't', uuid: 'u', results };
        if (results === undefined) delete batch.results;
        if (v === undefined) delete batch[field];
        else batch[field] = v;
        check(batch);
      }
    }
  }
  for (const vec of loadVectors()) {
    if (vec.direction !== 'turret->hq' || vec.frame === undefined) continue;
    let value: unknown;
    try {
      value = JSON.parse(vec.frame);
    } catch {
      continue;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      check(value as Record<string, unknown>);
  }
  assert.ok(checked > 1000, `only ${checked} cases`);
  assert.ok(accepted > 50, `the fast path accepted only ${accepted} batches: it is not exercised`);
  assert.ok(isPlainValidBatch({ turret_name: 't', uuid: 'u', results: [base, base] }));
});
