/**
 * The ingest path (spec 5.5, 5.6, 7.3): every PULL frame is decoded with decodeTurretFrame;
 * statuses go to a callback, results and batches are packed as they arrive (ResultPacker) and
 * flushed to SQLite in transactions of insert_limit rows, invalid frames go to the reject table.
 * Nothing a turret sends can throw out of `handle`: should decoding a frame ever throw (none is known
 * to; a frame too large for a string would), the frame is rejected as `undecodable` with the reason.
 * No turret speaks for another (spec 7.3, attribution.ts): a status renaming a known uuid is rejected
 * as `renamed`, and results naming a turret no status announced, or a name their uuid did not
 * announce, are kept aside in the quarantine table, counted as no turret's.
 */
import {
  decodeTurretFrame,
  type Decoded,
  type Result,
  type TurretMessage,
  type TurretStatus,
} from '@oct/protocol';
import { Attribution, type QuarantineReason } from './attribution.js';
import { ResultPacker, packedLength, unpackResults, type PackedResults } from './result-columns.js';
import { InsertError } from './store/store.js';

/**
 * Where Ingest stores: ResultsStore (SQLite, synchronous) or PgStore (PostgreSQL: each call returns a
 * promise). With a promise, the rows are counted when it settles; the caller awaits `settle()`
 * before handing over more, so order and accounting are those of the synchronous store.
 */
export interface IngestStore {
  insertPacked(pack: PackedResults): void | Promise<void>;
  quarantinePacked(pack: PackedResults, reasons: readonly string[]): void | Promise<void>;
  reject(code: string, reason: string, frame: Uint8Array): void | Promise<void>;
}

export interface IngestOptions {
  /** Pending results that trigger a flush (default: 2000). Transactions stay insert_limit rows. */
  flushAt?: number;
  /** Called for every valid status message. */
  onStatus?: (status: TurretStatus) => void;
  /** Called with the uuid of every result message and batch (proof that its turret is alive). */
  onHeard?: (uuid: string) => void;
  /** Called after each flush with the rows just stored (e.g. the external publisher). */
  onStored?: (rows: readonly Result[]) => void;
  /** Called with each decoded message when console logging is on. */
  onMessage?: (kind: string, value: unknown) => void;
  /** Called when a rejected frame could not even be stored (should never happen). */
  onError?: (error: Error) => void;
  /**
   * Called once, when the results file first refuses rows (disk full, file damaged). From then on
   * nothing more is stored: results are still decoded and counted as `notStored`, statuses still
   * reach onStatus.
   */
  onStoreFailed?: (error: Error) => void;
  /** Called as each pack is counted, with how many of its first rows are stored (live thresholds). */
  onCounted?: (pack: PackedResults, stored: number) => void;
}

/** Counters of what came in. */
export interface IngestCounts {
  /** Results stored (flushed to SQLite). */
  stored: number;
  /** Stored results whose `error` is not empty. */
  errors: number;
  /** Stored results without turret_name (legacy canons). */
  unattributed: number;
  /** Results received but not stored: refused by the results file, or received after it refused some. */
  notStored: number;
  /** Frames rejected (kept in the reject table). */
  rejects: number;
  /** Valid status messages (renames not included: they are rejects). */
  statuses: number;
  /** Results kept aside in the quarantine table (spec 7.3); in no turret's count nor in `stored`. */
  quarantined: number;
  /** Stored results that report a failed setup (spec 5.3.2); in `stored` and `errors` too. */
  setupFailures: number;
}

/** Counts before anything came in. */
export function noCounts(): IngestCounts {
  return {
    stored: 0,
    errors: 0,
    unattributed: 0,
    notStored: 0,
    rejects: 0,
    statuses: 0,
    quarantined: 0,
    setupFailures: 0,
  };
}

/** The reject code of a status that names a known uuid with another turret name (spec 7.3). */
export const RENAMED = 'renamed';

/** The reject code of a frame whose decoding threw (decodeTurretFrame returns errors as values). */
export const UNDECODABLE = 'undecodable';

/** An exception as one line of at most 200 characters. */
export function errorLine(e: unknown): string {
  let message: string;
  try {
    message = e instanceof Error ? `${e.name}: ${e.message}` : typeof e;
  } catch {
    message = 'unknown error';
  }
  message = message.replace(/\s+/g, ' ');
  return message.length > 200 ? `${message.slice(0, 197)}...` : message;
}

/** The reason kept for an `undecodable` frame. */
export const undecodableReason = (e: unknown): string => `decoding the frame failed: ${errorLine(e)}`;

export class Ingest {
  readonly counts: IngestCounts = noCounts();
  /** Stored results per turret uuid. */
  readonly storedByUuid = new Map<string, number>();
  /** Results received but not stored, per turret uuid. */
  readonly notStoredByUuid = new Map<string, number>();
  /** Why the results file refused rows, once it has; nothing is stored after that. */
  storeFailure: Error | null = null;
  /** Monotonic ms of the last result received. */
  lastResultAt = 0;
  /** Results received and not yet stored, packed as they arrive. */
  private readonly pending: ResultPacker;
  /** The same results as objects, kept only for onStored. */
  private pendingRows: Result[] = [];
  /** Results received and not yet kept aside; flushed with `pending`, and before a uuid is bound. */
  private readonly aside = new ResultPacker(64);
  private readonly attribution = new Attribution();
  private readonly flushAt: number;
  /** Store calls not settled yet (asynchronous stores only), and the results they carry. */
  private work: Promise<unknown> | null = null;
  private inFlight = 0;

  constructor(
    private readonly store: IngestStore,
    private readonly options: IngestOptions = {},
  ) {
    this.flushAt = Math.max(1, options.flushAt ?? 2000);
    this.pending = new ResultPacker(this.flushAt);
  }

  /** Results received and not yet stored (pending, or in a store call not settled yet). */
  get pendingCount(): number {
    return this.pending.length + this.inFlight;
  }

  /** Whether an asynchronous store call has not settled yet (never with a synchronous store). */
  get busy(): boolean {
    return this.work !== null;
  }

  /** Resolves once every store call made so far has settled and its rows are counted. Never rejects. */
  async settle(): Promise<void> {
    while (this.work !== null) {
      const work = this.work;
      await work;
      if (this.work === work) this.work = null;
    }
  }

  /**
   * Resolves once the store calls made so far (not later ones) have settled and their rows are
   * counted; unlike settle(), lets the caller start more meanwhile. Never rejects.
   */
  settledSoFar(): Promise<unknown> {
    return this.work ?? Promise.resolve();
  }

  /** Tracks an asynchronous store call; `then` counts its outcome (and must not throw). */
  private track(call: Promise<void>, then: (error: unknown) => void): void {
    const counted = call.then(
      () => then(null),
      (e: unknown) => then(e ?? new Error('store call failed')),
    );
    this.work = this.work === null ? counted : Promise.all([this.work, counted]);
  }

  /** Adds a result to those to store, or to keep aside when it cannot be its turret's. */
  private add(r: Result): void {
    if (this.attribution.fault(r.turret_name, r.uuid) !== null) {
      this.aside.add(r);
      if (this.aside.length >= this.flushAt || this.aside.textFull) this.flushAside();
      return;
    }
    this.pending.add(r);
    if (this.options.onStored) this.pendingRows.push(r);
    if (this.pending.textFull) this.flush();
  }

  /** Decodes and dispatches one frame. */
  handle(frame: Uint8Array, now = performance.now()): void {
    let decoded: Decoded<TurretMessage>;
    try {
      decoded = decodeTurretFrame(frame);
    } catch (e) {
      this.rejectFrame(UNDECODABLE, undecodableReason(e), frame);
      return;
    }
    if (!decoded.ok) {
      this.rejectFrame(decoded.error.code, decoded.error.message, frame);
      return;
    }
    const m = decoded.value;
    this.options.onMessage?.(m.kind, m);
    switch (m.kind) {
      case 'status': {
        const { uuid, turret } = m.status;
        // Results kept aside so far were judged before this uuid was bound: store them as judged.
        if (this.attribution.isNew(uuid)) this.flushAside();
        const bound = this.attribution.announce(uuid, turret);
        if (bound !== null) {
          this.rejectFrame(
            RENAMED,
            `status of uuid ${JSON.stringify(uuid)} names turret ${JSON.stringify(turret)}, but that uuid announced itself as ${JSON.stringify(bound)}: a turret keeps the name of its first status (spec 7.3); not applied`,
            frame,
          );
          return;
        }
        this.counts.statuses++;
        try {
          this.options.onStatus?.(m.status);
        } catch (e) {
          this.options.onError?.(e as Error);
        }
        return;
      }
      case 'result':
        if (m.result.uuid) this.options.onHeard?.(m.result.uuid);
        this.add(m.result);
        break;
      case 'batch':
        // A batch comes from one turret: its first result names it.
        if (m.results[0]?.uuid) this.options.onHeard?.(m.results[0].uuid);
        for (const r of m.results) this.add(r);
        break;
    }
    this.lastResultAt = now;
    if (this.pending.length >= this.flushAt) this.flush();
  }

  /** Keeps an invalid frame with its reason. */
  rejectFrame(code: string, reason: string, frame: Uint8Array): void {
    this.counts.rejects++;
    try {
      const call = this.store.reject(code, reason, frame);
      if (call) this.track(call, (e) => e && this.options.onError?.(e as Error));
    } catch (e) {
      this.options.onError?.(e as Error);
    }
  }

  /** Stores every pending result, and keeps aside those to be. */
  flush(): void {
    this.flushAside();
    const pack = this.pending.take();
    if (!pack) return;
    const rows = this.pendingRows;
    this.pendingRows = [];
    this.storeRows(pack, rows);
  }

  /** Stores results decoded elsewhere (the receive thread), after those already pending. */
  storePacked(pack: PackedResults, now = performance.now()): void {
    this.flush();
    if (packedLength(pack) === 0) return;
    this.lastResultAt = now;
    const faults = pack.turrets.map(([name, uuid]) => this.attribution.fault(name, uuid));
    if (faults.every((f) => f === null)) {
      this.storeRows(pack);
      return;
    }
    // Rare (forged or misdirected results): split the pack, keeping the order of the rest.
    const kept = new ResultPacker(packedLength(pack));
    unpackResults(pack).forEach((r, i) => {
      const run = pack.turrets.findIndex(([, , end]) => i < end);
      if (faults[run] === null) kept.add(r);
      else this.aside.add(r);
    });
    this.flushAside();
    const rest = kept.take();
    if (rest) this.storeRows(rest);
  }

  /**
   * Keeps aside the results waiting to be, each run of rows with its reason. Once the file has refused
   * rows they are counted as not stored (in no turret's count).
   */
  private flushAside(): void {
    const pack = this.aside.take();
    if (!pack) return;
    const length = packedLength(pack);
    const count = (e: unknown): void => {
      const kept = e === null ? length : e instanceof InsertError ? e.committed : 0;
      if (e !== null) this.options.onError?.(e as Error);
      this.counts.quarantined += kept;
      this.counts.notStored += length - kept;
    };
    if (this.storeFailure !== null) {
      this.counts.notStored += length;
      return;
    }
    const reasons: QuarantineReason[] = pack.turrets.map(
      ([name, uuid]) => this.attribution.fault(name, uuid) ?? 'unannounced',
    );
    let call: void | Promise<void>;
    try {
      call = this.store.quarantinePacked(pack, reasons);
    } catch (e) {
      count(e);
      return;
    }
    if (!call) count(null);
    else {
      this.inFlight += length;
      this.track(call, (e) => {
        this.inFlight -= length;
        count(e);
      });
    }
  }

  /**
   * Inserts a pack and counts it; `rows` are its results as objects when the caller kept them. Once
   * the file has refused rows, the pack is only counted (as not stored): the counts say exactly what
   * the file holds and what it does not.
   */
  private storeRows(pack: PackedResults, rows: readonly Result[] = []): void {
    const length = packedLength(pack);
    if (this.storeFailure !== null) {
      this.countRows(pack, rows, 0, null);
      return;
    }
    const failed = (e: unknown): void =>
      this.countRows(pack, rows, e instanceof InsertError ? e.committed : 0, e as Error);
    let call: void | Promise<void>;
    try {
      call = this.store.insertPacked(pack);
    } catch (e) {
      failed(e);
      return;
    }
    if (!call) this.countRows(pack, rows, length, null);
    else {
      this.inFlight += length;
      this.track(call, (e) => {
        this.inFlight -= length;
        if (e === null) this.countRows(pack, rows, length, null);
        else failed(e);
      });
    }
  }

  /** Counts a pack of which the first `stored` rows are in the store; `failure`: why the rest is not. */
  private countRows(
    pack: PackedResults,
    rows: readonly Result[],
    stored: number,
    failure: Error | null,
  ): void {
    const length = packedLength(pack);
    const { ends } = pack;
    const c = this.counts;
    c.stored += stored;
    c.notStored += length - stored;
    let start = 0;
    for (const [turretName, uuid, end] of pack.turrets) {
      const inFile = Math.max(0, Math.min(end, stored) - start);
      if (turretName === null) c.unattributed += inFile;
      if (uuid !== null) {
        if (inFile > 0) this.storedByUuid.set(uuid, (this.storedByUuid.get(uuid) ?? 0) + inFile);
        if (end - start > inFile)
          this.notStoredByUuid.set(uuid, (this.notStoredByUuid.get(uuid) ?? 0) + end - start - inFile);
      }
      start = end;
    }
    // A row's error is not empty when it ends after the previous row's texts.
    for (let i = 0, at = 0; i < stored * 2; i += 2) {
      if (ends[i]! > at) c.errors++;
      at = ends[i + 1]!;
    }
    if (pack.setupFailed) for (const i of pack.setupFailed) if (i < stored) c.setupFailures++;
    if (stored > 0) this.options.onCounted?.(pack, stored);
    if (this.options.onStored && stored > 0) {
      const all = rows.length > 0 ? rows : unpackResults(pack);
      this.options.onStored(stored === all.length ? all : all.slice(0, stored));
    }
    // Once: with an asynchronous store, calls made before the first failure settle after it.
    if (failure && this.storeFailure === null) {
      this.storeFailure = failure;
      this.options.onStoreFailed?.(failure);
    }
  }
}
