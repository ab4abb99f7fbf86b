/** Messages between the main thread (sockets, state) and the worker threads (canons). */
import type { ResolvedTurretConfig } from '@oct/protocol';
import type { FiringPlan } from './firing.js';
import type { ResultColumns } from './result-chunk.js';

/** What a worker is started with. */
export interface WorkerInit {
  scriptPath: string;
  config: ResolvedTurretConfig;
  /**
   * Int32Array over a SharedArrayBuffer, per worker: [0] results posted by the worker and not yet
   * taken by the main thread (the worker adds, the main thread subtracts).
   */
  handover: SharedArrayBuffer;
}

export type ToWorker =
  | { type: 'start'; plan: FiringPlan }
  | { type: 'stop'; graceMs: number; tearDownMs: number }
  | { type: 'pause' }
  | { type: 'resume' };

export type FromWorker =
  | { type: 'loaded' }
  | { type: 'load_error'; message: string }
  | { type: 'results'; results: ResultColumns }
  | { type: 'stopped'; abandoned: number }
  | { type: 'log'; line: string };
