/**
 * The receive thread's loop: PULL socket -> ingest thread, as fast as zeromq.js allows. Per message,
 * zeromq.js costs about as much as decoding it, so the loop does as little as it can per message:
 * with `receiveTimeout` 0 every receive() answers at once, so a burst of queued messages is taken
 * with one await instead of one each (about 1.25x on a bare loop, bench/hq); when nothing is queued
 * it waits like an ordinary receive().
 *
 * Under a flood (the last burst came back full) the loop also stops asking `readable` before every
 * receive: that libzmq call costs about a fifth of a receive. It asks once per STRIDE messages instead,
 * and a receive that finds the queue empty meanwhile rejects with EAGAIN (about 10 us, so at most
 * STRIDE - 1 of those when a flood ends, after a full burst has saved more than that).
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type * as zmq from 'zeromq';
import type { IngestThread } from './ingest-thread.js';

/**
 * The PULL socket's receive high-water mark, in frames per connected turret: what ZeroMQ queues for
 * a turret while the HQ is not reading (the ingest thread is behind). Beyond it ZeroMQ stops reading
 * that connection, TCP pushes back, the turret's own send queue fills and its canons wait (turret
 * README, "Backpressure"): memory stays bounded however long the store is slow. A batch frame holds
 * up to 1,000 results (about 100 KB as JSON), so this is about 10 MB per turret at most.
 */
export const RECEIVE_HIGH_WATER_MARK = 100;

/** Messages taken per await at most. */
const BURST = 256;
/** Under a flood, `readable` is asked once per this many receives. */
const STRIDE = 8;
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
  let flood = false;
  pull.receiveTimeout = 0;
  while (!pull.closed) {
    let messages: Buffer[][];
    if (pull.readable) {
      const burst: Promise<Buffer[]>[] = [pull.receive()];
      if (flood) {
        while (burst.length < BURST && (burst.length % STRIDE !== 0 || pull.readable))
          burst.push(pull.receive());
      } else {
        while (burst.length < BURST && pull.readable) burst.push(pull.receive());
      }
      messages = flood ? await settleBurst(burst) : await Promise.all(burst);
      flood = messages.length === BURST;
    } else {
      flood = false;
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

/** The messages of a burst taken blind, in order, without the receives that found the queue empty. */
async function settleBurst(burst: Promise<Buffer[]>[]): Promise<Buffer[][]> {
  try {
    return await Promise.all(burst);
  } catch {
    const messages: Buffer[][] = [];
    for (const receive of burst) {
      try {
        messages.push(await receive);
      } catch (e) {
        if ((e as { code?: string }).code !== 'EAGAIN') throw e;
      }
    }
    return messages;
  }
}
