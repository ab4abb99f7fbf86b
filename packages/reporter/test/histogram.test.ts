import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as hdr from 'hdr-histogram-js';
import { LogLinearHistogram } from '../src/histogram.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

void test('percentiles equal hdr-histogram-js at the same precision (clamped to the exact min/max)', () => {
  for (const digits of [2, 3]) {
    const rnd = lcg(digits * 7);
    const mine = new LogLinearHistogram(digits);
    const ref = hdr.build({
      numberOfSignificantValueDigits: digits as 2 | 3,
      lowestDiscernibleValue: 1,
      highestTrackableValue: 2 ** 40,
      autoResize: true,
      useWebAssembly: false,
    });
    for (let i = 0; i < 50_000; i++) {
      // Log-uniform from 1 us to ~30 min, plus exact small values.
      const v = i % 100 === 0 ? i % 7 : Math.round(Math.exp(rnd() * Math.log(1.8e9)));
      mine.record(v);
      ref.recordValue(v);
    }
    for (const p of [0.1, 1, 10, 25, 50, 75, 80, 90, 95, 99, 99.9, 99.99, 100]) {
      const expected = Math.min(mine.max, Math.max(mine.min, ref.getValueAtPercentile(p)));
      assert.equal(mine.valueAtPercentile(p), expected, `digits ${digits}, p${p}`);
    }
    assert.equal(mine.totalCount, ref.totalCount);
  }
});

void test('every value is kept within its relative precision', () => {
  const h = new LogLinearHistogram(3);
  for (let v = 0; v < 5_000_000; v += 997) {
    const i = h.indexOf(v);
    assert.ok(h.lowestAt(i) <= v && v <= h.highestAt(i), `value ${v} in bucket ${i}`);
    assert.ok(h.highestAt(i) - h.lowestAt(i) <= Math.max(0, v / 1000), `bucket of ${v} narrower than 0.1 %`);
  }
  const big = 3 * 2 ** 33; // beyond the 31-bit fast path
  const i = h.indexOf(big);
  assert.ok(h.lowestAt(i) <= big && big <= h.highestAt(i));
});

void test('add merges counts, and an empty histogram has no percentile', () => {
  const a = new LogLinearHistogram(2);
  const b = new LogLinearHistogram(2);
  assert.ok(Number.isNaN(a.valueAtPercentile(50)));
  for (let v = 1; v <= 100; v++) a.record(v);
  for (let v = 101; v <= 200; v++) b.record(v * 1000);
  a.add(b);
  assert.equal(a.totalCount, 200);
  assert.equal(a.min, 1);
  assert.equal(a.max, 200_000);
  assert.equal(a.valueAtPercentile(50), 100);
  assert.throws(() => a.add(new LogLinearHistogram(3)), /different precision/);
});
