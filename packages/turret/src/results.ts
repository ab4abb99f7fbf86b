/**
 * Turning canons' results into frames: one plain JSON result per frame, or batches (JSON or protobuf)
 * when the HQ advertised `batch` (spec 8.4, 8.5); `seq` when it advertised `accounting` (8.6). Until
 * an HQ advertised protocol 1.x, each result has exactly the keys an OCT 0.4 HQ stores (spec 12.2).
 */
import {
  encodeProtobufBatch,
  encodeTurretMessage,
  type ResultBatch,
  type ResultMessage,
} from '@oct/protocol';
import type { RawResult } from './firing.js';
import type { Outbox } from './outbox.js';

/** The extensions in use: those both sides advertised (spec 8.3). */
export interface Extensions {
  batch: boolean;
  protobuf: boolean;
  accounting: boolean;
}

/** A batch is sent when it holds this many results, or after FLUSH_MS, whichever comes first. */
export const BATCH_MAX = 1000;
export const FLUSH_MS = 50;

export class ResultSink {
  /** Results handed to the outbox since the last start; also the next `seq` (spec 8.6). */
  sent = 0;
  private pending: ResultMessage[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly turretName: string,
    private readonly uuid: string,
    private readonly outbox: Outbox,
    private readonly extensions: () => Extensions,
    /** No HQ advertised 1.x (spec 12.2): no uuid, no seq, no batch. */
    private readonly legacy: () => boolean = () => false,
  ) {}

  /** A new start: `seq` counts from 0 again. */
  reset(): void {
    this.discard();
    this.sent = 0;
  }

  add(results: readonly RawResult[]): void {
    if (this.legacy()) {
      this.flush();
      for (const r of results) {
        // Exactly the six keys OCT 0.4 stores (no setup_failed).
        const message: ResultMessage = {
          turret_name: this.turretName,
          elapsed: r.elapsed,
          epoch: r.epoch,
          scriptrun_time: r.scriptrun_time,
          error: r.error,
          custom_timers: r.custom_timers,
        };
        this.sent++;
        this.outbox.push(encodeTurretMessage(message), 1);
      }
      return;
    }
    const ext = this.extensions();
    if (!ext.batch) {
      this.flush();
      for (const r of results) {
        const message: ResultMessage = { turret_name: this.turretName, uuid: this.uuid, ...r };
        if (ext.accounting) message.seq = this.sent;
        this.sent++;
        this.outbox.push(encodeTurretMessage(message), 1);
      }
      return;
    }
    for (const r of results) {
      const message: ResultMessage = r as RawResult & ResultMessage;
      if (ext.accounting) message.seq = this.sent + this.pending.length;
      this.pending.push(message);
      if (this.pending.length >= BATCH_MAX) this.flush();
    }
    if (this.pending.length > 0) this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Sends what is pending now (before a status, so that `results_sent` counts it). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = {
      turret_name: this.turretName,
      uuid: this.uuid,
      results: this.pending,
    } as ResultBatch;
    const count = this.pending.length;
    this.pending = [];
    this.sent += count;
    this.outbox.push(
      this.extensions().protobuf ? encodeProtobufBatch(batch) : encodeTurretMessage(batch),
      count,
    );
  }

  /** Forgets pending results (kill). */
  discard(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
