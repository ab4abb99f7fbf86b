/**
 * HEAVY: a run across hosts. Five network namespaces on a bridge stand for five machines: the HQ at
 * 10.77.0.1 and four firing machines, each with a directory of its own in which its packed turret is
 * installed with npm as a user installs it, and started with its `start-<name>` bin in its namespace;
 * the HQ runs `oct run` (not --local) in its own, bound to 10.77.0.1 (support/firing-range.ts). The
 * channels use CURVE (spec 11), so the HQ also says the address each turret's key connected from.
 *
 *   oct-mh-hq  10.77.0.1  oct run   <== PUB / PULL over the bridge ==>  start-t1 .. start-t4
 *   oct-mh-t1  10.77.0.2 ... oct-mh-t4  10.77.0.5
 *
 * Linux and root only (`ip netns`): elsewhere it skips with one line, and fails in CI. Namespaces and
 * processes are removed whatever happens, and the leftovers of a killed run (prefix `oct-mh-`) first.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FiringRange } from './support/firing-range.js';
import { netnsUnavailable } from './support/netns.js';

const TURRETS = ['t1', 't2', 't3', 't4'];

const unavailable = netnsUnavailable();
if (unavailable && process.env.CI) throw new Error(`the multi-host test cannot run in CI: ${unavailable}`);

void describe('HEAVY: a run across five hosts (network namespaces)', { skip: unavailable ?? false }, () => {
  let root = '';
  let range: FiringRange | undefined;

  /** Project `name` made, packed and installed on each firing machine; returns the machines. */
  async function ready(name: string, runTime: number): Promise<Map<string, string>> {
    await range!.project(name, { turrets: TURRETS, canons: 4, runTime, curve: true });
    return new Map(await Promise.all(TURRETS.map(async (t) => [t, await range!.install(name, t)] as const)));
  }

  before(
    async () => {
      root = await mkdtemp(path.join(tmpdir(), 'oct-e2e-multihost-'));
      range = new FiringRange(root, 'oct-mh-', TURRETS);
      await range.packRuntime();
    },
    { timeout: 600_000 },
  );

  after(async () => {
    range?.close();
    if (root !== '') await rm(root, { recursive: true, force: true });
  });

  void it(
    'four turrets on four hosts join, fire and return to ready; sent = stored for each; the report lists them',
    { timeout: 900_000 },
    async () => {
      const { hq, turrets } = range!.fire('across', await ready('across', 6));
      const code = await hq.exited;
      const all = [hq, ...turrets.values()].map((r) => r.output()).join('\n');
      assert.equal(code, 0, all);
      const { summary, html } = FiringRange.summaryOf(hq.output());
      assert.equal(summary.outcome, 'completed', all);
      assert.deepEqual(
        summary.turrets.map((t) => [t.name, t.status]).sort(),
        TURRETS.map((t) => [t, 'ready']),
        all,
      );
      for (const t of summary.turrets) {
        assert.ok((t.results_stored ?? 0) > 0, `${t.name} stored nothing\n${all}`);
        assert.equal(t.results_sent, t.results_stored, `${t.name}: sent != stored\n${all}`);
      }
      // Each turret's key connected from its own host's address.
      const curve = /^CURVE: \d+ authorised key\(s\) connected: (.+)$/m.exec(hq.output());
      assert.ok(curve, all);
      assert.deepEqual(
        curve[1]!.split(', ').sort(),
        TURRETS.map((t) => `${t} (${range!.hosts.get(t)!.address})`),
      );
      const page = readFileSync(html, 'utf8');
      for (const t of TURRETS) assert.match(page, new RegExp(`<td>${t}</td>`), `the report lists ${t}`);
    },
  );

  void it(
    'a firing host whose turret is killed mid-run is marked lost; the others finish',
    { timeout: 900_000 },
    async () => {
      const { hq, turrets } = range!.fire('lose-one', await ready('lose-one', 20));
      await hq.waitFor(/transactions [1-9]/, 'results flowing', 180_000);
      turrets.get('t4')!.kill();
      await hq.waitFor(/turret lost: t4 /, 't4 marked lost', 60_000);
      const code = await hq.exited;
      const all = [hq, ...turrets.values()].map((r) => r.output()).join('\n');
      assert.equal(code, 0, all);
      const { summary } = FiringRange.summaryOf(hq.output());
      assert.equal(summary.outcome, 'completed', all);
      const byName = new Map(summary.turrets.map((t) => [t.name, t]));
      assert.equal(byName.get('t4')?.status, 'lost', all);
      for (const t of ['t1', 't2', 't3']) {
        const s = byName.get(t)!;
        assert.equal(s.status, 'ready', all);
        assert.ok((s.results_stored ?? 0) > 0, all);
        assert.equal(s.results_sent, s.results_stored, `${t}: sent != stored\n${all}`);
      }
    },
  );
});
