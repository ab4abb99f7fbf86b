/**
 * Canons firing inside one thread: each canon is an async loop that creates its transaction, runs
 * setup once, then runs the transaction until stopped, emitting one result per run (spec 6.3, 6.5).
 */
import { setMaxListeners } from 'node:events';
import type { ResolvedTurretConfig } from '@oct/protocol';
import { errorText, type CanonTransaction, type TransactionFactory } from './script.js';
import type { CustomTimers, TransactionContext } from './transaction.js';

/** A result as a canon produces it; the main thread adds turret_name, uuid and seq. */
export interface RawResult {
  elapsed: number;
  epoch: number;
  scriptrun_time: number;
  error: string;
  custom_timers: CustomTimers;
  /** Present (true) only when the canon's setup failed: no transaction ran (spec 5.3). */
  setup_failed?: true;
}

/** Which canons this thread fires, and when each starts (rampup, spec 6.4). */
export interface FiringPlan {
  canons: { index: number; delayMs: number }[];
  context: TransactionContext;
  /** performance.timeOrigin + performance.now() at the start command, in ms: `elapsed` counts from it. */
  startAbsMs: number;
}

/**
 * Pauses canons between transactions while results cannot leave fast enough (never drop): closed
 * while any reason holds it, e.g. the main thread's outbox is too full, or the main thread has not
 * taken the results this worker handed it.
 */
export class Gate {
  private waiting: Promise<void> | null = null;
  private release: (() => void) | null = null;
  private readonly reasons = new Set<string>();

  get closed(): boolean {
    return this.waiting !== null;
  }

  pause(reason = 'outbox'): void {
    this.reasons.add(reason);
    if (this.waiting) return;
    this.waiting = new Promise((r) => (this.release = r));
  }

  resume(reason = 'outbox'): void {
    this.reasons.delete(reason);
    if (this.reasons.size > 0) return;
    this.release?.();
    this.waiting = this.release = null;
  }

  wait(): Promise<void> {
    return this.waiting ?? Promise.resolve();
  }
}

interface Slot {
  tx?: CanonTransaction;
  done: boolean;
  loop?: Promise<void>;
}

/** How long a canon may run synchronous transactions back to back before yielding to the event loop. */
const YIELD_EVERY_MS = 5;
/** Pause before a canon retries a setup that threw. */
const SETUP_RETRY_MS = 1000;
/** setTimeout's longest delay (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Turret config `transaction_timeout` when absent (seconds; its schema default). */
const DEFAULT_TRANSACTION_TIMEOUT_S = 60;

/** The error of a transaction (or setup) that ran past `transaction_timeout` (spec 7.6). */
export function timeoutError(seconds: number): string {
  return `transaction timed out after ${seconds} s (transaction_timeout)`;
}

/** One start..stop of this thread's canons. */
export class Firing {
  private stopping = false;
  /** Set when the grace time is over: abandoned canons' late results are discarded. */
  private closed = false;
  private readonly abort = new AbortController();
  private readonly slots: Slot[] = [];
  private readonly badTimers = new Set<string>();
  /** `transaction_timeout` in seconds; 0: none. */
  private readonly timeoutS: number;

  constructor(
    private readonly factory: TransactionFactory,
    private readonly config: ResolvedTurretConfig,
    private readonly plan: FiringPlan,
    private readonly emit: (
      elapsed: number,
      epoch: number,
      scriptrunTime: number,
      error: string,
      timers: CustomTimers,
      setupFailed: boolean,
    ) => void,
    private readonly gate: Gate,
    private readonly log: (line: string) => void,
  ) {
    const t = config.transaction_timeout;
    this.timeoutS = typeof t === 'number' && Number.isFinite(t) && t >= 0 ? t : DEFAULT_TRANSACTION_TIMEOUT_S;
    // Every canon of this thread waiting out its rampup delay or a setup retry listens once on this
    // signal (removed when it wakes): more than Node's default of 10 is expected, not a leak.
    setMaxListeners(0, this.abort.signal);
  }

  /** Launches every canon's loop. */
  start(): void {
    for (const c of this.plan.canons) {
      const slot: Slot = { done: false };
      slot.loop = this.canon(slot, c.delayMs).finally(() => {
        slot.done = true;
      });
      this.slots.push(slot);
    }
  }

  /**
   * Stops firing (spec 4.3): canons finish their current transaction within `graceMs`, then are
   * abandoned; tear-downs of the finished ones run, for at most `tearDownMs`.
   */
  async stop(graceMs: number, tearDownMs: number): Promise<{ abandoned: number }> {
    this.stopping = true;
    this.abort.abort();
    this.gate.resume();
    await raceTimeout(Promise.all(this.slots.map((s) => s.loop)), graceMs);
    this.closed = true;
    const finished = this.slots.filter((s) => s.done && s.tx);
    const tearDowns = finished.map(async (s) => {
      try {
        await s.tx!.tearDown();
      } catch (e) {
        this.log(`tearDown failed: ${errorText(e)}`);
      }
    });
    if (!(await raceTimeout(Promise.all(tearDowns), tearDownMs)))
      this.log(`tear-downs still running after ${tearDownMs} ms; going on`);
    return { abandoned: this.slots.filter((s) => !s.done).length };
  }

  private elapsed(absMs: number): number {
    return (absMs - this.plan.startAbsMs) / 1000;
  }

  private async canon(slot: Slot, delayMs: number): Promise<void> {
    if (delayMs > 0 && !(await sleep(delayMs, this.abort.signal))) return;
    while (!this.stopping && !slot.tx) {
      const t0 = performance.now();
      const epoch = Date.now() / 1000;
      let error = '';
      try {
        const tx = this.factory(this.config, this.plan.context);
        if (await this.settlesInTime(tx.setup())) slot.tx = tx;
        else error = `setup: ${timeoutError(this.timeoutS)}`; // that instance is dropped
      } catch (e) {
        error = `setup: ${errorText(e)}`;
      }
      if (error !== '') {
        if (this.closed) return;
        // A failing setup is reported apart from transactions (setup_failed), then retried after a pause.
        this.result(t0, epoch, performance.now(), error, {}, true);
        if (!(await sleep(SETUP_RETRY_MS, this.abort.signal))) return;
      }
    }
    const tx = slot.tx;
    if (!tx) return;
    let lastYield = performance.now();
    while (!this.stopping) {
      if (this.gate.closed) await this.gate.wait();
      if (this.stopping) break;
      const t0 = performance.now();
      const epoch = Date.now() / 1000;
      let error = '';
      try {
        // A run still pending at the timeout is abandoned: its late outcome is never reported (spec 6.5).
        if (!(await this.settlesInTime(tx.run()))) error = timeoutError(this.timeoutS);
      } catch (e) {
        error = errorText(e);
      }
      const t1 = performance.now();
      if (this.closed) return; // abandoned after the grace time: its result is too late (spec 4.3)
      this.result(t0, epoch, t1, error, tx.timers());
      // A synchronous (or instantly resolving) transaction never yields by itself: let messages and timers in.
      if (t1 - lastYield > YIELD_EVERY_MS) {
        await new Promise<void>((r) => setImmediate(r));
        lastYield = performance.now();
      }
    }
  }

  /**
   * Waits for what setup() or run() returned when it is a promise: true once it settled, false when it
   * is still pending after `transaction_timeout` (spec 7.6). A rejection is thrown. A synchronous
   * call returned already: true (a synchronous endless loop cannot be interrupted within its thread;
   * the stop replaces the worker).
   */
  private async settlesInTime(r: unknown): Promise<boolean> {
    if (r === null || typeof r !== 'object' || typeof (r as PromiseLike<unknown>).then !== 'function')
      return true;
    if (this.timeoutS === 0) {
      await r;
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const ms = Math.min(this.timeoutS * 1000, MAX_TIMER_MS);
    const late = new Promise<boolean>((res) => (timer = setTimeout(res, ms, false)));
    try {
      // race() handles a later rejection of the abandoned promise: no unhandled rejection.
      return await Promise.race([Promise.resolve(r as PromiseLike<unknown>).then(() => true), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private result(
    t0: number,
    epoch: number,
    t1: number,
    error: string,
    timers: CustomTimers,
    setupFailed = false,
  ): void {
    this.emit(
      this.elapsed(performance.timeOrigin + t0),
      epoch,
      (t1 - t0) / 1000,
      error,
      this.cleanTimers(timers),
      setupFailed,
    );
  }

  /** Keeps the timers the schema accepts (seconds >= 0); says once per name what it left out. */
  private cleanTimers(timers: CustomTimers): CustomTimers {
    let out: CustomTimers | null = null;
    for (const key in timers) {
      const v = timers[key];
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) continue;
      out ??= { ...timers };
      delete out[key];
      if (!this.badTimers.has(key)) {
        this.badTimers.add(key);
        this.log(
          `custom timer "${key}" left out: it must be a number of seconds >= 0, got ${String(v)} (spec 5.4)`,
        );
      }
    }
    return out ?? timers;
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Whether `p` settled within `ms`. */
async function raceTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
