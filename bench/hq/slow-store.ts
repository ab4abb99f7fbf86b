/**
 * Back-pressure end to end: `oct run --local` with turrets that produce far faster than a slow store
 * (insert_limit 1: one commit per row) can keep. Samples the HQ's RSS every second, and afterwards
 * reads from the results file how many results the turrets produced each 10 s (by their epoch):
 * with back-pressure the turrets slow down to what the HQ stores and the HQ's memory stays flat.
 *
 *   npm run build && node --import tsx bench/hq/slow-store.ts [--seconds 120] [--turrets 4] [--canons 50]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { thousands } from './common.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '120' },
    turrets: { type: 'string', default: '4' },
    canons: { type: 'string', default: '50' },
    'insert-limit': { type: 'string', default: '1' },
  },
});
const seconds = Number(values.seconds);
const cli = new URL('../../packages/cli/dist/bin.js', import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), 'oct-bench-slow-store-'));
writeFileSync(join(dir, 'v_user.js'), 'export class Transaction {\n  async run() {}\n}\n');
writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
const turrets = Array.from({ length: Number(values.turrets) }, (_, i) => ({
  name: `t${i}`,
  canons: Number(values.canons),
  rampup: 0,
  script: 'v_user.js',
}));
writeFileSync(
  join(dir, 'config.json'),
  JSON.stringify({
    run_time: seconds,
    results_ts_interval: 10,
    progress_bar: false,
    min_turrets: turrets.length,
    hq_address: '127.0.0.1',
    turrets,
    results_database: { db_uri: 'default', insert_limit: Number(values['insert-limit']) },
  }),
);

/** Resident set size of a process in MB, from /proc. */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const t0 = Date.now();
const hq = spawn(process.execPath, [cli, 'run', '--local', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
let output = '';
hq.stdout.on('data', (c: Buffer) => (output += c.toString()));
const samples: { t: number; rss: number }[] = [];
const timer = setInterval(() => {
  try {
    samples.push({ t: (Date.now() - t0) / 1000, rss: rssMb(hq.pid!) });
  } catch {
    // exited
  }
}, 1000);
const code = await new Promise<number | null>((r) => hq.on('close', r));
clearInterval(timer);
const wall = (Date.now() - t0) / 1000;

const dbPath = /^results: (.+)$/m.exec(output)?.[1];
console.log(
  `oct run exited ${code} after ${wall.toFixed(0)} s (run_time ${seconds} s); ${/^transactions: .*$/m.exec(output)?.[0] ?? ''}`,
);
console.log(`HQ RSS: max ${Math.max(...samples.map((s) => s.rss)).toFixed(0)} MB`);
const db = dbPath ? new Database(dbPath, { readonly: true }) : null;
const first = (db?.prepare('SELECT MIN(epoch) AS e FROM result').get() as { e: number } | undefined)?.e ?? 0;
console.log('| s | HQ RSS MB | produced/s (by epoch) |');
console.log('|---|---|---|');
for (let s = 0; s < wall; s += 10) {
  const inWindow = samples.filter((x) => x.t >= s && x.t < s + 10).map((x) => x.rss);
  const rss = inWindow.length ? Math.max(...inWindow).toFixed(0) : '-';
  const n = db
    ? (
        db
          .prepare('SELECT COUNT(*) AS n FROM result WHERE epoch >= ? AND epoch < ?')
          .get(first + s, first + s + 10) as {
          n: number;
        }
      ).n
    : 0;
  console.log(`| ${s}-${s + 10} | ${rss} | ${thousands(n / 10)} |`);
}
db?.close();
rmSync(dir, { recursive: true, force: true });
