/**
 * The receive thread's loop: PULL socket -> ingest thread, as fast as zeromq.js allows. Per message,
 * zeromq.js costs about as much as decoding it, so the loop does as little as it can per message:
 * with `receiveTimeout` 0 every receive() answers at once, so a burst of queued messages is taken
 * with one await instead of one each (about 1.25x on a bare loop, bench/hq); when nothing is queued
 * it waits like an ordinary receive().
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type * as zmq from 'zeromq';
import type { IngestThread } from './ingest-thread.js';

/** Messages taken per await at most. */
const BURST = 256;
/** Under a flood every receive resolves at once: let timers run at least this often (ms). */
const YIELD_EVERY_MS = 20;

export interface PumpOptions {
  /** Called after each burst with the number of frames moved; return true to stop pumping. */
  onFrames?: (frames: number) => boolean | void;
}

/** Pumps until the socket is closed (resolves) or a receive fails otherwise (rejects). */
export async function pumpFrames(
  pull: zmq.Pull,
  ingest: IngestThread,
  options: PumpOptions = {},
): Promise<void> {
  let lastYield = performance.now();
  pull.receiveTimeout = 0;
  while (!pull.closed) {
    let messages: Buffer[][];
    if (pull.readable) {
      const burst: Promise<Buffer[]>[] = [];
      while (burst.length < BURST && pull.readable) burst.push(pull.receive());
      messages = await Promise.all(burst);
    } else {
      pull.receiveTimeout = -1;
      try {
        messages = [await pull.receive()];
      } finally {
        if (!pull.closed) pull.receiveTimeout = 0;
      }
    }
    let frames = 0;
    for (const parts of messages) {
      for (const frame of parts) ingest.push(frame);
      frames += parts.length;
    }
    if (options.onFrames?.(frames) === true) return;
    const caughtUp = ingest.backpressure();
    if (caughtUp) await caughtUp;
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToLoop();
      lastYield = performance.now();
    }
  }
}
