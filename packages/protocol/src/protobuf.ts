/** The protobuf result-batch frame (spec 3.3, 8.5): tag byte 0x01, then a serialized ResultBatch. */
import protobuf from 'protobufjs';
import { PROTOBUF_BATCH_TAG } from './constants.js';
import { protoSource } from './generated/proto.js';
import type { ResultBatch, ResultMessage } from './generated/types.js';

interface ProtoType {
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
}

let resultBatchType: ProtoType | undefined;

/** The ResultBatch message type, parsed once from the generated proto text. */
function batchType(): ProtoType {
  resultBatchType ??= protobuf
    .parse(protoSource, { keepCase: true })
    .root.lookupType('oct.v1.ResultBatch') as unknown as ProtoType;
  return resultBatchType;
}

/** Encodes a batch (numbers, not numeric strings) as a tagged protobuf frame. */
export function encodeProtobufBatch(batch: ResultBatch): Uint8Array {
  const body = batchType().encode(batch).finish();
  const frame = new Uint8Array(body.length + 1);
  frame[0] = PROTOBUF_BATCH_TAG;
  frame.set(body, 1);
  return frame;
}

interface DecodedProtoResult {
  elapsed: number;
  epoch: number;
  scriptrun_time: number;
  error: string;
  custom_timers: Record<string, number>;
  turret_name?: string;
  uuid?: string;
  seq?: number | { toNumber(): number };
  setup_failed?: boolean;
}

/** Decodes a tagged protobuf frame into the JSON shape of a batch. Throws on malformed bytes. */
export function decodeProtobufBatch(frame: Uint8Array): ResultBatch {
  const raw = batchType().decode(frame.subarray(1)) as {
    turret_name: string;
    uuid: string;
    results: DecodedProtoResult[];
  };
  const results = raw.results.map((r) => {
    const out: ResultMessage = {
      elapsed: r.elapsed,
      epoch: r.epoch,
      scriptrun_time: r.scriptrun_time,
      error: r.error,
      custom_timers: { ...r.custom_timers },
    };
    // proto3 `optional` fields: present only when set.
    if (Object.hasOwn(r, 'turret_name')) out.turret_name = r.turret_name;
    if (Object.hasOwn(r, 'uuid')) out.uuid = r.uuid;
    if (Object.hasOwn(r, 'seq') && r.seq !== undefined)
      out.seq = typeof r.seq === 'number' ? r.seq : r.seq.toNumber();
    if (Object.hasOwn(r, 'setup_failed')) out.setup_failed = r.setup_failed === true;
    return out;
  });
  return { turret_name: raw.turret_name, uuid: raw.uuid, results: results as ResultBatch['results'] };
}
