/**
 * Validation and decoding errors as values. Every message names the field, the spec clause and the
 * offending value, e.g. `result.scriptrun_time must be a number >= 0 (spec 5.3), got "abc"`.
 *
 * The values described here come off the wire, so describing them is bounded in depth, size and
 * time whatever they are (issue 15: a 20 KB frame of nested arrays once overflowed the stack in
 * JSON.stringify and then in String(), and stopped the HQ's receive loop): a message is one line of
 * a few hundred characters at most, and building it never throws.
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
    const path = dotted(doc, [...segments, missing]);
    return { code: 'invalid', message: `${path} is required (spec ${clause})`, path, clause };
  }
  const path = dotted(doc, segments);
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

/** A path segment (a property name from the wire) longer than this is shortened in paths. */
const SEGMENT_CHARS = 40;

/** `doc.seg.seg`, each segment shortened to SEGMENT_CHARS (a turret chooses custom_timers' names). */
function dotted(doc: string, segments: readonly string[]): string {
  const clip = (s: string): string => (s.length > SEGMENT_CHARS ? `${s.slice(0, SEGMENT_CHARS - 3)}...` : s);
  return [doc, ...segments.map(clip)].join('.');
}

/** Longest rendering of a value in an error message. */
const SHOW_CHARS = 80;
/** Arrays and objects nested deeper than this are shown as `[...]` and `{...}`. */
const SHOW_DEPTH = 16;

/**
 * A short rendering of a value for an error message: JSON, cut at 80 characters (`...`), nesting
 * beyond 16 levels shown as `[...]` / `{...}`, non-finite numbers as `Infinity` / `NaN` (a number
 * literal too large for a double parses as Infinity). Bounded whatever the value: it reads at most
 * about 80 characters' worth of it (plus the key list of each object it opens), recurses at most
 * 16 levels, and never throws.
 */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = render(value, SHOW_CHARS + 1);
  } catch {
    text = `(${typeof value})`; // an exotic object (a throwing getter or proxy): never from the wire
  }
  return text.length > SHOW_CHARS ? `${text.slice(0, SHOW_CHARS - 3)}...` : text;
}

/** JSON.stringify(value) up to `limit` characters, at most SHOW_DEPTH levels deep. */
function render(value: unknown, limit: number): string {
  let out = '';
  /** Appends; false once the text is long enough, so the walk stops. */
  const put = (s: string): boolean => {
    out += s.length > limit - out.length ? s.slice(0, limit - out.length) : s;
    return out.length < limit;
  };
  const str = (s: string): string => JSON.stringify(s.length > limit ? s.slice(0, limit) : s);
  const walk = (v: unknown, depth: number): boolean => {
    switch (typeof v) {
      case 'string':
        return put(str(v));
      case 'number':
      case 'boolean':
        return put(String(v));
      case 'bigint':
        return put(v >= -(10n ** 30n) && v <= 10n ** 30n ? `${v}n` : '(bigint)');
      case 'object': {
        if (v === null) return put('null');
        if (Array.isArray(v)) {
          if (depth >= SHOW_DEPTH) return put('[...]');
          if (!put('[')) return false;
          for (let i = 0; i < v.length; i++) {
            if (i > 0 && !put(',')) return false;
            const item: unknown = v[i];
            const shown =
              item === undefined || typeof item === 'function' ? put('null') : walk(item, depth + 1);
            if (!shown) return false;
          }
          return put(']');
        }
        if (depth >= SHOW_DEPTH) return put('{...}');
        if (!put('{')) return false;
        let first = true;
        for (const key in v) {
          if (!Object.hasOwn(v, key)) continue;
          const item = (v as Record<string, unknown>)[key];
          if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
          if (!put(`${first ? '' : ','}${str(key)}:`) || !walk(item, depth + 1)) return false;
          first = false;
        }
        return put('}');
      }
      default: // undefined, function, symbol at the top
        return put(`(${typeof v})`);
    }
  };
  walk(value, 0);
  return out;
}
