// Every file in spec/vectors is decoded through the package (valid ones to the expected kind and
// canonical fields, invalid ones to the expected error code, path and clause) and checked against
// the raw JSON Schemas with a fresh ajv, so that the schemas and the code cannot disagree.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import {
  decodeCommand,
  decodeProtobufBatch,
  decodeTurretFrame,
  PROTOBUF_BATCH_TAG,
  type Decoded,
} from '../src/index.js';
import { frameBytes, loadRawSchemas, loadVectors, type Vector } from './helpers.js';

const vectors = loadVectors();

const ajv = new Ajv2020.default({ strict: false, allErrors: true });
for (const schema of loadRawSchemas().values()) ajv.addSchema(schema);
const schemaFor = (name: string) => {
  const fn = ajv.getSchema(`https://schemas.oct.dev/1/${name}.schema.json`);
  assert.ok(fn, `schema ${name} is loaded`);
  return fn;
};
const commandSchemas: Record<string, string> = {
  status_request: 'command-status-request',
  start: 'command-start',
  stop: 'command-stop',
  kill: 'command-kill',
  set_transaction_context: 'command-set-transaction-context',
};
const kindSchemas: Record<string, string> = { status: 'status', result: 'result', batch: 'result-batch' };

/** The raw JSON value the frame carries, as the schemas see it (protobuf batches in their JSON shape). */
function rawValue(v: Vector): unknown {
  const bytes = frameBytes(v);
  if (v.direction === 'turret->hq') {
    return bytes[0] === PROTOBUF_BATCH_TAG ? decodeProtobufBatch(bytes) : JSON.parse(bytes.toString('utf8'));
  }
  const text = bytes.toString('utf8');
  return JSON.parse(text.slice(text.indexOf(' ') + 1));
}

function decode(v: Vector, asString = false): Decoded<unknown> {
  const input = asString && v.frame !== undefined ? v.frame : frameBytes(v);
  return v.direction === 'turret->hq' ? decodeTurretFrame(input) : decodeCommand(input);
}

/** The canonical fields a valid vector's `expect` is compared with. */
function canonical(v: Vector, decoded: unknown): Record<string, unknown> {
  if (v.direction === 'hq->turret') {
    const c = decoded as { topic: string; command: { command: string; msg?: unknown }; known: boolean };
    const out: Record<string, unknown> = {
      kind: 'command',
      topic: c.topic,
      command: c.command.command,
      known: c.known,
    };
    if ('msg' in c.command) out.msg = c.command.msg;
    return out;
  }
  const m = decoded as { kind: string; status?: object; result?: object };
  if (m.kind === 'status') return { kind: 'status', ...m.status };
  if (m.kind === 'result') return { kind: 'result', ...m.result };
  return { ...m };
}

void describe('spec/vectors', () => {
  void it('has at least 45 vectors, well formed', () => {
    assert.ok(vectors.length >= 45, `only ${vectors.length} vectors`);
    for (const v of vectors) {
      assert.equal(typeof v.description, 'string', `${v.id}: description`);
      assert.ok(v.direction === 'turret->hq' || v.direction === 'hq->turret', `${v.id}: direction`);
      assert.ok(
        (v.frame === undefined) !== (v.frame_hex === undefined),
        `${v.id}: exactly one of frame / frame_hex`,
      );
      if (v.valid) assert.equal(typeof v.expect.kind, 'string', `${v.id}: expect.kind`);
      else assert.equal(typeof v.expect.error?.code, 'string', `${v.id}: expect.error.code`);
    }
  });

  void it('covers both directions, every message kind and every error code', () => {
    const kinds = new Set(vectors.filter((v) => v.valid).map((v) => v.expect.kind));
    assert.deepEqual([...kinds].sort(), ['batch', 'command', 'result', 'status']);
    const codes = new Set(vectors.filter((v) => !v.valid).map((v) => v.expect.error?.code));
    for (const code of [
      'empty',
      'not_utf8',
      'not_json',
      'not_object',
      'unknown_kind',
      'invalid',
      'bad_protobuf',
      'bad_command_frame',
    ]) {
      assert.ok(codes.has(code), `no invalid vector with code ${code}`);
    }
  });

  for (const v of vectors.filter((x) => x.valid)) {
    void it(`${v.id}: ${v.description}`, () => {
      const got = decode(v);
      assert.ok(got.ok, `${v.id} should decode, got ${got.ok ? '' : got.error.message}`);
      assert.deepEqual(canonical(v, got.value), v.expect);
      if (v.frame !== undefined)
        assert.deepEqual(decode(v, true), got, 'a string frame decodes like its bytes');

      // The raw schemas accept what the code accepts.
      const raw = rawValue(v);
      const name = v.direction === 'turret->hq' ? kindSchemas[v.expect.kind as string]! : 'command';
      const validate = schemaFor(name);
      assert.ok(validate(raw), `${v.id} against ${name}.schema.json: ${ajv.errorsText(validate.errors)}`);
      const specific = v.direction === 'hq->turret' ? commandSchemas[v.expect.command as string] : undefined;
      if (specific) {
        const fn = schemaFor(specific);
        assert.ok(fn(raw), `${v.id} against ${specific}.schema.json: ${ajv.errorsText(fn.errors)}`);
      }
    });
  }

  for (const v of vectors.filter((x) => !x.valid)) {
    void it(`${v.id}: ${v.description}`, () => {
      const got = decode(v);
      assert.equal(got.ok, false, `${v.id} should be rejected`);
      if (got.ok) return;
      const want = v.expect.error!;
      assert.equal(got.error.code, want.code, got.error.message);
      assert.equal(got.error.clause, want.clause, got.error.message);
      assert.equal(got.error.path, want.path, got.error.message);
      // The one-line message names the clause and, when there is one, the field.
      assert.match(got.error.message, new RegExp(`\\(spec ${want.clause.replace(/\./g, '\\.')}\\)`));
      if (want.path) assert.ok(got.error.message.startsWith(want.path + ' '), got.error.message);
      assert.ok(!got.error.message.includes('\n'), 'one line');
      if (v.frame !== undefined)
        assert.deepEqual(decode(v, true), got, 'a string frame decodes like its bytes');

      // Where the code says a well-formed JSON object breaks a schema, the raw schema says so too.
      if (want.code === 'invalid' || want.code === 'unknown_kind') {
        const raw = rawValue(v);
        const names =
          v.direction === 'hq->turret'
            ? ['command', commandSchemas[(raw as { command?: string }).command ?? ''] ?? 'command']
            : want.code === 'invalid'
              ? [{ status: 'status', result: 'result', batch: 'result-batch' }[want.path!.split('.')[0]!]!]
              : ['status', 'result', 'result-batch'];
        const rejectedBy = names.filter((n) => !schemaFor(n)(raw));
        if (want.code === 'unknown_kind')
          assert.equal(rejectedBy.length, names.length, `${v.id}: no schema may accept it`);
        else assert.ok(rejectedBy.length > 0, `${v.id}: the raw schemas accept it`);
      }
    });
  }
});
