/** The messages between the receive thread (IngestThread) and the ingest thread (ingest-worker). */
import type { TurretStatus } from '@oct/protocol';
import type { IngestCounts } from './ingest.js';
import type { LiveMetricsPlain, LiveMetricsSetup } from './live-metrics.js';
import type { PackedResults } from './result-columns.js';
import type { RunRow, TurretRow } from './store/store.js';

/** Given to the ingest thread as workerData. */
export interface IngestThreadSetup {
  /** A SQLite file path, or a postgresql:// URL (results_database.db_uri). */
  dbPath: string;
  /** The run's id (HqRun.runId): the PostgreSQL run row's run_uuid. */
  runId?: string;
  /** PostgreSQL: how long a store call may wait for the server (default PG_TIMEOUT_MS, 30 s). */
  storeTimeoutMs?: number;
  insertLimit: number;
  flushAt: number;
  run: RunRow | null;
  /** Post every decoded message back as a log line (console_logging). */
  logMessages: boolean;
  /** Post stored results back as JSON frames (external_publisher). */
  publishStored: boolean;
  /**
   * Int32Array over a SharedArrayBuffer: [0] chunks (frames or rows) processed, [1] while the
   * receiver waits, the count of [0] at which to wake it (else 0), [2] when the last processed chunk
   * was received (the receiver's ms, floored).
   */
  progress: SharedArrayBuffer;
  /** The metrics the run's thresholds are judged on, kept as results are stored; null: none. */
  metrics?: LiveMetricsSetup | null;
}

/** Field updates of the `run` row. */
export type RunFields = Partial<{
  started_at: number;
  stopped_at: number;
  finished_at: number;
  outcome: string;
}>;

/** Receive thread -> ingest thread, handled in order. */
export type ToIngest =
  | { t: 'frames'; chunk: ArrayBuffer; at: number }
  | { t: 'rows'; rows: PackedResults; at: number }
  | { t: 'flush'; id: number }
  | { t: 'turret'; row: TurretRow }
  | { t: 'run'; fields: RunFields }
  | { t: 'reject'; code: string; reason: string; frame: string }
  | { t: 'close' };

/** What the ingest thread has counted so far. */
export interface IngestTally {
  counts: IngestCounts;
  /** Results decoded: stored, about to be, or not stored (counts.notStored). */
  received: number;
  storedByUuid: [string, number][];
  notStoredByUuid: [string, number][];
  /** The live metrics (IngestThreadSetup.metrics) as of this tally; absent without thresholds. */
  metrics?: LiveMetricsPlain;
}

/** Ingest thread -> receive thread. */
export type FromIngest =
  | { t: 'ready' }
  | { t: 'failed'; message: string }
  | { t: 'tally'; tally: IngestTally }
  | { t: 'flushed'; id: number; tally: IngestTally }
  | { t: 'status'; status: TurretStatus; at: number }
  | { t: 'heard'; uuids: string[]; at: number }
  | { t: 'log'; line: string }
  | { t: 'stored'; frames: string[] }
  | { t: 'warning'; message: string }
  | { t: 'storeFailed'; message: string }
  | { t: 'unblocked' }
  | { t: 'closed'; tally: IngestTally; rejects: number };
