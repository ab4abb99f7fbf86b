/** timersJson must write exactly what JSON.stringify writes, for any custom_timers object. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { timersJson } from '../src/timers-json.js';

/** Deterministic generator (mulberry32), so a failure is reproducible. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = [
  'login',
  'Example_Timer',
  'étape ✓',
  '😀',
  '0',
  '42',
  '-1',
  '__proto__',
  'a"b',
  'a\\b',
  'tab\t',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '',
];
const SECONDS = [
  0,
  -0,
  0.1,
  1 / 3,
  0.000512,
  1e-7,
  123456.789,
  1e21,
  1.7976931348623157e308,
  5e-324,
  NaN,
  Infinity,
];

void it('equals JSON.stringify on awkward names and numbers', () => {
  for (const name of NAMES) {
    for (const seconds of SECONDS) {
      // JSON.parse makes own data properties, even of __proto__, as results arrive.
      const timers = JSON.parse(`{${JSON.stringify(name)}: 0}`) as Record<string, number>;
      timers[name] = seconds;
      assert.equal(timersJson(timers), JSON.stringify(timers), `${JSON.stringify(name)}: ${seconds}`);
    }
  }
  assert.equal(timersJson({}), '{}');
});

void it('equals JSON.stringify on many generated objects, names seen before or not', () => {
  const random = prng(20261124);
  for (let n = 0; n < 20_000; n++) {
    const timers: Record<string, number> = {};
    const size = Math.floor(random() * 5);
    for (let k = 0; k < size; k++) {
      const name =
        random() < 0.7
          ? NAMES[Math.floor(random() * NAMES.length)]!
          : String.fromCharCode(
              ...Array.from({ length: 1 + Math.floor(random() * 6) }, () => Math.floor(random() * 0xffff)),
            );
      timers[name] =
        random() < 0.9
          ? random() * 10 ** Math.floor(random() * 12 - 6)
          : SECONDS[Math.floor(random() * SECONDS.length)]!;
    }
    assert.equal(timersJson(timers), JSON.stringify(timers));
  }
});

void it('leaves inherited names out, as JSON.stringify does', () => {
  const timers = Object.create({ inherited: 1 }) as Record<string, number>;
  timers.own = 2;
  assert.equal(timersJson(timers), '{"own":2}');
});
