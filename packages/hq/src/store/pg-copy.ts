/**
 * Packed results as COPY's binary format (PGCOPY): numbers go as their 8 bytes, so neither the HQ
 * formats them nor PostgreSQL parses them (the text format cost about 0.75 µs a row to write here,
 * mostly number formatting, and as much again to parse there: bench/hq/pg-ingest.ts). Texts are
 * UTF-8; NUL, which PostgreSQL text cannot hold, is kept as the two characters `\0`.
 */
import { NUMS, packedLength, type PackedResults } from '../result-columns.js';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER = SIGNATURE.length + 8;

/** A growable buffer with big-endian writers (a DataView: faster than Buffer's write methods here). */
class Writer {
  buf: Buffer;
  view: DataView;
  at = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }
  room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.length);
  }
  int16(v: number): void {
    this.room(2);
    this.view.setInt16(this.at, v);
    this.at += 2;
  }
  int32(v: number): void {
    this.room(4);
    this.view.setInt32(this.at, v);
    this.at += 4;
  }
  /** A bigint field (length 8), `v` a safe integer. */
  int64(v: number): void {
    this.room(12);
    this.view.setInt32(this.at, 8);
    this.view.setInt32(this.at + 4, Math.floor(v / 0x1_0000_0000));
    this.view.setUint32(this.at + 8, v >>> 0);
    this.at += 12;
  }
  float64(v: number): void {
    this.room(12);
    this.view.setInt32(this.at, 8);
    this.view.setFloat64(this.at + 4, v);
    this.at += 12;
  }
  text(s: string | null): void {
    if (s === null) return this.int32(-1);
    if (s.includes('\0')) s = s.replaceAll('\0', '\\0');
    this.room(4 + s.length * 3);
    const n = this.buf.write(s, this.at + 4, 'utf8');
    this.view.setInt32(this.at, n);
    this.at += 4 + n;
  }
  /** A boolean field (length 1). */
  bool(v: boolean): void {
    this.room(5);
    this.view.setInt32(this.at, 1);
    this.view.setUint8(this.at + 4, v ? 1 : 0);
    this.at += 5;
  }
  /** Bytes already UTF-8 encoded, as one text field. */
  bytes(src: Uint8Array, from: number, to: number): void {
    this.room(4 + to - from);
    this.view.setInt32(this.at, to - from);
    this.at += 4;
    this.buf.set(src.subarray(from, to), this.at);
    this.at += to - from;
  }
  /** Bytes written elsewhere (whole fields), copied as they are. */
  raw(src: Uint8Array): void {
    this.room(src.length);
    this.buf.set(src, this.at);
    this.at += src.length;
  }
}

/** A text field (length and UTF-8 bytes), or null's, as bytes to copy row after row. */
function field(s: string | null): Uint8Array {
  const w = new Writer(16);
  w.text(s);
  return w.buf.subarray(0, w.at);
}

/**
 * COPY binary of a pack's rows, each prefixed with `prefix` (fields before the result columns: the
 * run id, and the reason for quarantine). Columns: `prefix`, turret_name, turret_uuid, elapsed,
 * epoch, scriptrun_time, error, custom_timers, seq.
 */
export function copyBinary(
  pack: PackedResults,
  prefixFields: number,
  prefix: (w: Writer, turretIndex: number) => void,
): Buffer {
  const { nums, ends, text } = pack;
  const length = packedLength(pack);
  const w = new Writer(HEADER + 2 + length * 160 + text.length);
  w.room(HEADER);
  w.at += SIGNATURE.copy(w.buf, 0);
  w.int32(0);
  w.int32(0);
  // Texts of ASCII only (the usual case): char offsets are byte offsets, so fields are copied as bytes.
  const utf8 = Buffer.from(text, 'utf8');
  const ascii = utf8.length === text.length && !text.includes('\0');
  // Rows of a failed setup (spec 5.3.2) are rare: none at all in most packs.
  const failed = pack.setupFailed ? new Set(pack.setupFailed) : null;
  let i = 0;
  let at = 0;
  for (let t = 0; t < pack.turrets.length; t++) {
    const [name, uuid, end] = pack.turrets[t]!;
    // The turret's two fields once per run of its rows.
    const turret = Buffer.concat([field(name), field(uuid)]);
    for (; i < end; i++) {
      const n = i * NUMS;
      const errorEnd = ends[i * 2]!;
      const timersEnd = ends[i * 2 + 1]!;
      w.int16(prefixFields + 9);
      prefix(w, t);
      w.raw(turret);
      w.float64(nums[n]!);
      w.float64(nums[n + 1]!);
      w.float64(nums[n + 2]!);
      if (ascii) {
        w.bytes(utf8, at, errorEnd);
        w.bytes(utf8, errorEnd, timersEnd);
      } else {
        w.text(text.slice(at, errorEnd));
        w.text(text.slice(errorEnd, timersEnd));
      }
      const seq = nums[n + 3]!;
      if (Number.isNaN(seq)) w.int32(-1);
      else w.int64(seq);
      if (failed?.has(i)) w.bool(true);
      else w.int32(-1);
      at = timersEnd;
    }
  }
  w.int16(-1);
  return w.buf.subarray(0, w.at);
}

export type { Writer };
