/** config.json `thresholds`: checked with one line per mistake, judged against any metric source. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MetricAccumulator,
  checkProjectConfig,
  checkThresholds,
  judgeThresholds,
  type Threshold,
  type ThresholdSource,
} from '../src/index.js';

const base = {
  run_time: 5,
  results_ts_interval: 1,
  turrets: [{ name: 'a', canons: 1, rampup: 0, script: 'v_user.js' }],
};

function errorsOf(thresholds: unknown): string[] {
  const r = checkProjectConfig({ ...base, thresholds }, 'proj/config.json');
  return r.ok ? [] : r.errors;
}

function parsed(thresholds: unknown[]): Threshold[] {
  const r = checkThresholds(thresholds);
  assert.ok(r.ok, JSON.stringify(r));
  return r.thresholds;
}

void describe('checking thresholds', () => {
  void it('accepts the documented forms, with no default warning for the key', () => {
    const r = checkProjectConfig(
      {
        ...base,
        thresholds: [
          { metric: 'transactions', stat: 'p95', lt: 0.5 },
          { metric: 'checkout', stat: 'p99.9', lte: 2, gt: 0 },
          { metric: 'errors', stat: 'error_rate', lt: 0.01, abort_on_fail: true, delay_abort_eval: 10 },
          { metric: 'transactions', stat: 'rstddev', gte: 0, lte: 0 },
        ],
      },
      'proj/config.json',
    );
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok(!r.warnings.some((w) => w.includes('thresholds')));
  });

  void it('names the file, the index and the metric of each mistake, in one line', () => {
    assert.deepEqual(errorsOf([{ metric: 'transactions', stat: 'p95x', lt: 1 }]), [
      'proj/config.json: thresholds[0] (transactions).stat "p95x" is not a statistic: use count, rate, error_rate, min, max, avg, stdev, rstddev or a percentile p<N> with N from 0 to 100 (p50, p95, p99.9)',
    ]);
    assert.deepEqual(errorsOf([{ metric: 'x', stat: 'p101', lt: 1 }]).length, 1);
    assert.deepEqual(errorsOf([{ metric: 'x', stat: 'p95' }]), [
      'proj/config.json: thresholds[0] (x): no bound: set one of lt, lte, gt, gte (e.g. "lt": 0.5)',
    ]);
    assert.deepEqual(errorsOf([{ metric: 'x', stat: 'avg', lt: 1, gt: 2 }]), [
      'proj/config.json: thresholds[0] (x): the bounds > 2 and < 1 contradict each other: no value can pass',
    ]);
    assert.match(errorsOf([{ metric: 'x', stat: 'avg', lt: 1, gte: 1 }])[0]!, /contradict/);
    assert.match(errorsOf([{ metric: 'x', stat: 'avg', lt: 1, lte: 2 }])[0]!, /lt and lte both set/);
    assert.match(
      errorsOf([{ metric: 'errors', stat: 'p95', lt: 1 }])[0]!,
      /does not apply to the metric "errors"/,
    );
    assert.match(
      errorsOf([{ metric: 'x', stat: 'avg', lt: '1' }])[0]!,
      /thresholds\[0\] \(x\)\.lt must be a number/,
    );
    assert.match(errorsOf([{ metric: 'x', stat: 'avg', lt: 1, abort: true }])[0]!, /unknown key "abort"/);
    assert.match(errorsOf([{ stat: 'avg', lt: 1 }])[0]!, /thresholds\[0\]\.metric must name a metric/);
    assert.deepEqual(errorsOf({}), ['proj/config.json: thresholds must be a list of thresholds']);
  });
});

void describe('judging thresholds', () => {
  const all = new MetricAccumulator(true);
  const values = [0.1, 0.2, 0.3, 0.4, 1.0];
  values.forEach((v, i) => all.record(v, i === 4));
  const checkout = new MetricAccumulator(true);
  checkout.record(0.05, false);
  const source: ThresholdSource = {
    all,
    timer: (name) => (name === 'checkout' ? checkout : undefined),
    span: 10,
  };

  void it('computes each statistic from exact counts and the histogram', () => {
    const v = judgeThresholds(
      parsed([
        { metric: 'transactions', stat: 'count', gte: 5 },
        { metric: 'transactions', stat: 'rate', gt: 0.6 },
        { metric: 'transactions', stat: 'error_rate', lt: 0.1 },
        { metric: 'errors', stat: 'count', lte: 1 },
        { metric: 'errors', stat: 'rate', lt: 0.05 },
        { metric: 'transactions', stat: 'max', lte: 1 },
        { metric: 'transactions', stat: 'p50', lt: 0.3 },
        { metric: 'transactions', stat: 'avg', gt: 0.39, lt: 0.41 },
        { metric: 'checkout', stat: 'min', gte: 0.05 },
      ]),
      source,
    );
    assert.deepEqual(
      v.map((x) => [x.actual, x.passed]),
      [
        [5, true],
        [0.5, false],
        [0.2, false],
        [1, true],
        [0.1, false],
        [1, true],
        // The histogram's highest value equivalent to 0.3 s (3 significant digits: at most 0.1 % above).
        [0.300031, false],
        [0.4, true],
        [0.05, true],
      ],
    );
    assert.equal(v[1]!.message, 'transactions rate = 0.5 (not > 0.6)');
    assert.equal(v[0]!.bound, '>= 5');
    assert.equal(v[7]!.bound, '> 0.39 and < 0.41');
  });

  void it('fails a metric nothing produced, never a silent pass', () => {
    const [v] = judgeThresholds(parsed([{ metric: 'chekout', stat: 'p95', lt: 100 }]), source);
    assert.equal(v!.passed, false);
    assert.equal(v!.actual, null);
    assert.match(v!.message, /no stored result has the custom timer "chekout"/);
    const empty: ThresholdSource = { all: new MetricAccumulator(true), timer: () => undefined, span: null };
    const [e] = judgeThresholds(parsed([{ metric: 'transactions', stat: 'p95', lt: 100 }]), empty);
    assert.equal(e!.passed, false);
    assert.match(e!.message, /nothing to judge \(no result was stored\)/);
  });
});
