/**
 * @oct/hq: the headquarters. Binds PUB and PULL (spec 2.1), learns turrets from their statuses,
 * orchestrates a run and stores every result in a SQLite file or PostgreSQL (README: Results store).
 *
 * This is the package's curated public surface: adding an export here is a decision.
 */
export { startRun, HqRun, HQ_VERSION } from './run.js';
export {
  HqError,
  EXIT_CODES,
  THRESHOLDS_FAILED_EXIT,
  type Outcome,
  type RunPhase,
  type RunProgress,
  type RunSummary,
  type RunEvents,
  type StartRunOptions,
  type TurretEvent,
  type TurretView,
} from './run-types.js';
export { dbPathFor, newResultsDir, timestamp } from './results-path.js';
export {
  loadProject,
  checkProject,
  type Project,
  type ProjectConfig,
  type ProjectLoad,
  type ProjectTurret,
} from './project.js';
export { Ingest, type IngestCounts, type IngestOptions } from './ingest.js';
export { IngestThread, type IngestThreadOptions } from './ingest-thread.js';
export { pumpFrames, RECEIVE_HIGH_WATER_MARK, type PumpOptions } from './pump.js';
export {
  ResultPacker,
  unpackResults,
  packedLength,
  type PackedResults,
  type TurretRun,
} from './result-columns.js';
export { timersJson } from './timers-json.js';
export { PgStore } from './store/pg-store.js';
export { isPgUri, maskUri } from './store/pg-uri.js';
export { ResultsStore, schemaSql, REJECT_KEEP_BYTES, type TurretRow, type RunRow } from './store/store.js';
export {
  TurretRegistry,
  isModern,
  hasAccounting,
  isDead,
  type ShownState,
  type TurretInfo,
} from './registry.js';
