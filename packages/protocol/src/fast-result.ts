/**
 * A fast acceptance test for the commonest frame, a result whose numbers are numbers. It accepts a
 * strict subset of what result.schema.json accepts (spec 5.3): whatever it does not accept, the
 * generated validator decides, so it can never let through an invalid result nor reject a valid one.
 * Why: validation is a large share of the HQ's per-message cost (bench/protocol). A test checks that
 * it agrees with the schema on every vector and on many generated variants. isPlainValidBatch does the
 * same for batches (result-batch.schema.json), JSON or protobuf.
 */
import type { ResultMessage } from './generated/types.js';

// Finite: JSON has no Infinity or NaN, but protobuf doubles do, and the schema's numbers are finite.
const isSeconds = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v !== Infinity;

/** True only when `o` (already classified as a result) is certainly valid against result.schema.json. */
export function isPlainValidResult(o: Record<string, unknown>): o is ResultMessage & Record<string, unknown> {
  if (!isSeconds(o.elapsed) || !isSeconds(o.epoch) || !isSeconds(o.scriptrun_time)) return false;
  if (typeof o.error !== 'string') return false;
  const timers = o.custom_timers;
  if (timers === null || typeof timers !== 'object' || Array.isArray(timers)) return false;
  for (const key in timers) if (!isSeconds((timers as Record<string, unknown>)[key])) return false;
  const { turret_name: name, uuid, seq } = o;
  if (name !== undefined && (typeof name !== 'string' || name.length === 0)) return false;
  if (uuid !== undefined && (typeof uuid !== 'string' || uuid.length === 0)) return false;
  if (seq !== undefined && !(Number.isInteger(seq) && (seq as number) >= 0)) return false;
  if (o.setup_failed !== undefined && typeof o.setup_failed !== 'boolean') return false;
  return true;
}

/** True only when `o` is certainly valid against result-batch.schema.json (spec 8.4). */
export function isPlainValidBatch(o: Record<string, unknown>): boolean {
  const { turret_name: name, uuid, results } = o;
  if (typeof name !== 'string' || name.length === 0 || typeof uuid !== 'string' || uuid.length === 0)
    return false;
  if (!Array.isArray(results) || results.length === 0) return false;
  for (const r of results as unknown[]) {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) return false;
    if (!isPlainValidResult(r as Record<string, unknown>)) return false;
  }
  return true;
}
