/**
 * The one queue in front of the PUSH socket. zeromq v6 allows one pending send() per socket, so every
 * frame (status or results) goes through here, in order; results are never dropped (except on kill).
 */
import type { Push } from 'zeromq';

interface Entry {
  frame: Uint8Array;
  /** How many results the frame carries (0 for a status). */
  results: number;
}

/**
 * Backlog (in results) above which the canons are paused, and below which they resume. Small on
 * purpose: whatever is queued when `stop` comes must still leave within the 5 s of spec 4.3, even
 * towards a slow HQ.
 */
export const HIGH_WATER_RESULTS = 10_000;
export const LOW_WATER_RESULTS = 2_000;

export class Outbox {
  private queue: Entry[] = [];
  private head = 0;
  private pumping = false;
  private paused = false;
  private closed = false;
  private idle: (() => void)[] = [];
  /** Results queued here and not yet handed to ZeroMQ. */
  backlog = 0;

  constructor(
    private readonly socket: Push,
    private readonly onBacklog: (high: boolean) => void,
    private readonly log: (line: string) => void,
  ) {}

  /** Queues a frame; sending starts at once if the socket is free. */
  push(frame: Uint8Array, results = 0): void {
    if (this.closed) return;
    this.queue.push({ frame, results });
    this.backlog += results;
    if (!this.paused && this.backlog >= HIGH_WATER_RESULTS) {
      this.paused = true;
      this.onBacklog(true);
    }
    if (!this.pumping) void this.pump();
  }

  /** Drops queued result frames, keeping statuses (kill: the HQ wants the `killed` status now); returns how many results. */
  dropResults(): number {
    const dropped = this.backlog;
    this.queue = this.queue.slice(this.head).filter((e) => e.results === 0);
    this.head = 0;
    this.backlog = 0;
    if (this.paused) this.resume();
    return dropped;
  }

  private resume(): void {
    this.paused = false;
    this.onBacklog(false);
  }

  /** Resolves when everything queued so far was handed to ZeroMQ, or after `timeoutMs`. */
  drained(timeoutMs: number): Promise<boolean> {
    if (!this.pumping) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Stops sending; queued frames are forgotten. */
  close(): void {
    this.closed = true;
    this.queue = [];
    this.head = 0;
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.head < this.queue.length && !this.closed) {
        const entry = this.queue[this.head++]!;
        this.backlog -= entry.results;
        if (this.paused && this.backlog < LOW_WATER_RESULTS) this.resume();
        // Resolves at once while ZeroMQ's queue (sndhwm) has room; waits when the HQ is slow or absent.
        await this.socket.send(entry.frame);
        if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
      }
    } catch (e) {
      if (!this.closed) this.log(`sending to the HQ failed: ${(e as Error).message}`);
    } finally {
      this.pumping = false;
      if (this.head >= this.queue.length) {
        this.queue = [];
        this.head = 0;
      }
      const waiters = this.idle;
      this.idle = [];
      for (const w of waiters) w();
    }
  }
}
