/**
 * The bare insert of the results store by page size: the same packed rows (as bench/hq/ingest.ts's
 * json batches) inserted by ResultsStore into fresh files whose page size is fixed beforehand, in
 * alternating rounds, timed until the file is closed (its WAL checkpointed). CPU is split into user
 * and system time: with small pages the WAL frames' writes show as system time.
 * Usage: node --import tsx bench/hq/store.ts [--rows N] [--rounds N] [--page-sizes 4096,16384]
 *   [--insert-limit N] (rows per transaction, as results_database.insert_limit; default 5000)
 * (after `npx nx run hq:build`). Bounded: a fixed number of rows and rounds.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ResultPacker, ResultsStore, type PackedResults } from '@oct/hq';
import { benchResult, median, thousands } from './common.js';

const option = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const ROWS = Number(option('--rows', '1000000'));
const ROUNDS = Number(option('--rounds', '5'));
const PAGE_SIZES = option('--page-sizes', '4096,16384').split(',').map(Number);
const INSERT_LIMIT = Number(option('--insert-limit', '5000'));

const t0 = Date.now() / 1000;
const uuid = randomUUID();
const packs: PackedResults[] = [];
const packer = new ResultPacker(INSERT_LIMIT);
for (let i = 0; i < ROWS; i++) {
  packer.add(benchResult(i, t0, uuid));
  if (packer.length === INSERT_LIMIT) packs.push(packer.take()!);
}
const last = packer.take();
if (last) packs.push(last);

const dir = mkdtempSync(join(tmpdir(), 'oct-bench-store-'));
const runs = new Map<number, { rate: number; user: number; sys: number }[]>();
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const pageSize of PAGE_SIZES) {
      const path = join(dir, `${pageSize}-${round}.sqlite`);
      // A file's page size is fixed once it has content: the schema's own page_size then does not apply.
      const db = new Database(path);
      db.pragma(`page_size = ${pageSize}`);
      db.exec('CREATE TABLE bench_page_size (x)');
      db.close();
      const store = new ResultsStore(path, { insertLimit: INSERT_LIMIT });
      const actual = store.db.pragma('page_size', { simple: true });
      if (actual !== pageSize) throw new Error(`page size ${String(actual)}, not ${pageSize}`);
      const cpu = process.cpuUsage();
      const start = performance.now();
      for (const pack of packs) store.insertPacked(pack);
      store.close();
      const seconds = (performance.now() - start) / 1000;
      const { user, system } = process.cpuUsage(cpu);
      const list = runs.get(pageSize) ?? [];
      list.push({ rate: ROWS / seconds, user: user / ROWS, sys: system / ROWS });
      runs.set(pageSize, list);
      rmSync(path, { force: true });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`${thousands(ROWS)} rows, insert_limit ${INSERT_LIMIT}, ${ROUNDS} alternating rounds: medians`);
console.log('page size  rows/s     (min-max)            user µs/row  sys µs/row');
for (const [pageSize, list] of runs) {
  const rates = list.map((r) => r.rate);
  const range = `(${thousands(Math.min(...rates))}-${thousands(Math.max(...rates))})`;
  console.log(
    `${String(pageSize).padEnd(10)} ${thousands(median(rates)).padStart(9)}  ${range.padEnd(19)}  ${median(
      list.map((r) => r.user),
    )
      .toFixed(2)
      .padStart(11)}  ${median(list.map((r) => r.sys))
      .toFixed(2)
      .padStart(10)}`,
  );
}
