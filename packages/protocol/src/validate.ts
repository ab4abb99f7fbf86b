/** Typed wrappers over the generated (ajv standalone) validators. */
import * as generated from './generated/validators.js';
import type {
  CommandEnvelope,
  ProjectConfig,
  ResultBatch,
  ResultMessage,
  StatusMessage,
  TurretConfig,
} from './generated/types.js';
import { describeSchemaError, type Decoded, type SchemaError } from './errors.js';

interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

function wrap<T>(fn: unknown, doc: string, clause: string): (data: unknown) => Decoded<T> {
  const validate = fn as GeneratedValidator;
  return (data) =>
    validate(data)
      ? { ok: true, value: data as T }
      : { ok: false, error: describeSchemaError(doc, clause, data, validate.errors) };
}

/** Validates a turret status message (spec 5.1). */
export const validateStatus = wrap<StatusMessage>(generated.validateStatus, 'status', '5.1');
/** Validates one result message (spec 5.3). */
export const validateResult = wrap<ResultMessage>(generated.validateResult, 'result', '5.3');
/** Validates a result batch (spec 8.4). */
export const validateResultBatch = wrap<ResultBatch>(generated.validateResultBatch, 'batch', '8.4');
/** Validates the envelope of any command (spec 3.1). */
export const validateCommandEnvelope = wrap<CommandEnvelope>(generated.validateCommand, 'command', '3.1');
/** Validates a project config.json (spec 9.2). */
export const validateProjectConfig = wrap<ProjectConfig>(generated.validateConfig, 'config', '9.2');
/** Validates a turret config (spec 9.1). */
export const validateTurretConfig = wrap<TurretConfig>(generated.validateTurretConfig, 'turret', '9.1');

/** Per-command validators for the commands this spec defines (spec 4.x). */
export const commandValidators: Record<string, (data: unknown) => Decoded<CommandEnvelope>> = {
  status_request: wrap(generated.validateCommandStatusRequest, 'status_request', '4.1'),
  start: wrap(generated.validateCommandStart, 'start', '4.2'),
  stop: wrap(generated.validateCommandStop, 'stop', '4.3'),
  kill: wrap(generated.validateCommandKill, 'kill', '4.4'),
  set_transaction_context: wrap(
    generated.validateCommandSetTransactionContext,
    'set_transaction_context',
    '4.5',
  ),
};
