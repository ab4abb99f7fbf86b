/**
 * @oct/turret: the reference OCT turret. This is the package's curated public entry: adding an
 * export here is a decision (scripts and other packages depend on it).
 */
export {
  startTurret,
  EXIT,
  STOP_GRACE_MS,
  TurretConfigError,
  type Turret,
  type TurretOptions,
} from './turret.js';
export { loadTurretConfig, UsageError, type LoadedConfig } from './config-file.js';
export {
  timed,
  type CustomTimers,
  type TransactionArgs,
  type TransactionClass,
  type TransactionContext,
  type TransactionFunction,
  type TransactionInstance,
} from './transaction.js';
