/**
 * `oct run` with turrets whose wall clocks are wrong: fake turret processes over real sockets
 * (test/fixtures/clock-turret.mjs: results every 10 ms, epochs from a clock set by `fixture_clock`).
 *
 *   oct (HQ PUB/PULL on free ports)  -- start, stop -->  steady, in-1970, in-2100
 *                                    <-- results -----   (epochs: now, 1970-01-01..., 2100-01-01...)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, it } from 'node:test';
import { oct, query, resultsPath, summaryPath } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'oct-cli-clock-'));
after(() => rmSync(root, { recursive: true, force: true }));
const clockTurret = fileURLToPath(new URL('./fixtures/clock-turret.mjs', import.meta.url));

interface TurretSummary {
  name: string;
  results_in_file: number;
  results_outside_window: number | null;
}

void it('flags each turret whose results carry epochs far outside the run, stores them, and keeps them out of the intervals', async () => {
  const dir = join(root, 'project');
  assert.equal((await oct(['new-project', dir]).exited).code, 0);
  const file = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  config.run_time = 3;
  config.progress_bar = false;
  config.min_turrets = 3;
  config.turrets = [
    { name: 'steady', canons: 1, rampup: 0, script: 'v_user.js' },
    { name: 'in-1970', canons: 1, rampup: 0, script: 'v_user.js', fixture_clock: 1 },
    { name: 'in-2100', canons: 1, rampup: 0, script: 'v_user.js', fixture_clock: 4_102_444_800 },
  ];
  writeFileSync(file, JSON.stringify(config, null, 2));

  const res = await oct(['run', '--local', dir], { ...process.env, OCT_TURRET_BIN: clockTurret }).exited;
  const output = `${res.stdout}\n${res.stderr}`;
  assert.equal(res.code, 0, output);

  // Everything is stored.
  const counts = new Map(
    query<{ turret_name: string; n: number }>(
      resultsPath(res.stdout),
      'SELECT turret_name, count(*) AS n FROM result GROUP BY turret_name',
    ).map((r) => [r.turret_name, r.n]),
  );
  for (const name of ['steady', 'in-1970', 'in-2100'])
    assert.ok((counts.get(name) ?? 0) > 0, `${name} stored`);

  // The console flags each wrong clock, with the epochs it sent, and only those.
  const flag = (name: string, year: number): RegExp =>
    new RegExp(
      `^WARNING: turret ${name} \\([0-9a-f-]+\\): ${counts.get(name)} results with an epoch more than 60 s outside the run \\(${year}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC to ${year}-.* UTC\\): its clock is wrong; stored, but placed in no interval of the report$`,
      'm',
    );
  assert.match(res.stderr, flag('in-1970', 1970));
  assert.match(res.stderr, flag('in-2100', 2100));
  assert.doesNotMatch(res.stderr, /WARNING: turret steady/);

  // summary.json says the same, and the time axis stays the run's.
  const summary = JSON.parse(readFileSync(summaryPath(res.stdout), 'utf8')) as {
    transactions: number;
    interval: number;
    interval_requested: number | null;
    results_outside_window: number;
    turrets: TurretSummary[];
  };
  assert.equal(summary.interval, 1);
  assert.equal(summary.interval_requested, null, 'not widened');
  const byName = new Map(summary.turrets.map((t) => [t.name, t]));
  assert.equal(byName.get('steady')?.results_outside_window, 0);
  assert.equal(byName.get('in-1970')?.results_outside_window, counts.get('in-1970'));
  assert.equal(byName.get('in-2100')?.results_outside_window, counts.get('in-2100'));
  assert.equal(summary.results_outside_window, counts.get('in-1970')! + counts.get('in-2100')!);

  // The report's intervals hold the steady turret's results only; the page flags the other two.
  const html = readFileSync(/^report: +(.+)$/m.exec(res.stdout)![1]!, 'utf8');
  const data = JSON.parse(
    /<script type="application\/json" id="oct-data">(.*?)<\/script>/s.exec(html)![1]!,
  ) as {
    series: { rate: number[] }[];
  };
  const placed = data.series[0]!.rate.reduce((a, r) => a + r * summary.interval, 0);
  assert.equal(Math.round(placed), counts.get('steady'));
  for (const name of ['in-1970', 'in-2100'])
    assert.match(
      html,
      new RegExp(`<li data-turret="${name}"><strong>${name}</strong>: ${counts.get(name)} results`),
    );
});
