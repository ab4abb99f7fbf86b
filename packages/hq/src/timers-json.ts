/**
 * custom_timers as stored: the JSON text of an object of names to seconds. JSON.stringify takes
 * 0.3-0.5 us for a one-timer object, about a tenth of what the HQ spends on a result; building the
 * text by hand takes a quarter of that (bench/hq/pack.ts). Written by hand rather than with a
 * schema-driven serialiser library: it is a few lines, and it must equal JSON.stringify exactly,
 * which a test checks.
 */

/** Names JSON.stringify writes as they are: no quote, backslash, control character or surrogate. */
const PLAIN_NAME = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
/** `"name":` for names seen before (timer names repeat in every result); bounded. */
const prefixes = new Map<string, string>();
const MAX_PREFIXES = 1024;

/** JSON.stringify(timers), faster for the usual object: plain names and finite numbers. */
export function timersJson(timers: Readonly<Record<string, number>>): string {
  let json = '{';
  for (const name in timers) {
    if (!Object.hasOwn(timers, name)) return JSON.stringify(timers);
    const seconds = timers[name]!;
    let prefix = prefixes.get(name);
    if (prefix === undefined) {
      if (!PLAIN_NAME.test(name)) return JSON.stringify(timers);
      prefix = `"${name}":`;
      if (prefixes.size < MAX_PREFIXES) prefixes.set(name, prefix);
    }
    // String(number) is the JSON form of a finite number; JSON writes the others as null.
    if (!Number.isFinite(seconds)) return JSON.stringify(timers);
    json += json.length === 1 ? prefix + seconds : ',' + prefix + seconds;
  }
  return json + '}';
}
