/**
 * Validation and decoding errors as values. Every message names the field, the spec clause and the
 * offending value, e.g. `result.scriptrun_time must be a number >= 0 (spec 5.3), got "abc"`.
 */

/** What went wrong, coarsely; `message` says it precisely. */
export type ProtocolErrorCode =
  | 'empty'
  | 'not_utf8'
  | 'not_json'
  | 'not_object'
  | 'unknown_kind'
  | 'invalid'
  | 'bad_protobuf'
  | 'bad_command_frame';

export interface ProtocolError {
  code: ProtocolErrorCode;
  /** One line a human can act on. */
  message: string;
  /** Dotted path of the field at fault, e.g. `result.custom_timers.login`. */
  path?: string;
  /** Spec clause that the input breaks, e.g. `5.3`. */
  clause?: string;
  /** The offending value (absent when a field is missing). */
  value?: unknown;
}

/** A decode outcome: never an exception. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

export function fail(
  code: ProtocolErrorCode,
  message: string,
  extra: Omit<ProtocolError, 'code' | 'message'> = {},
): { ok: false; error: ProtocolError } {
  return { ok: false, error: { code, message, ...extra } };
}

/** The shape of ajv's error objects that we read. */
export interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Turns the first schema error into a ProtocolError for document `doc` (e.g. `result`). */
export function describeSchemaError(
  doc: string,
  clause: string,
  data: unknown,
  errors: readonly SchemaError[] | null | undefined,
): ProtocolError {
  const err = pickError(errors ?? []);
  if (!err) return { code: 'invalid', message: `${doc} is invalid (spec ${clause})`, clause };
  const segments = err.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (err.keyword === 'required') {
    let missing = String(err.params.missingProperty);
    if (missing === 'cannons') missing = 'canons'; // canons, or its legacy spelling cannons
    const path = [doc, ...segments, missing].join('.');
    return { code: 'invalid', message: `${path} is required (spec ${clause})`, path, clause };
  }
  const path = [doc, ...segments].join('.');
  const value = valueAt(data, segments);
  const fieldClause = segments.length === 1 && segments[0] === 'status' && doc === 'status' ? '5.2' : clause;
  return {
    code: 'invalid',
    message: `${path} ${expectation(err)} (spec ${fieldClause}), got ${show(value)}`,
    path,
    clause: fieldClause,
    value,
  };
}

/** With anyOf, ajv lists each branch's error before the anyOf error: the anyOf one says most. */
function pickError(errors: readonly SchemaError[]): SchemaError | undefined {
  return errors.find((e) => e.keyword === 'anyOf') ?? errors[0];
}

function expectation(err: SchemaError): string {
  const sp = err.schemaPath;
  if (sp.includes('$defs/seconds')) return 'must be a number >= 0';
  if (sp.includes('$defs/count')) return 'must be a whole number >= 0';
  if (sp.includes('$defs/port')) return 'must be a port number from 1 to 65535';
  if (sp.includes('$defs/protocol_version')) return 'must be a version "1.<minor>"';
  if (sp.endsWith('/status/pattern'))
    return 'must be one of initialized, ready, running, aborted, killed (any case)';
  switch (err.keyword) {
    case 'type':
      return `must be ${article(String(err.params.type))}`;
    case 'minLength':
      return 'must not be empty';
    case 'minItems':
      return `must have at least ${String(err.params.limit)} item(s)`;
    case 'const':
      return `must be ${JSON.stringify(err.params.allowedValue)}`;
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
      return `must be ${String(err.params.comparison)} ${String(err.params.limit)}`;
    case 'anyOf':
      return 'does not have an accepted form';
    default:
      return err.message ?? 'is invalid';
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function valueAt(data: unknown, segments: string[]): unknown {
  let v = data;
  for (const s of segments)
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined;
  return v;
}

/** A short rendering of a value for an error message. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
