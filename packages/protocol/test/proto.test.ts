// spec/oct.proto against the schemas it is generated from, and the protobuf batch frame (spec 3.3, 8.5).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import {
  decodeProtobufBatch,
  decodeTurretFrame,
  encodeProtobufBatch,
  encodeTurretMessage,
  PROTOBUF_BATCH_TAG,
  protoSource,
  type ResultBatch,
} from '../src/index.js';
import { loadRawSchemas, repoRoot, specDir } from './helpers.js';

interface RawSchema {
  'x-proto-message'?: string;
  properties?: Record<string, { 'x-proto'?: number }>;
  examples?: unknown[];
}

const protoPath = join(specDir, 'oct.proto');
/** protobufjs with wire names kept as written (snake_case), as the package itself parses the proto. */
const loadProto = () => new protobuf.Root().load(protoPath, { keepCase: true });

void describe('spec/oct.proto', () => {
  void it('loads with protobufjs and is the text the package ships and embeds', async () => {
    const root = await loadProto();
    assert.ok(root.lookupType('oct.v1.ResultBatch'));
    assert.ok(root.lookupType('oct.v1.Result'));
    const text = readFileSync(protoPath, 'utf8');
    assert.equal(readFileSync(join(repoRoot, 'packages', 'protocol', 'oct.proto'), 'utf8'), text);
    assert.equal(protoSource, text);
  });

  void it('has, for every schema property with x-proto, a same-named field with that number', async () => {
    const root = await loadProto();
    let checked = 0;
    for (const [name, schema] of loadRawSchemas() as Map<string, RawSchema>) {
      const message = schema['x-proto-message'];
      if (!message) continue;
      const type = root.lookupType(`oct.v1.${message}`);
      for (const [key, prop] of Object.entries(schema.properties ?? {})) {
        if (prop['x-proto'] === undefined) continue;
        const field = type.fields[key];
        assert.ok(field, `${name}.${key}: no field ${key} in ${message}`);
        assert.equal(field.id, prop['x-proto'], `${name}.${key}: field number`);
        checked++;
      }
      // And nothing in the message that the schema does not declare.
      const declared = Object.entries(schema.properties ?? {}).filter(([, p]) => p['x-proto'] !== undefined);
      assert.equal(Object.keys(type.fields).length, declared.length, `${message} has undeclared fields`);
    }
    assert.ok(checked >= 11, `only ${checked} x-proto fields checked`);
  });
});

void describe('protobuf batch frame', () => {
  const example = (loadRawSchemas().get('result-batch') as RawSchema).examples![0] as ResultBatch;

  void it('starts with the tag byte 0x01, which never starts JSON (spec 3.3)', () => {
    const frame = encodeProtobufBatch(example);
    assert.equal(frame[0], PROTOBUF_BATCH_TAG);
    assert.throws(() => JSON.parse(new TextDecoder().decode(frame)));
    assert.equal(encodeTurretMessage(example)[0], '{'.charCodeAt(0));
  });

  void it('round-trips JSON -> proto -> JSON unchanged', () => {
    const json = JSON.parse(JSON.stringify(example)) as ResultBatch;
    assert.deepEqual(decodeProtobufBatch(encodeProtobufBatch(json)), json);
    const withNames: ResultBatch = {
      ...json,
      results: [
        {
          ...json.results[0]!,
          turret_name: 'navigation',
          uuid: json.uuid,
          custom_timers: { a: 0.5, b: 1.25 },
        },
      ],
    };
    assert.deepEqual(decodeProtobufBatch(encodeProtobufBatch(withNames)), withNames);
  });

  void it('decodes bytes written by an independent protobufjs from spec/oct.proto', async () => {
    const type = (await loadProto()).lookupType('oct.v1.ResultBatch');
    const body = type.encode(type.fromObject(example)).finish();
    const frame = new Uint8Array([PROTOBUF_BATCH_TAG, ...body]);
    assert.deepEqual(decodeProtobufBatch(frame), example);
  });

  void it('decodes to the same canonical batch as the JSON frame, apart from the encoding', () => {
    const viaProto = decodeTurretFrame(encodeProtobufBatch(example));
    const viaJson = decodeTurretFrame(encodeTurretMessage(example));
    assert.ok(viaProto.ok && viaJson.ok);
    assert.equal(viaProto.value.kind, 'batch');
    assert.deepEqual({ ...viaProto.value, encoding: 'json' }, viaJson.value);
  });
});
