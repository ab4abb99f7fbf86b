/**
 * Reading config files as a user wrote them: a JSON syntax error named by file:line:column, and
 * unknown keys warned about with a "did you mean" when one known key is close. No I/O here.
 */

/** A parsed JSON text, or where and why it is not JSON. */
export type JsonText =
  { ok: true; value: unknown } | { ok: false; line: number; column: number; reason: string; message: string };

/**
 * Parses `text` as JSON. On a syntax error, `message` is `<source>:<line>:<column>: not valid JSON:
 * <reason>` (line and column from 1), as editors and compilers say where a mistake is.
 */
export function parseJsonText(text: string, source: string): JsonText {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    // V8 says what is wrong, and where only for some mistakes: find the offset by scanning.
    const offset = firstErrorOffset(text);
    const { line, column } = lineColumn(text, offset < 0 ? text.length : offset);
    const reason =
      (e as Error).message
        .replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '')
        .replace(/ (?:in JSON )?at position \d+.*$/s, '')
        .replace(/ \(line \d+ column \d+\)$/, '') || 'syntax error';
    return {
      ok: false,
      line,
      column,
      reason,
      message: `${source}:${line}:${column}: not valid JSON: ${reason}`,
    };
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrt';

/** Offset of the first character at which `t` stops being JSON (RFC 8259), or -1 if it is JSON. */
export function firstErrorOffset(t: string): number {
  let i = 0;
  const fail = (): never => {
    throw new JsonStop(i);
  };
  const ws = (): void => {
    while (i < t.length && (t[i] === ' ' || t[i] === '\t' || t[i] === '\n' || t[i] === '\r')) i++;
  };
  const string = (): void => {
    i++; // the opening quote
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail();
      if (c === 92) {
        i++;
        if (t[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(i + 1, i + 5))) fail();
          i += 5;
          continue;
        }
        if (i >= t.length || !ESCAPES.includes(t[i]!)) fail();
      }
      i++;
    }
    fail();
  };
  const value = (depth: number): void => {
    ws();
    const c = t[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (t[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (t[i] !== '"') fail();
          string();
          ws();
          if (t[i] !== ':') fail();
          i++;
        }
        value(depth + 1);
        ws();
        if (t[i] === ',') {
          i++;
          continue;
        }
        if (t[i] === close) {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null'])
      if (t.startsWith(word, i)) {
        i += word.length;
        return;
      }
    NUMBER.lastIndex = i;
    if (NUMBER.exec(t)) {
      i = NUMBER.lastIndex;
      return;
    }
    fail();
  };
  try {
    value(0);
    ws();
    if (i < t.length) fail();
    return -1;
  } catch (e) {
    if (e instanceof JsonStop) return e.offset;
    throw e;
  }
}

class JsonStop {
  constructor(readonly offset: number) {}
}

/** Edit distance (insertions, deletions, substitutions) between `a` and `b`. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** The one known key within edit distance 2 of `key` (the closest; none when two tie), or null. */
export function closestKey(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  let tie = false;
  for (const k of known) {
    const d = levenshtein(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) tie = true;
  }
  // Very short keys are within 2 of almost anything: ask for at least as many matching characters.
  if (best === null || tie || bestDistance >= Math.max(key.length, 2)) return null;
  return best;
}

/**
 * One WARNING per key of `data` that `known` does not list: kept all the same (spec 9.1, 9.2), with
 * a "did you mean" when one known key is close. With `onlyClose`, keys near no known key pass
 * silently (a turret config's own keys for its script are expected there).
 */
export function unknownKeyWarnings(
  data: unknown,
  known: readonly string[],
  source: string,
  onlyClose = false,
): string[] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  const out: string[] = [];
  for (const key of Object.keys(data)) {
    if (known.includes(key)) continue;
    const near = closestKey(key, known);
    if (near !== null)
      out.push(`WARNING: ${source}: unknown key "${key}" (did you mean "${near}"?); kept as written`);
    else if (!onlyClose) out.push(`WARNING: ${source}: unknown key "${key}"; kept as written`);
  }
  return out;
}
