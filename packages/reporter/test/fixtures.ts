/**
 * Builds real SQLite results files with known contents: one in our schema (packages/hq's schema.sql,
 * read from the source tree) and one in the original OCT's layout.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export const START = 1_767_225_600; // 2026-01-01T00:00:00Z

/** A temp directory removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `oct-reporter-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function schemaSql(): string {
  return readFileSync(new URL('../../hq/src/store/schema.sql', import.meta.url), 'utf8');
}

export interface KnownResult {
  turret_name: string | null;
  epoch: number;
  scriptrun_time: number;
  error: string;
  custom_timers: Record<string, number>;
}

/**
 * 1000 results over 10 s (one every 10 ms from START): scriptrun_time (i+1) ms, so the exact
 * percentiles are known; every 10th fails ("HTTP 500" for i%20==0, else "timeout, after 5 s");
 * every other result has custom timer "login" = (i+1)/10 ms; results go round-robin to
 * alpha, beta and (unattributed) null.
 */
export function knownResults(): KnownResult[] {
  const rows: KnownResult[] = [];
  for (let i = 0; i < 1000; i++) {
    rows.push({
      turret_name: ['alpha', 'beta', null][i % 3] ?? null,
      epoch: START + i * 0.01,
      scriptrun_time: (i + 1) / 1000,
      error: i % 10 === 0 ? (i % 20 === 0 ? 'HTTP 500' : 'timeout, after "5 s"\nat line 3') : '',
      custom_timers: i % 2 === 0 ? { login: (i + 1) / 10000 } : {},
    });
  }
  return rows;
}

/** The run row's times (HQ clock): by default a 10 s run from START, drained 2 s. */
export interface RunTimes {
  started_at: number | null;
  stopped_at: number | null;
  finished_at: number | null;
}

/** Our layout: run, three turrets (one lost, one with accounting that lost 3 results), rejects. */
export function writeOurStore(
  path: string,
  rows = knownResults(),
  times: RunTimes = { started_at: START, stopped_at: START + 10, finished_at: START + 12 },
): void {
  const db = new Database(path);
  db.exec(schemaSql());
  db.prepare(
    `INSERT INTO run (project, started_at, stopped_at, finished_at, run_time, results_ts_interval, config_json, hq_version, outcome)
     VALUES ('shop-checkout', ?, ?, ?, 10, 2, '{}', '0.1.0', 'completed')`,
  ).run(times.started_at, times.stopped_at, times.finished_at);
  const turret = db.prepare(
    `INSERT INTO turret (name, canons, script, uuid, rampup, status, updated_at, protocol, capabilities, results_sent, results_stored)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  turret.run(
    'alpha',
    10,
    'v_user.js',
    'uuid-alpha',
    5,
    'ready',
    START + 11,
    '1.0',
    '["accounting"]',
    337,
    334,
  );
  turret.run('beta', 20, 'v_user.py', 'uuid-beta', 0, 'lost', START + 7.5, null, null, null, 333);
  turret.run('gamma', 5, 'v_user.py', 'uuid-gamma', 0, 'killed', START + 9, null, null, null, 0);
  const insert = db.prepare(
    'INSERT INTO result (turret_name, elapsed, epoch, scriptrun_time, error, custom_timers) VALUES (?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const r of rows) {
      insert.run(
        r.turret_name,
        r.epoch - START,
        r.epoch,
        r.scriptrun_time,
        r.error,
        JSON.stringify(r.custom_timers),
      );
    }
  })();
  const reject = db.prepare(
    'INSERT INTO reject (received_at, code, reason, frame_size, frame) VALUES (?, ?, ?, ?, ?)',
  );
  reject.run(START + 1, 'not_json', 'frame is not JSON (spec 3.2)', 3, Buffer.from('abc'));
  reject.run(START + 2, 'not_json', 'frame is not JSON (spec 3.2)', 3, Buffer.from('abd'));
  reject.run(
    START + 3,
    'invalid',
    'result.elapsed must be a number (spec 5.3)',
    20,
    Buffer.from('{"elapsed":"x"}'),
  );
  db.close();
}

/** The original OCT's layout (peewee models): whole-second epochs, `cannons`, datetime updated_at. */
export function writeLegacyStore(path: string): void {
  const db = new Database(path);
  db.exec(`
    CREATE TABLE "result" ("id" INTEGER NOT NULL PRIMARY KEY, "turret_name" VARCHAR(255), "elapsed" REAL NOT NULL,
      "epoch" REAL NOT NULL, "scriptrun_time" REAL NOT NULL, "error" TEXT NOT NULL, "custom_timers" TEXT NOT NULL);
    CREATE TABLE "turret" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL, "cannons" INTEGER NOT NULL,
      "script" TEXT NOT NULL, "uuid" TEXT NOT NULL, "rampup" INTEGER NOT NULL, "status" TEXT NOT NULL,
      "updated_at" DATETIME NOT NULL);
  `);
  db.prepare(
    'INSERT INTO turret (name, cannons, script, uuid, rampup, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run('navigation', 30, 'v_user.py', 'a3e2c1f0', 10, 'Killed', '2016-05-12 14:23:01.500000');
  const insert = db.prepare(
    'INSERT INTO result (turret_name, elapsed, epoch, scriptrun_time, error, custom_timers) VALUES (?, ?, ?, ?, ?, ?)',
  );
  // 60 results over 6 whole seconds (10 per second), scriptrun_time 0.1..6.0 s, 6 errors, timer "home".
  for (let i = 0; i < 60; i++) {
    insert.run(
      null,
      i / 10,
      1463062981 + Math.floor(i / 10),
      (i + 1) / 10,
      i % 10 === 9 ? 'ZeroDivisionError' : '',
      JSON.stringify({ home: 0.05 }),
    );
  }
  db.close();
}

/** Nearest-rank percentile of sorted values (what the histogram approximates). */
export function exactPercentile(sorted: number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}
