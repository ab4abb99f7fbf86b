/**
 * Frames travel from the receive thread to the ingest thread in chunks: many frames copied into one
 * ArrayBuffer, each behind a 4-byte little-endian length, so a chunk is transferred without copying
 * and one message carries hundreds of frames (one postMessage per frame would cost more than the
 * frame's decoding).
 */

const HEADER = 4;

/** Packs frames into one transferable buffer. */
export class FrameChunker {
  private buf: Uint8Array<ArrayBuffer>;
  private view: DataView;
  private used = 0;
  /** Frames in the chunk being built. */
  frames = 0;

  constructor(private readonly capacity = 1 << 20) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes in the chunk being built. */
  get bytes(): number {
    return this.used;
  }

  /** Copies `frame` in (the buffer grows for a frame larger than the chunk). */
  add(frame: Uint8Array): void {
    const need = this.used + HEADER + frame.length;
    if (need > this.buf.length) this.grow(need);
    this.view.setUint32(this.used, frame.length, true);
    this.buf.set(frame, this.used + HEADER);
    this.used = need;
    this.frames++;
  }

  /** The finished chunk (to transfer), or null when empty; the next chunk starts in a new buffer. */
  take(): ArrayBuffer | null {
    if (this.used === 0) return null;
    const chunk = this.buf.buffer.slice(0, this.used);
    this.used = 0;
    this.frames = 0;
    if (this.buf.length > this.capacity) {
      this.buf = new Uint8Array(this.capacity);
      this.view = new DataView(this.buf.buffer);
    }
    return chunk;
  }

  private grow(need: number): void {
    const next = new Uint8Array(Math.max(need, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.used));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}

/** Calls `each` with every frame of a chunk, in order (views into the chunk, not copies). */
export function forEachFrame(chunk: ArrayBuffer, each: (frame: Uint8Array) => void): void {
  const view = new DataView(chunk);
  const bytes = new Uint8Array(chunk);
  for (let at = 0; at + HEADER <= chunk.byteLength;) {
    const length = view.getUint32(at, true);
    const start = at + HEADER;
    each(bytes.subarray(start, start + length));
    at = start + length;
  }
}
