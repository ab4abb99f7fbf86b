/**
 * The worker threads that fire the canons (config `workers`). Each loads the script itself, so a
 * CPU-heavy transaction uses every core while the main thread stays free to answer the HQ.
 */
import { Worker } from 'node:worker_threads';
import type { RawResult } from './firing.js';
import { readResultColumns } from './result-chunk.js';
import type { TransactionContext } from './transaction.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-messages.js';

const FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * Built, the worker is dist/worker.js. Run from src/ under tsx (tests), it is worker.ts, and worker
 * threads do not inherit tsx's loader: a small bootstrap loads it through tsx's API.
 */
function newWorker(workerData: WorkerInit): Worker {
  if (!FROM_SOURCE) return new Worker(new URL('./worker.js', import.meta.url), { workerData });
  const target = new URL('./worker.ts', import.meta.url).href;
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(target)}, ${JSON.stringify(target)}));`;
  return new Worker(code, { eval: true, workerData });
}

/** How long past grace + tear-down time a worker may take to report it stopped before it is replaced. */
const STOP_SLACK_MS = 1000;

export interface PoolEvents {
  results(results: RawResult[]): void;
  log(line: string): void;
  /** A worker died outside any transaction: the turret cannot go on (spec 7.2). */
  fatal(reason: string): void;
}

interface Member {
  worker: Worker;
  loaded: Promise<void>;
  /** Canons the worker had to abandon at the stop (reported with `stopped`). */
  stopped?: (abandoned: number) => void;
  /** Canons of the current start on this worker. */
  canons: number;
  expectedExit: boolean;
}

export class WorkerPool {
  private members: Member[] = [];

  constructor(
    private readonly size: number,
    private readonly init: Omit<WorkerInit, 'handover'>,
    private readonly events: PoolEvents,
  ) {}

  /** Starts the workers; resolves when every one has loaded the script, rejects with the load error. */
  async load(): Promise<void> {
    this.members = Array.from({ length: this.size }, () => this.spawn());
    await Promise.all(this.members.map((m) => m.loaded));
  }

  private spawn(): Member {
    const handover = new SharedArrayBuffer(4);
    const inFlight = new Int32Array(handover);
    const worker = newWorker({ ...this.init, handover });
    let resolveLoaded!: () => void;
    let rejectLoaded!: (e: Error) => void;
    const member: Member = {
      worker,
      canons: 0,
      expectedExit: false,
      loaded: new Promise<void>((res, rej) => {
        resolveLoaded = res;
        rejectLoaded = rej;
      }),
    };
    member.loaded.catch(() => undefined); // observed by load(); avoid an unhandled rejection meanwhile
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'results': {
          const results = readResultColumns(m.results);
          this.events.results(results);
          Atomics.sub(inFlight, 0, results.length); // taken: the worker may hand over more
          return;
        }
        case 'loaded':
          resolveLoaded();
          return;
        case 'load_error':
          rejectLoaded(new Error(m.message));
          return;
        case 'stopped':
          if (m.abandoned > 0) this.events.log(`${m.abandoned} canon(s) abandoned after the stop grace time`);
          member.stopped?.(m.abandoned);
          return;
        case 'log':
          this.events.log(m.line);
          return;
      }
    });
    worker.on('error', (e) => {
      rejectLoaded(e);
      if (!member.expectedExit) this.events.fatal(`worker thread failed: ${e.message}`);
    });
    worker.on('exit', (code) => {
      rejectLoaded(new Error(`worker thread exited with code ${code} before loading the script`));
      if (!member.expectedExit) this.events.fatal(`worker thread exited unexpectedly with code ${code}`);
    });
    return member;
  }

  private send(m: ToWorker, member?: Member): void {
    for (const x of member ? [member] : this.members) x.worker.postMessage(m);
  }

  /**
   * Starts firing: `canons` canons, their starts spread evenly over `rampup` seconds (spec 6.4), canon i
   * on worker i mod size.
   */
  start(canons: number, rampup: number, context: TransactionContext, startAbsMs: number): void {
    const plans = this.members.map(() => [] as { index: number; delayMs: number }[]);
    for (let i = 0; i < canons; i++) {
      plans[i % this.members.length]!.push({
        index: i,
        delayMs: canons > 0 ? (i * rampup * 1000) / canons : 0,
      });
    }
    this.members.forEach((m, i) => {
      m.canons = plans[i]!.length;
      this.send({ type: 'start', plan: { canons: plans[i]!, context, startAbsMs } }, m);
    });
  }

  /**
   * Stops firing (spec 4.3) and resolves once every worker has flushed its results. A worker stuck in a
   * synchronous transaction is terminated and replaced after the grace time. Resolves with the number
   * of canons abandoned (all of a replaced worker's).
   */
  async stop(graceMs: number, tearDownMs: number): Promise<number> {
    const abandoned = await Promise.all(
      this.members.map(async (m, i) => {
        const stopped = new Promise<number | null>((res) => {
          m.stopped = (n) => res(n);
          setTimeout(() => res(null), graceMs + tearDownMs + STOP_SLACK_MS).unref();
        });
        this.send({ type: 'stop', graceMs, tearDownMs }, m);
        const n = await stopped;
        if (n !== null) return n;
        this.events.log('a worker thread did not stop in time (stuck transaction?): replacing it');
        m.expectedExit = true;
        await m.worker.terminate();
        const fresh = this.spawn();
        this.members[i] = fresh;
        await fresh.loaded;
        return m.canons;
      }),
    );
    return abandoned.reduce((a, b) => a + b, 0);
  }

  /** Backpressure: hold the canons between transactions while the outbox is too full. */
  pause(): void {
    this.send({ type: 'pause' });
  }

  resume(): void {
    this.send({ type: 'resume' });
  }

  /** Terminates every worker. */
  async close(): Promise<void> {
    await Promise.all(
      this.members.map(async (m) => {
        m.expectedExit = true;
        await m.worker.terminate();
      }),
    );
  }
}
