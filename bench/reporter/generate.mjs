// Generates a results file (packages/hq/src/store/schema.sql layout) with N results, entirely inside
// SQLite (a recursive CTE: no per-row JS), at 10,000 results/s over 4 turrets, ~1 % errors, a 2 % slow
// tail and two custom timers on every result. Usage: node bench/reporter/generate.mjs <file> <count>
import { readFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';

const [, , path, countArg] = process.argv;
const count = Number(countArg);
if (!path || !Number.isInteger(count) || count <= 0) {
  console.error('usage: node bench/reporter/generate.mjs <file.sqlite> <count>');
  process.exit(2);
}
rmSync(path, { force: true });
const db = new Database(path);
db.pragma('journal_mode = OFF');
db.pragma('synchronous = OFF');
const schema = readFileSync(new URL('../../packages/hq/src/store/schema.sql', import.meta.url), 'utf8');
db.exec(schema.replace(/PRAGMA journal_mode = WAL;/, ''));
db.pragma('journal_mode = OFF');
const start = 1_767_225_600; // 2026-01-01T00:00:00Z
const rate = 10_000;
const t = performance.now();
db.exec(`INSERT INTO run (project, started_at, stopped_at, finished_at, run_time, results_ts_interval, config_json, hq_version, outcome)
  VALUES ('bench', ${start}, ${start + count / rate}, ${start + count / rate + 2}, ${Math.ceil(count / rate)}, 1, '{}', 'bench', 'completed')`);
for (let i = 0; i < 4; i++) {
  db.exec(`INSERT INTO turret (name, canons, script, uuid, rampup, status, updated_at, results_sent, results_stored)
    VALUES ('turret-${i}', 50, 'v_user.js', 'uuid-${i}', 0, 'ready', ${start + count / rate + 1}, ${count / 4}, ${count / 4})`);
}
db.exec(`WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c LIMIT ${count})
INSERT INTO result (turret_name, elapsed, epoch, scriptrun_time, error, custom_timers, turret_uuid, seq)
SELECT 'turret-' || (i % 4), i / ${rate}.0, ${start} + i / ${rate}.0,
  0.02 + (abs(random()) % 100000) / 1e6 + CASE WHEN abs(random()) % 50 = 0 THEN (abs(random()) % 2000000) / 1e6 ELSE 0 END,
  CASE WHEN abs(random()) % 100 = 0 THEN 'HTTP 500: Internal Server Error' ELSE '' END,
  printf('{"login": %.6f, "browse": %.6f}', (abs(random()) % 50000) / 1e6, (abs(random()) % 80000) / 1e6),
  'uuid-' || (i % 4), i / 4 FROM c`);
db.close();
console.log(`generated ${count} results in ${path} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
