/**
 * @oct/protocol: the OCT wire protocol as code. Types and validators are generated from spec/schemas;
 * everything here is portable (no sockets, no Node APIs); CURVE key files, which need Node, are the
 * `@oct/protocol/curve-keys` entry point.
 *
 * This is the package's curated public surface: adding an export here is a decision (every other
 * package and third parties depend on it), so keep it small and documented.
 */
export * from './constants.js';
export type * from './generated/types.js';
export { schemas } from './generated/schemas.js';
export { protoSource } from './generated/proto.js';
export type { ProtocolError, ProtocolErrorCode, Decoded } from './errors.js';
export { classify, type MessageKind } from './classify.js';
export {
  canonicalState,
  normaliseResult,
  normaliseStatus,
  type Result,
  type TurretStatus,
} from './normalise.js';
export {
  validateCommandEnvelope,
  validateProjectConfig,
  validateResult,
  validateResultBatch,
  validateStatus,
  validateTurretConfig,
} from './validate.js';
export { decodeCommand, encodeCommand, isAddressedTo, type CommandFrame } from './command-frame.js';
export {
  decodeTurretFrame,
  decodeTurretValue,
  encodeProtobufBatch,
  encodeTurretMessage,
  type TurretMessage,
} from './turret-frame.js';
export { decodeProtobufBatch } from './protobuf.js';
export { parseJsonText, closestKey, unknownKeyWarnings, type JsonText } from './json-text.js';
export {
  checkProjectConfig,
  checkTurretConfig,
  turretExtraConfig,
  type ConfigCheck,
  type ResolvedProjectConfig,
  type ResolvedTurretConfig,
} from './config.js';
export { LogLinearHistogram, type HistogramPlain } from './histogram.js';
export {
  METRIC_ERRORS,
  METRIC_TRANSACTIONS,
  THRESHOLD_DIGITS,
  MetricAccumulator,
  checkThresholds,
  judgeThreshold,
  judgeThresholds,
  needsHistogram,
  thresholdLabel,
  type Bound,
  type MetricPlain,
  type MetricView,
  type Threshold,
  type ThresholdCheck,
  type ThresholdConfig,
  type ThresholdSource,
  type ThresholdVerdict,
} from './thresholds.js';
