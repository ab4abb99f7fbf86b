/**
 * Worker thread entry: loads the script itself, fires its share of the canons and sends results
 * back to the main thread in chunks (the main thread owns the sockets).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Firing, Gate } from './firing.js';
import { ResultChunkWriter } from './result-chunk.js';
import { loadScript, errorText, type TransactionFactory } from './script.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-messages.js';

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (m: FromWorker): void => port.postMessage(m);
const log = (line: string): void => post({ type: 'log', line });

/** Results are handed over in chunks: fewer messages, same order. */
const CHUNK = 1000;
const FLUSH_MS = 20;
/**
 * Results handed to the main thread and not yet taken, above which the canons wait, and below which
 * they go on. The main thread shares the CPU with this one: when it falls behind, the results would
 * otherwise pile up unbounded in its message queue, before the outbox could count them and push back.
 */
const HANDOVER_HIGH = 20_000;
const HANDOVER_LOW = 5_000;
const HANDOVER_POLL_MS = 2;

const handedOver = new Int32Array(init.handover);
let handoverPoll: NodeJS.Timeout | undefined;
const chunk = new ResultChunkWriter(CHUNK);
const flush = (): void => {
  if (chunk.size === 0) return;
  const results = chunk.take();
  const waiting = Atomics.add(handedOver, 0, results.count) + results.count;
  port.postMessage({ type: 'results', results } satisfies FromWorker, [
    results.numbers.buffer as ArrayBuffer,
  ]);
  if (waiting > HANDOVER_HIGH && !handoverPoll) {
    gate.pause('handover');
    handoverPoll = setInterval(() => {
      if (Atomics.load(handedOver, 0) > HANDOVER_LOW) return;
      clearInterval(handoverPoll);
      handoverPoll = undefined;
      gate.resume('handover');
    }, HANDOVER_POLL_MS);
  }
};
const emit: ResultChunkWriter['add'] = (...args) => {
  const full = chunk.add(...args);
  if (full) flush();
  return full;
};

// A script's stray async error (outside run()) must not take the canons down: report it once per text.
const seen = new Set<string>();
const stray = (e: unknown): void => {
  const text = errorText(e);
  if (seen.has(text)) return;
  seen.add(text);
  log(`uncaught error in script (outside a transaction): ${text}`);
};
process.on('uncaughtException', stray);
process.on('unhandledRejection', stray);

let factory: TransactionFactory | undefined;
let firing: Firing | undefined;
let flushTimer: NodeJS.Timeout | undefined;
const gate = new Gate();

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'start':
      if (!factory || firing) return;
      firing = new Firing(factory, init.config, m.plan, emit, gate, log);
      flushTimer = setInterval(flush, FLUSH_MS);
      firing.start();
      return;
    case 'stop': {
      const current = firing;
      if (!current) {
        post({ type: 'stopped', abandoned: 0 });
        return;
      }
      void current
        .stop(m.graceMs, m.tearDownMs)
        .catch((e: unknown) => {
          log(`stop failed: ${errorText(e)}`);
          return { abandoned: 0 };
        })
        .then(({ abandoned }) => {
          clearInterval(flushTimer);
          flush();
          firing = undefined;
          post({ type: 'stopped', abandoned });
        });
      return;
    }
    case 'pause':
      gate.pause();
      return;
    case 'resume':
      gate.resume();
      return;
  }
});

try {
  factory = await loadScript(init.scriptPath);
  post({ type: 'loaded' });
} catch (e) {
  post({ type: 'load_error', message: e instanceof Error ? e.message : errorText(e) });
}
