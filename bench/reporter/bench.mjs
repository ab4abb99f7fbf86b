// Benchmark of writeReport: generates results files of each size (kept under bench/out/reporter and
// reused), then times one writeReport per size in a fresh child process and reads its peak RSS.
// Build first: (cd packages/reporter && npm run build). Usage: node bench/reporter/bench.mjs [1000000 10000000]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const sizes = process.argv.slice(2).map(Number);
const outRoot = here('../out/reporter');
mkdirSync(outRoot, { recursive: true });
for (const n of sizes.length > 0 ? sizes : [1_000_000, 10_000_000]) {
  const db = `${outRoot}/results-${n}.sqlite`;
  if (!existsSync(db))
    execFileSync(process.execPath, [here('./generate.mjs'), db, String(n)], { stdio: 'inherit' });
  const out = execFileSync(process.execPath, [here('./report-child.mjs'), db, `${outRoot}/report-${n}`], {
    encoding: 'utf8',
  });
  const r = JSON.parse(out);
  console.log(
    `${n.toLocaleString('en-US')} results: writeReport ${r.seconds.toFixed(1)} s, CPU ${r.cpuSeconds.toFixed(1)} s, peak RSS ${r.maxRssMB.toFixed(0)} MB, load average ${loadavg()[0].toFixed(1)} (${r.timers} custom timers, ${r.intervals} intervals)`,
  );
}
