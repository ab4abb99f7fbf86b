/**
 * Turret -> HQ frames (spec 3.2, 3.3): a UTF-8 JSON object, or a tagged protobuf result batch.
 * decodeTurretFrame is the HQ's hot path: parse, classify, validate, normalise; errors are values.
 */
import { PROTOBUF_BATCH_TAG } from './constants.js';
import { classify } from './classify.js';
import { fail, show, type Decoded } from './errors.js';
import { isPlainValidBatch, isPlainValidResult } from './fast-result.js';
import type { ResultBatch, ResultMessage, StatusMessage } from './generated/types.js';
import { normaliseResult, normaliseStatus, type Result, type TurretStatus } from './normalise.js';
import { decodeProtobufBatch, encodeProtobufBatch } from './protobuf.js';
import { validateResult, validateResultBatch, validateStatus } from './validate.js';

export type TurretMessage =
  | { kind: 'status'; status: TurretStatus }
  | { kind: 'result'; result: Result }
  | { kind: 'batch'; turret_name: string; uuid: string; results: Result[]; encoding: 'json' | 'protobuf' };

// Two decoders: the lenient one is markedly faster; the strict one only confirms frames that came out
// with a replacement character (invalid UTF-8, or a genuine U+FFFD).
const utf8 = new TextDecoder('utf-8');
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Encodes a status, result or JSON batch as a frame. */
export function encodeTurretMessage(message: StatusMessage | ResultMessage | ResultBatch): Uint8Array {
  return encoder.encode(JSON.stringify(message));
}

export { encodeProtobufBatch };

/** Decodes one frame from a turret. */
export function decodeTurretFrame(frame: Uint8Array | string): Decoded<TurretMessage> {
  if (frame.length === 0) return fail('empty', 'empty frame (spec 3.2)', { clause: '3.2' });
  if (typeof frame !== 'string' && frame[0] === PROTOBUF_BATCH_TAG) return decodeProtobuf(frame);
  let text: string;
  if (typeof frame === 'string') text = frame;
  else {
    text = utf8.decode(frame);
    if (text.includes('\uFFFD')) {
      try {
        utf8Strict.decode(frame);
      } catch {
        return fail('not_utf8', 'frame is not valid UTF-8 (spec 3.2)', { clause: '3.2' });
      }
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('not_json', `frame is not JSON (spec 3.2), got ${show(text)}`, {
      clause: '3.2',
      value: text.slice(0, 200),
    });
  }
  return decodeTurretValue(value);
}

/** Classifies, validates and normalises an already-parsed turret message. */
export function decodeTurretValue(value: unknown): Decoded<TurretMessage> {
  switch (classify(value)) {
    case 'result': {
      if (isPlainValidResult(value as Record<string, unknown>)) {
        return { ok: true, value: { kind: 'result', result: normaliseResult(value as ResultMessage) } };
      }
      const v = validateResult(value);
      return v.ok ? { ok: true, value: { kind: 'result', result: normaliseResult(v.value) } } : v;
    }
    case 'status': {
      const v = validateStatus(value);
      return v.ok ? { ok: true, value: { kind: 'status', status: normaliseStatus(v.value) } } : v;
    }
    case 'batch': {
      if (isPlainValidBatch(value as Record<string, unknown>)) {
        return { ok: true, value: batchMessage(value as ResultBatch, 'json') };
      }
      const v = validateResultBatch(value);
      return v.ok ? { ok: true, value: batchMessage(v.value, 'json') } : v;
    }
    default:
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return fail('not_object', `frame must be a JSON object (spec 3.2), got ${show(value)}`, {
          clause: '3.2',
          value,
        });
      }
      return fail(
        'unknown_kind',
        `message is neither a status (status + uuid), a result (scriptrun_time + elapsed) nor a batch (results) (spec 5.5), got ${show(value)}`,
        { clause: '5.5', value },
      );
  }
}

function decodeProtobuf(frame: Uint8Array): Decoded<TurretMessage> {
  let batch: ResultBatch;
  try {
    batch = decodeProtobufBatch(frame);
  } catch (e) {
    return fail('bad_protobuf', `protobuf batch frame does not decode (spec 3.3): ${(e as Error).message}`, {
      clause: '3.3',
    });
  }
  if (isPlainValidBatch(batch as unknown as Record<string, unknown>)) {
    return { ok: true, value: batchMessage(batch, 'protobuf') };
  }
  const v = validateResultBatch(batch);
  return v.ok ? { ok: true, value: batchMessage(v.value, 'protobuf') } : v;
}

function batchMessage(b: ResultBatch, encoding: 'json' | 'protobuf'): TurretMessage {
  return {
    kind: 'batch',
    turret_name: b.turret_name,
    uuid: b.uuid,
    results: b.results.map((r) => normaliseResult(r, b.turret_name, b.uuid)),
    encoding,
  };
}
