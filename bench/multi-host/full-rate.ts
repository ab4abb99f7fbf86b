/**
 * Multi-host benchmark (issue 17): the topology of e2e/test/multi-host.test.ts with 8 firing hosts
 * x 50 canons at full rate (a transaction that only awaits a resolved promise), each host a network
 * namespace with its packed turret installed by npm, the HQ in its own running `oct run`. Prints the
 * results stored per second over the run and sent = stored per turret; plain and CURVE in turn.
 *
 *   node --import tsx bench/multi-host/full-rate.ts [--hosts 8] [--canons 50] [--seconds 20] [--rounds 1]
 *
 * Linux and root only (`ip netns`); after `npm run build`. Bounded: each run is run_time seconds
 * plus its drain, and every process and namespace is removed at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FiringRange } from '../../e2e/test/support/firing-range.js';
import { netnsUnavailable } from '../../e2e/test/support/netns.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const HOSTS = arg('--hosts', 8);
const CANONS = arg('--canons', 50);
const SECONDS = Math.min(120, arg('--seconds', 20));
const ROUNDS = Math.max(1, arg('--rounds', 1));
const SCRIPT = `export class Transaction {
  async run() {
    await Promise.resolve();
  }
}
`;

const unavailable = netnsUnavailable();
if (unavailable) {
  console.error(`bench/multi-host: ${unavailable}`);
  process.exit(2);
}
const turrets = Array.from({ length: HOSTS }, (_, i) => `t${i + 1}`);
const root = await mkdtemp(path.join(tmpdir(), 'oct-bench-multihost-'));
const range = new FiringRange(root, 'oct-bm-', turrets);
let failed = false;
try {
  await range.packRuntime();
  console.log(`${HOSTS} hosts x ${CANONS} canons, run_time ${SECONDS} s, full rate`);
  for (let round = 0; round < ROUNDS; round++) {
    for (const curve of [false, true]) {
      const name = `r${round}-${curve ? 'curve' : 'plain'}`;
      await range.project(name, { turrets, canons: CANONS, runTime: SECONDS, curve, script: SCRIPT });
      const machines = new Map(
        await Promise.all(turrets.map(async (t) => [t, await range.install(name, t)] as const)),
      );
      const { hq } = range.fire(name, machines);
      const code = await hq.exited;
      const { summary } = FiringRange.summaryOf(hq.output());
      const even = summary.turrets.every(
        (t) => t.results_sent !== null && t.results_sent === t.results_stored,
      );
      const rate = /^transactions: (\d+), errors: \d+.* in ([\d.]+) s$/m.exec(hq.output());
      const perSecond = rate ? Number(rate[1]) / Number(rate[2]) : NaN;
      if (code !== 0 || !even) failed = true;
      console.log(
        `${curve ? 'CURVE' : 'plain'}  exit ${code}  stored ${summary.transactions}  ${Math.round(perSecond).toLocaleString('en-US')} results/s  sent = stored for every turret: ${even ? 'yes' : `NO (${summary.turrets.map((t) => `${t.name} ${t.results_sent}/${t.results_stored}`).join(', ')})`}`,
      );
    }
  }
} finally {
  range.close();
  await rm(root, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;
