/**
 * Results decoded on the receive thread travel to the ingest thread as columns: the four numbers
 * of each row in one Float64Array (transferred, not copied) and its four texts in one array, with
 * `custom_timers` already serialised as it is stored. Objects would be cloned field by field.
 */
import type { Result } from '@oct/protocol';

/** Numbers per row: elapsed, epoch, scriptrun_time, seq (NaN for null). */
export const NUMS = 4;
/** Texts per row: turret_name, uuid, error, custom_timers (JSON). */
export const TEXTS = 4;

/** Rows ready to store, as handed to the ingest thread. */
export interface PackedResults {
  nums: Float64Array<ArrayBuffer>;
  texts: (string | null)[];
}

/** Number of rows in a pack. */
export const packedLength = (p: PackedResults): number => p.nums.length / NUMS;

/** Builds packs of results. */
export class ResultPacker {
  private nums: Float64Array<ArrayBuffer>;
  private texts: (string | null)[] = [];
  /** Rows in the pack being built. */
  length = 0;

  constructor(private readonly capacity = 4096) {
    this.nums = new Float64Array(capacity * NUMS);
  }

  add(r: Result): void {
    if (this.length === this.nums.length / NUMS) this.grow();
    let n = this.length * NUMS;
    this.nums[n++] = r.elapsed;
    this.nums[n++] = r.epoch;
    this.nums[n++] = r.scriptrun_time;
    this.nums[n] = r.seq ?? NaN;
    this.texts.push(r.turret_name, r.uuid, r.error, JSON.stringify(r.custom_timers));
    this.length++;
  }

  /** The finished pack, or null when empty; the next one starts afresh. */
  take(): PackedResults | null {
    if (this.length === 0) return null;
    const pack = { nums: this.nums.slice(0, this.length * NUMS), texts: this.texts };
    this.texts = [];
    this.length = 0;
    if (this.nums.length > this.capacity * NUMS) this.nums = new Float64Array(this.capacity * NUMS);
    return pack;
  }

  private grow(): void {
    const next = new Float64Array(this.nums.length * 2);
    next.set(this.nums);
    this.nums = next;
  }
}

/** Row `i` of a pack as a Result (for re-publishing; storing reads the columns directly). */
export function unpackResult(p: PackedResults, i: number): Result {
  const n = i * NUMS;
  const t = i * TEXTS;
  const seq = p.nums[n + 3]!;
  return {
    turret_name: p.texts[t] ?? null,
    uuid: p.texts[t + 1] ?? null,
    elapsed: p.nums[n]!,
    epoch: p.nums[n + 1]!,
    scriptrun_time: p.nums[n + 2]!,
    error: p.texts[t + 2] ?? '',
    custom_timers: JSON.parse(p.texts[t + 3] ?? '{}') as Record<string, number>,
    seq: Number.isNaN(seq) ? null : seq,
  };
}
