/**
 * Thresholds judged by the HQ: over the merged results of every turret (JSON, protobuf and legacy
 * turrets together), from the ingest thread's accumulators, equal to what the results file holds;
 * abort_on_fail stopping a run; the programmatic API's verdicts and exit codes.
 *
 *   HQ PUB  -- status_request, start, stop -->  turrets SUB
 *   HQ PULL <-- status, result / batch -------  turrets PUSH   (ingest thread: store + live metrics)
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LogLinearHistogram, MetricAccumulator } from '@oct/protocol';
import { EXIT_CODES, THRESHOLDS_FAILED_EXIT, startRun } from '../src/index.js';
import { LiveMetrics, liveSource } from '../src/live-metrics.js';
import { ResultPacker } from '../src/result-columns.js';
import { killAll, query, spawnTurret, tempProject, type TempProject } from './helpers.js';

const children: ChildProcess[] = [];
const projects: TempProject[] = [];
after(() => {
  killAll(children);
  for (const p of projects) p.cleanup();
});

void describe('live metrics (ingest thread)', () => {
  void it('read every stored row of a pack, custom timers from their JSON, errors from the error text', () => {
    const packer = new ResultPacker(16);
    const rows: { rt: number; error: string; timers: Record<string, number> }[] = [
      { rt: 0.01, error: '', timers: { work: 0.004, other: 1 } },
      { rt: 0.02, error: 'boom', timers: { work: 0.008 } },
      { rt: 0.03, error: '', timers: {} },
      { rt: 0.5, error: '', timers: { other: 2, work: 0.1 } },
    ];
    rows.forEach((r, i) =>
      packer.add({
        turret_name: 't',
        uuid: 'u',
        elapsed: i,
        epoch: 1000 + i,
        scriptrun_time: r.rt,
        error: r.error,
        custom_timers: r.timers,
        seq: i,
      }),
    );
    const live = new LiveMetrics({ allHistogram: true, timers: [['work', true]] });
    live.add(packer.take()!, 3); // the last row was not stored: not counted
    const source = liveSource(live.snapshot());
    assert.equal(source.all.count, 3);
    assert.equal(source.all.errors, 1);
    assert.equal(source.all.max, 0.03);
    assert.equal(source.span, 2);
    const work = source.timer('work')!;
    assert.equal(work.count, 2);
    assert.equal(work.errors, 1, "a failed transaction's timer counts as an error of that timer");
    assert.equal(work.max, 0.008);
    assert.equal(source.timer('nope'), undefined);
  });

  void it('read each timer value exactly as JSON.parse does (the report parses it)', () => {
    const values = [0.1 + 0.2, 1 / 3, 123456.789012, 1e-7, 2.5e21, -0.004, 0, 7, 0.000123456789012345];
    for (let i = 0; i < 500; i++) values.push(Math.random() * 10 ** (i % 9) - 10 ** ((i % 5) - 3));
    const packer = new ResultPacker(values.length);
    values.forEach((v, i) =>
      packer.add({
        turret_name: 't',
        uuid: 'u',
        elapsed: i,
        epoch: 1000,
        scriptrun_time: 0.01,
        error: '',
        custom_timers: i % 2 ? { x: v, other: 1 } : { other: 2, x: v },
        seq: i,
      }),
    );
    const pack = packer.take()!;
    const all = new LiveMetrics({ allHistogram: false, timers: [['x', false]] });
    all.add(pack, values.length);
    const x = liveSource(all.snapshot()).timer('x')!;
    assert.equal(x.min, Math.min(...values));
    assert.equal(x.max, Math.max(...values));
    for (const v of values) {
      const p = new ResultPacker(1);
      p.add({
        turret_name: 't',
        uuid: 'u',
        elapsed: 0,
        epoch: 1,
        scriptrun_time: 0.01,
        error: '',
        custom_timers: { x: v },
        seq: 0,
      });
      const l = new LiveMetrics({ allHistogram: false, timers: [['x', false]] });
      l.add(p.take()!, 1);
      assert.equal(liveSource(l.snapshot()).timer('x')!.max, v, `timer value ${v}`);
    }
  });

  void it('leave out rows that report a failed setup (no transaction, as in the report)', () => {
    const packer = new ResultPacker(4);
    for (const [i, rt] of [0.01, 0.0001, 0.03].entries())
      packer.add({
        turret_name: 't',
        uuid: 'u',
        elapsed: i,
        epoch: 1000 + i,
        scriptrun_time: rt,
        error: i === 1 ? 'setup failed' : '',
        custom_timers: {},
        seq: i,
      });
    const pack = packer.take()!;
    (pack as { setupFailed?: number[] }).setupFailed = [1];
    const live = new LiveMetrics({ allHistogram: false, timers: [] });
    live.add(pack, 3);
    const all = liveSource(live.snapshot()).all;
    assert.equal(all.count, 2);
    assert.equal(all.errors, 0);
    assert.equal(all.min, 0.01);
  });
});

void describe('thresholds in a run', () => {
  void it('are judged over every turret (json, protobuf, legacy), equal to the results file; a failed one exits 99', async () => {
    const p = tempProject({
      run_time: 3,
      min_turrets: 3,
      turrets: [{ name: 'placeholder', canons: 1, script: 'v_user.js' }],
      thresholds: [
        { metric: 'transactions', stat: 'count', gt: 0 },
        { metric: 'transactions', stat: 'p90', lt: 0.0000001 },
        { metric: 'work', stat: 'max', gte: 0 },
        { metric: 'worq', stat: 'avg', lt: 1 },
        { metric: 'errors', stat: 'count', lte: 0 },
      ],
    });
    projects.push(p);
    const run = await startRun({ projectDir: p.dir, ephemeralPorts: true, resultsDir: join(p.dir, 'r') });
    children.push(
      spawnTurret('modern', p.dir, { name: 'json', canons: 2 }, run),
      spawnTurret('modern', p.dir, { name: 'proto', canons: 2, fixture_encoding: 'protobuf' }, run),
      spawnTurret('legacy', p.dir, { name: 'legacy', cannons: '2' }, run),
    );
    const summary = await run.done;
    assert.equal(summary.outcome, 'completed', summary.message);
    assert.equal(summary.exitCode, THRESHOLDS_FAILED_EXIT);
    const v = summary.thresholds;
    assert.deepEqual(
      v.map((x) => x.passed),
      [true, false, true, false, true],
    );
    // Exactly what the file holds, all turrets merged.
    const rows = query<{ rt: number; work: number | null; turret_name: string | null }>(
      summary.dbPath,
      "SELECT scriptrun_time AS rt, json_extract(custom_timers, '$.work') AS work, turret_name FROM result",
    );
    assert.ok(new Set(rows.map((r) => r.turret_name)).size === 3, 'results from all three turrets');
    assert.equal(v[0]!.actual, rows.length);
    assert.equal(v[0]!.actual, summary.transactions);
    const h = new LogLinearHistogram(3);
    for (const r of rows) h.record(r.rt * 1e6);
    assert.equal(v[1]!.actual, h.valueAtPercentile(90) / 1e6, 'p90 from the same histogram as the report');
    const work = new MetricAccumulator(false);
    for (const r of rows) if (r.work !== null) work.record(r.work, false);
    assert.equal(v[2]!.actual, work.max);
    assert.equal(v[3]!.actual, null);
    assert.match(v[3]!.message, /no stored result has the custom timer "worq"/);
  });

  void it('abort_on_fail stops the run once past delay_abort_eval: outcome threshold_aborted, exit 98', async () => {
    const p = tempProject({
      run_time: 60,
      min_turrets: 2,
      turrets: [{ name: 'placeholder', canons: 1, script: 'v_user.js' }],
      thresholds: [
        { metric: 'transactions', stat: 'error_rate', lt: 0.1, abort_on_fail: true, delay_abort_eval: 1 },
      ],
    });
    projects.push(p);
    writeFileSync(
      join(p.dir, 'v_user.js'),
      `export class Transaction {
  async run() { await new Promise((r) => setTimeout(r, 5)); throw new Error('down'); }
}
`,
    );
    const run = await startRun({ projectDir: p.dir, ephemeralPorts: true, resultsDir: join(p.dir, 'r') });
    children.push(
      spawnTurret('modern', p.dir, { name: 'a', canons: 2 }, run),
      spawnTurret('modern', p.dir, { name: 'b', canons: 2, fixture_encoding: 'protobuf' }, run),
    );
    const summary = await run.done;
    assert.equal(summary.outcome, 'threshold_aborted', summary.message);
    assert.equal(summary.exitCode, EXIT_CODES.threshold_aborted);
    assert.equal(summary.exitCode, 98);
    assert.match(
      summary.message,
      /thresholds\[0\] failed during the run \(abort_on_fail\): transactions error_rate = 1/,
    );
    const ran = summary.stoppedAt! - summary.startedAt!;
    assert.ok(ran >= 1, `not before delay_abort_eval (stopped after ${ran} s)`);
    assert.ok(ran < 30, `stopped early (after ${ran} s of a run_time 60)`);
    assert.equal(summary.thresholds[0]!.passed, false);
    assert.equal(summary.thresholds[0]!.actual, 1);
  });
});
