/**
 * Results decoded on the receive thread travel to the ingest thread as columns, in a form that
 * crosses threads in a few copies instead of one per field: the four numbers of each row in one
 * Float64Array and where each row's texts end in one Uint32Array (both transferred, not copied), every
 * row's `error` and `custom_timers` (already serialised as stored) back to back in one string, and the
 * turret once per run of rows from it rather than once per row. Cloning four strings per row, a uuid
 * among them, cost more than storing the row (bench/hq).
 */
import type { Result } from '@oct/protocol';
import { timersJson } from './timers-json.js';

/** Numbers per row: elapsed, epoch, scriptrun_time, seq (NaN for null). */
export const NUMS = 4;

/**
 * A pack is sent or stored once its text reaches this many characters, so that joining it stays far
 * below V8's longest string (2^29 - 24 characters) whatever the size of the results.
 */
export const PACK_TEXT_LIMIT = 1 << 24;

/** Rows ready to store, as handed to the ingest thread. */
export interface PackedResults {
  nums: Float64Array<ArrayBuffer>;
  /** Per row, where its error ends in `text`, then where its custom_timers JSON ends. */
  ends: Uint32Array<ArrayBuffer>;
  /** Every row's error and custom_timers JSON, back to back. */
  text: string;
  /** Runs of rows from one turret, in order: turret_name, uuid, and the row after the run's last. */
  turrets: TurretRun[];
  /** The rows that report a failed setup (spec 5.3.2), ascending; absent when none. */
  setupFailed?: number[];
}

/** Consecutive rows with the same turret_name and uuid (null for unattributed legacy rows). */
export type TurretRun = [turretName: string | null, uuid: string | null, end: number];

/** Number of rows in a pack. */
export const packedLength = (p: PackedResults): number => p.nums.length / NUMS;

/** Builds packs of results. */
export class ResultPacker {
  private nums: Float64Array<ArrayBuffer>;
  private ends: Uint32Array<ArrayBuffer>;
  private texts: string[] = [];
  private textLength = 0;
  private turrets: TurretRun[] = [];
  private setupFailed: number[] | undefined;
  /** Rows in the pack being built. */
  length = 0;

  constructor(private readonly capacity = 4096) {
    this.nums = new Float64Array(capacity * NUMS);
    this.ends = new Uint32Array(capacity * 2);
  }

  /** The pack being built has reached PACK_TEXT_LIMIT: take it before adding more. */
  get textFull(): boolean {
    return this.textLength >= PACK_TEXT_LIMIT;
  }

  add(r: Result): void {
    if (this.length * NUMS === this.nums.length) this.grow();
    const row = this.length;
    let n = row * NUMS;
    this.nums[n++] = r.elapsed;
    this.nums[n++] = r.epoch;
    this.nums[n++] = r.scriptrun_time;
    this.nums[n] = r.seq ?? NaN;
    const timers = timersJson(r.custom_timers);
    this.texts.push(r.error, timers);
    this.ends[row * 2] = this.textLength += r.error.length;
    this.ends[row * 2 + 1] = this.textLength += timers.length;
    if (r.setup_failed === true) (this.setupFailed ??= []).push(row);
    const last = this.turrets[this.turrets.length - 1];
    if (last && last[0] === r.turret_name && last[1] === r.uuid) last[2] = row + 1;
    else this.turrets.push([r.turret_name, r.uuid, row + 1]);
    this.length++;
  }

  /** The finished pack, or null when empty; the next one starts afresh. */
  take(): PackedResults | null {
    if (this.length === 0) return null;
    const pack: PackedResults = {
      nums: this.nums.slice(0, this.length * NUMS),
      ends: this.ends.slice(0, this.length * 2),
      text: this.texts.join(''),
      turrets: this.turrets,
    };
    if (this.setupFailed) pack.setupFailed = this.setupFailed;
    this.setupFailed = undefined;
    this.texts = [];
    this.textLength = 0;
    this.turrets = [];
    this.length = 0;
    if (this.nums.length > this.capacity * NUMS) {
      this.nums = new Float64Array(this.capacity * NUMS);
      this.ends = new Uint32Array(this.capacity * 2);
    }
    return pack;
  }

  private grow(): void {
    const nums = new Float64Array(this.nums.length * 2);
    nums.set(this.nums);
    this.nums = nums;
    const ends = new Uint32Array(this.ends.length * 2);
    ends.set(this.ends);
    this.ends = ends;
  }
}

/** Row `i`'s error and custom_timers JSON. */
function packedTexts(p: PackedResults, i: number): [error: string, customTimers: string] {
  const start = i === 0 ? 0 : p.ends[i * 2 - 1]!;
  const errorEnd = p.ends[i * 2]!;
  return [p.text.slice(start, errorEnd), p.text.slice(errorEnd, p.ends[i * 2 + 1])];
}

/** The rows of a pack as Results (for re-publishing; storing reads the columns directly). */
export function unpackResults(p: PackedResults): Result[] {
  const results: Result[] = [];
  const failed = new Set(p.setupFailed);
  let i = 0;
  for (const [turretName, uuid, end] of p.turrets) {
    for (; i < end; i++) {
      const n = i * NUMS;
      const seq = p.nums[n + 3]!;
      const [error, timers] = packedTexts(p, i);
      const r: Result = {
        turret_name: turretName,
        uuid,
        elapsed: p.nums[n]!,
        epoch: p.nums[n + 1]!,
        scriptrun_time: p.nums[n + 2]!,
        error,
        custom_timers: JSON.parse(timers) as Record<string, number>,
        seq: Number.isNaN(seq) ? null : seq,
      };
      if (failed.has(i)) r.setup_failed = true;
      results.push(r);
    }
  }
  return results;
}
