/**
 * The receive thread's half of ingest: small frames pulled off the PULL socket are copied into
 * chunks for a worker thread (ingest-worker.ts) that decodes and stores them; batches are decoded
 * here and handed over as columns for the worker to store. Receiving, decoding and SQLite overlap
 * instead of taking turns (bench/hq). Statuses and counts come back as messages; every write to the
 * results file goes through the worker, in order.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  PROTOBUF_BATCH_TAG,
  decodeTurretFrame,
  type Decoded,
  type Result,
  type TurretMessage,
  type TurretStatus,
} from '@oct/protocol';
import { FrameChunker } from './frame-chunk.js';
import { ResultPacker } from './result-columns.js';
import { errorLine, noCounts, type IngestCounts } from './ingest.js';
import type { FromIngest, IngestTally, IngestThreadSetup, RunFields, ToIngest } from './ingest-messages.js';
import type { LiveMetricsPlain, LiveMetricsSetup } from './live-metrics.js';
import type { RunRow, TurretRow } from './store/store.js';

/** A chunk goes to the worker at this many frames, this many bytes, or this many ms after its first frame. */
const CHUNK_FRAMES = 512;
const CHUNK_BYTES = 256 * 1024;
const CHUNK_MS = 2;
/** Decoded results go over in packs of this many rows (or after CHUNK_MS). */
const PACK_ROWS = 4096;
/**
 * Who decodes. Frames this large, and protobuf frames, are batches: one receive brings many results,
 * so this thread has time to decode them and leaves the ingest thread nothing but storing. Small
 * frames (one result or a status each) cost this thread about as much to receive as to decode, so
 * the ingest thread decodes them. (Decoding small frames here too when the worker lags gained
 * nothing measurable: receiving alone keeps this thread busy then.)
 */
const DECODE_HERE_BYTES = 1024;
/** Chunks or packs handed over but not yet handled before receiving pauses (ZeroMQ then queues and pushes back). */
const MAX_CHUNKS_IN_FLIGHT = 64;

export interface IngestThreadOptions {
  /** The results file (created with the schema), or a postgresql:// URL (tables created if missing). */
  dbPath: string;
  /** The run's id (HqRun.runId), kept in the PostgreSQL run row. */
  runId?: string;
  /** PostgreSQL: how long a store call may wait for the server before the run gives up (30 s). */
  storeTimeoutMs?: number;
  /** Rows per transaction (results_database.insert_limit). */
  insertLimit: number;
  /** Pending results that trigger a flush in the worker (default: 2000). */
  flushAt?: number;
  /** The run row to write first, if any. */
  run?: RunRow | null;
  /** Metrics to keep for the run's thresholds (liveMetricsSetup); none when absent. */
  metrics?: LiveMetricsSetup | null;
  /** Every valid status, in arrival order, with when it was received (performance.now() ms). */
  onStatus?: (status: TurretStatus, receivedAt: number) => void;
  /** A result or batch of turret `uuid` was received at `receivedAt` (performance.now() ms). */
  onHeard?: (uuid: string, receivedAt: number) => void;
  /** Every decoded message as a JSON line (console_logging); off when not given. */
  onLog?: (line: string) => void;
  /** Stored results as JSON frames (external_publisher); off when not given. */
  onStored?: (frames: string[]) => void;
  /** Storage trouble that did not stop ingest (disk full, ...). */
  onWarning?: (message: string) => void;
  /** The worker died before close(): nothing pushed from now on can be stored. */
  onFailed?: (message: string) => void;
  /**
   * The results file refused rows (disk full, file damaged): nothing is stored from now on, but
   * frames are still decoded, statuses still reported and results counted (`counts.notStored`).
   */
  onStoreFailed?: (message: string) => void;
}

/** decodeTurretFrame, or null should it throw. */
function decodeOrNull(frame: Uint8Array): Decoded<TurretMessage> | null {
  try {
    return decodeTurretFrame(frame);
  } catch {
    return null;
  }
}

/** The worker's source file beside this module: .ts when run from src/ (tsx), .js from dist/. */
const workerUrl = new URL(`./ingest-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/**
 * Run from src/ (tests, under `--import tsx`): on Node 20 tsx registers its hooks in the main thread
 * only, so the worker registers them itself before importing the .ts entry.
 */
function fromSource(entry: URL): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((t) => t.register()).then(() => import(${JSON.stringify(entry.href)}))`;
}

export class IngestThread {
  /** Counts as of the worker's last report. */
  counts: IngestCounts = noCounts();
  /** Results received and valid: stored, about to be, or not stored, as of the worker's last report. */
  received = 0;
  /** Stored results per turret uuid, as of the worker's last report. */
  storedByUuid = new Map<string, number>();
  /** Results received but not stored per turret uuid, as of the worker's last report. */
  notStoredByUuid = new Map<string, number>();
  /** Monotonic ms when the worker last reported new results. */
  lastResultAt = 0;
  /** The live metrics as of the worker's last report (options.metrics); null without. */
  metrics: LiveMetricsPlain | null = null;

  private readonly worker: Worker;
  private readonly chunker = new FrameChunker();
  private readonly packer = new ResultPacker(PACK_ROWS);
  /** See IngestThreadSetup.progress. */
  private readonly progress = new Int32Array(new SharedArrayBuffer(12));
  private chunkTimer: NodeJS.Timeout | null = null;
  private chunksSent = 0;
  private alive = true;
  private nextFlushId = 1;
  private readonly flushWaiters = new Map<number, () => void>();
  private unblock: (() => void) | null = null;
  private closing: Promise<number> | null = null;
  private resolveClosed: (rejects: number) => void = () => undefined;
  private readonly ready: Promise<void>;
  private failure: string | null = null;
  /** The results file is open (a failure before that rejects start() instead). */
  private started = false;

  /** Starts the worker and waits until the results file is open. */
  static async start(options: IngestThreadOptions): Promise<IngestThread> {
    const thread = new IngestThread(options);
    await thread.ready;
    return thread;
  }

  private constructor(private readonly options: IngestThreadOptions) {
    const setup: IngestThreadSetup = {
      dbPath: options.dbPath,
      runId: options.runId,
      storeTimeoutMs: options.storeTimeoutMs,
      insertLimit: options.insertLimit,
      flushAt: Math.max(1, options.flushAt ?? 2000),
      run: options.run ?? null,
      logMessages: options.onLog !== undefined,
      publishStored: options.onStored !== undefined,
      progress: this.progress.buffer as SharedArrayBuffer,
      metrics: options.metrics ?? null,
    };
    this.worker = workerUrl.pathname.endsWith('.ts')
      ? new Worker(fromSource(workerUrl), { eval: true, workerData: setup })
      : new Worker(workerUrl, { workerData: setup });
    this.ready = new Promise<void>((resolve, reject) => {
      const onReady = (m: FromIngest): void => {
        if (m.t === 'ready') {
          this.started = true;
          resolve();
        } else if (m.t === 'failed') reject(new Error(m.message));
        else return;
        this.worker.off('message', onReady);
      };
      this.worker.on('message', onReady);
      this.worker.once('error', reject);
      this.worker.once('exit', () =>
        reject(new Error('the ingest thread ended before opening the results file')),
      );
    });
    this.worker.on('message', (m: FromIngest) => this.onMessage(m));
    this.worker.on('error', (e) => (this.failure = e.message));
    this.worker.on('exit', (code) => this.onExit(code));
  }

  /**
   * Hands one received frame over (it is copied or decoded; the caller may drop it). Never throws:
   * the receive loop calls it, and no frame may stop that loop (issue 15).
   */
  push(frame: Uint8Array): void {
    if (!this.alive) return;
    try {
      this.route(frame);
    } catch (e) {
      // Not known to happen: the frame could not even be copied for the ingest thread.
      this.options.onWarning?.(`a frame of ${frame.length} bytes was dropped: ${errorLine(e)}`);
    }
  }

  private route(frame: Uint8Array): void {
    const decodeHere = frame[0] === PROTOBUF_BATCH_TAG || frame.length >= DECODE_HERE_BYTES;
    // Statuses and invalid frames always go to the worker as they are (it decodes or rejects them),
    // and so does everything when every message is logged there (console_logging).
    if (decodeHere && !this.options.onLog) {
      // Should decoding throw (none is known to), the ingest thread decodes it again and rejects it.
      const decoded = decodeOrNull(frame);
      if (decoded?.ok && decoded.value.kind === 'batch') return this.addResults(decoded.value.results);
      if (decoded?.ok && decoded.value.kind === 'result') return this.addResults([decoded.value.result]);
    }
    // Frames and packs go over in the order they came: send one kind before adding the other.
    if (this.packer.length > 0) this.sendPending();
    this.chunker.add(frame);
    if (this.chunker.frames >= CHUNK_FRAMES || this.chunker.bytes >= CHUNK_BYTES) this.sendPending();
    else this.chunkTimer ??= setTimeout(() => this.sendPending(), CHUNK_MS);
  }

  private addResults(results: readonly Result[]): void {
    // A batch comes from one turret: its first result names it.
    if (results[0]?.uuid) this.options.onHeard?.(results[0].uuid, performance.now());
    if (this.chunker.frames > 0) this.sendPending();
    for (const r of results) {
      this.packer.add(r);
      if (this.packer.textFull) this.sendPending();
    }
    if (this.packer.length >= PACK_ROWS) this.sendPending();
    else if (this.packer.length > 0) this.chunkTimer ??= setTimeout(() => this.sendPending(), CHUNK_MS);
  }

  /**
   * null when the worker keeps up; otherwise a promise that resolves once it has caught up enough.
   * The receive loop awaits it so a flood stays queued in ZeroMQ (bounded) rather than in memory.
   */
  backpressure(): Promise<void> | null {
    if (!this.alive || this.inFlight() < MAX_CHUNKS_IN_FLIGHT) return null;
    // Wake when half the chunks in flight are done, not after one: a burst of receives can hand
    // over many chunks (frames and packs alternate), so waking early would let the backlog grow.
    const target = (this.chunksSent - (MAX_CHUNKS_IN_FLIGHT >> 1)) | 0;
    Atomics.store(this.progress, 1, target);
    // The worker may have caught up between the check and the flag: check again.
    if (((Atomics.load(this.progress, 0) - target) | 0) >= 0) {
      Atomics.store(this.progress, 1, 0);
      return null;
    }
    return new Promise((r) => (this.unblock = r));
  }

  /**
   * The time up to which everything received has been looked at: `now` when nothing waits to be
   * decoded, else when the last decoded chunk was received. Judging liveness at this time, a backlog
   * can never make a turret look silent: its frames may be waiting behind others' results.
   */
  judgedAt(now: number): number {
    const idle = this.inFlight() === 0 && this.chunker.frames === 0 && this.packer.length === 0;
    return idle || !this.alive ? now : Atomics.load(this.progress, 2);
  }

  /** Asks the worker to store what it holds; counts arrive shortly after. */
  flush(): void {
    this.sendPending();
    this.post({ t: 'flush', id: 0 });
  }

  /** Resolves once everything pushed so far is stored and the counts reflect it. */
  flushed(): Promise<void> {
    this.sendPending();
    if (!this.alive) return Promise.resolve();
    const id = this.nextFlushId++;
    return new Promise((resolve) => {
      this.flushWaiters.set(id, resolve);
      this.post({ t: 'flush', id });
    });
  }

  /** Inserts or updates a turret row. */
  saveTurret(row: TurretRow): void {
    this.post({ t: 'turret', row });
  }

  /** Keeps a message the run refused after decoding (e.g. a forged status) in the reject table. */
  reject(code: string, reason: string, frame: string): void {
    this.post({ t: 'reject', code, reason, frame });
  }

  /** Updates the run row. */
  updateRun(fields: RunFields): void {
    this.post({ t: 'run', fields });
  }

  /** Stores everything, closes the results file and ends the worker; resolves with the reject count. */
  close(): Promise<number> {
    if (this.closing) return this.closing;
    this.sendPending();
    this.closing = new Promise<number>((resolve) => {
      this.resolveClosed = resolve;
      if (!this.alive) resolve(this.counts.rejects);
    });
    this.post({ t: 'close' });
    return this.closing;
  }

  private inFlight(): number {
    return (this.chunksSent - Atomics.load(this.progress, 0)) | 0;
  }

  /** Sends the chunk or pack being built (at most one of them holds anything). */
  private sendPending(): void {
    if (this.chunkTimer) {
      clearTimeout(this.chunkTimer);
      this.chunkTimer = null;
    }
    const chunk = this.chunker.take();
    const rows = this.packer.take();
    if (!this.alive) return;
    // The chunk's receive time: its frames came within CHUNK_MS (or one burst) before this. Read
    // here, once per chunk, rather than once per frame on the receive path.
    const at = performance.now();
    if (chunk) {
      this.chunksSent++;
      this.worker.postMessage({ t: 'frames', chunk, at } satisfies ToIngest, [chunk]);
    }
    if (rows) {
      this.chunksSent++;
      this.worker.postMessage({ t: 'rows', rows, at } satisfies ToIngest, [
        rows.nums.buffer,
        rows.ends.buffer,
      ]);
    }
  }

  private post(m: ToIngest): void {
    if (this.alive) this.worker.postMessage(m);
  }

  private onMessage(m: FromIngest): void {
    switch (m.t) {
      case 'tally':
        this.apply(m.tally);
        return;
      case 'flushed':
        this.apply(m.tally);
        this.flushWaiters.get(m.id)?.();
        this.flushWaiters.delete(m.id);
        return;
      case 'status':
        this.options.onStatus?.(m.status, m.at);
        return;
      case 'heard':
        for (const uuid of m.uuids) this.options.onHeard?.(uuid, m.at);
        return;
      case 'log':
        this.options.onLog?.(m.line);
        return;
      case 'stored':
        this.options.onStored?.(m.frames);
        return;
      case 'warning':
        this.options.onWarning?.(m.message);
        return;
      case 'storeFailed':
        this.options.onStoreFailed?.(m.message);
        return;
      case 'unblocked':
        this.wake();
        return;
      case 'closed':
        this.apply(m.tally);
        this.resolveClosed(m.rejects);
        void this.worker.terminate();
        return;
    }
  }

  private apply(t: IngestTally): void {
    if (t.received > this.received) this.lastResultAt = performance.now();
    this.received = t.received;
    this.counts = t.counts;
    this.storedByUuid = new Map(t.storedByUuid);
    this.notStoredByUuid = new Map(t.notStoredByUuid);
    if (t.metrics) this.metrics = t.metrics;
  }

  private wake(): void {
    const unblock = this.unblock;
    this.unblock = null;
    unblock?.();
  }

  /** The worker is gone (closed, or died): nothing waits on it any more. */
  private onExit(code: number): void {
    const unexpected = this.started && this.alive && !this.closing;
    this.alive = false;
    if (unexpected) this.options.onFailed?.(`ingest thread ended (${this.failure ?? `exit code ${code}`})`);
    if (this.chunkTimer) clearTimeout(this.chunkTimer);
    this.wake();
    for (const resolve of this.flushWaiters.values()) resolve();
    this.flushWaiters.clear();
    this.resolveClosed(this.counts.rejects);
  }
}
