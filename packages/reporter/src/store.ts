/**
 * Read-only access to a results file: ours (packages/hq/src/store/schema.sql: run, turret, result,
 * quarantine, reject) or one written by the original OCT (only `result` and `turret`, `cannons` for canons,
 * `updated_at` as a datetime string). Every table and column but result.epoch and
 * result.scriptrun_time is optional; what is missing is reported as absent, never guessed.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

/** A user-facing failure: the CLI prints its message on one line, without a stack. */
export class ReportError extends Error {
  override name = 'ReportError';
}

/** The `run` row, when the file has one. */
export interface RunInfo {
  project: string | null;
  started_at: number | null;
  stopped_at: number | null;
  finished_at: number | null;
  run_time: number | null;
  results_ts_interval: number | null;
  hq_version: string | null;
  outcome: string | null;
}

/** One turret as kept in the file. */
export interface TurretInfo {
  name: string;
  uuid: string | null;
  canons: number | null;
  script: string | null;
  rampup: number | null;
  status: string | null;
  /**
   * Epoch seconds. The original OCT's naive datetime text is read as UTC (the file records no zone);
   * `updated_at_text` then keeps the text as stored, and the page shows that.
   */
  updated_at: number | null;
  updated_at_text: string | null;
  protocol: string | null;
  results_sent: number | null;
  results_stored: number | null;
  /** CURVE runs (spec 11): the authorised key named like the turret that connected, else null. */
  curve_key: string | null;
  /**
   * Epoch seconds (HQ clock) when the turret began firing for the run (its running status or first
   * result) and when it stopped (its first status no longer running, or its last result); null when
   * it never fired, or in files written before the HQ kept them (OCT 0.4 files among them).
   */
  firing_from: number | null;
  firing_until: number | null;
  /** Canons it abandoned after the stop grace time (spec 4.3.6); null when it said none or in older files. */
  canons_abandoned: number | null;
}

/** Rejected frames grouped by code and reason. */
export interface RejectGroup {
  code: string;
  reason: string;
  count: number;
  first: number | null;
  last: number | null;
}

export interface RejectInfo {
  total: number;
  top: RejectGroup[];
}

/** Results kept aside (spec 7.3), grouped by reason and the turret they claimed. */
export interface QuarantineGroup {
  reason: string;
  turret_name: string | null;
  turret_uuid: string | null;
  count: number;
}

export interface QuarantineInfo {
  total: number;
  top: QuarantineGroup[];
}

/** An opened results file and what its schema holds. */
export interface ResultsFile {
  db: Database.Database;
  path: string;
  /** Column names of each table present. */
  tables: Map<string, Set<string>>;
  /** 'oct-ts' when the file has the run table, else 'oct-legacy'. */
  layout: 'oct-ts' | 'oct-legacy';
}

/** Opens `dbPath` read-only and checks that it holds a `result` table with epoch and scriptrun_time. */
export function openResultsFile(dbPath: string): ResultsFile {
  if (!existsSync(dbPath)) throw new ReportError(`${dbPath}: results file not found`);
  let db: Database.Database;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
  } catch (err) {
    const message = (err as Error).message;
    // An unbuilt better-sqlite3 lists every path it tried: say what to run instead.
    if (/Could not locate the bindings file/.test(message))
      throw new ReportError(
        'better-sqlite3 has no native module (npm did not run or finish its install script): run ' +
          '`npm install-scripts approve better-sqlite3 && npm rebuild better-sqlite3` where OCT is installed',
      );
    throw new ReportError(`${dbPath}: cannot open as SQLite: ${message}`);
  }
  try {
    const tables = new Map<string, Set<string>>();
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    for (const name of names) {
      const cols = db.prepare(`PRAGMA table_info(${quoteIdent(name)})`).all() as { name: string }[];
      tables.set(name.toLowerCase(), new Set(cols.map((c) => c.name.toLowerCase())));
    }
    const result = tables.get('result');
    if (!result) throw new ReportError(`${dbPath}: not an OCT results file (no table "result")`);
    for (const col of ['epoch', 'scriptrun_time']) {
      if (!result.has(col)) throw new ReportError(`${dbPath}: table "result" has no column "${col}"`);
    }
    return { db, path: dbPath, tables, layout: tables.has('run') ? 'oct-ts' : 'oct-legacy' };
  } catch (err) {
    db.close();
    if (err instanceof ReportError) throw err;
    throw new ReportError(`${dbPath}: cannot read as SQLite: ${(err as Error).message}`);
  }
}

/** `"name"` with embedded quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `column` when the table has it, else `NULL AS alias`: lets one query serve both layouts. */
export function col(file: ResultsFile, table: string, column: string, alias = column): string {
  return file.tables.get(table)?.has(column)
    ? `${quoteIdent(column)} AS ${quoteIdent(alias)}`
    : `NULL AS ${quoteIdent(alias)}`;
}

function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : String(v);
}

/** The run row, or null for a file without one (the original OCT's). */
export function readRun(file: ResultsFile): RunInfo | null {
  if (!file.tables.has('run')) return null;
  const t = 'run';
  const row = file.db
    .prepare(
      `SELECT ${[
        'project',
        'started_at',
        'stopped_at',
        'finished_at',
        'run_time',
        'results_ts_interval',
        'hq_version',
        'outcome',
      ]
        .map((c) => col(file, t, c))
        .join(', ')} FROM run ORDER BY id LIMIT 1`,
    )
    .get() as Record<string, unknown> | undefined;
  if (!row) return null;
  return {
    project: str(row.project),
    started_at: num(row.started_at),
    stopped_at: num(row.stopped_at),
    finished_at: num(row.finished_at),
    run_time: num(row.run_time),
    results_ts_interval: num(row.results_ts_interval),
    hq_version: str(row.hq_version),
    outcome: str(row.outcome),
  };
}

/**
 * Parses a stored time: epoch seconds (number or numeric text) or the original OCT's datetime text
 * ("2016-05-12 14:23:01.123456", naive; read as UTC because the file does not say its zone).
 */
export function parseStoredTime(v: unknown): { epoch: number | null; text: string | null } {
  const n = num(v);
  if (n !== null) return { epoch: n, text: null };
  const s = str(v);
  if (s === null) return { epoch: null, text: null };
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(s.trim());
  if (m) {
    const ms = Date.parse(`${m[1]}T${m[2]}Z`);
    if (Number.isFinite(ms)) return { epoch: ms / 1000 + (m[3] ? Number(m[3]) : 0), text: s };
  }
  return { epoch: null, text: s };
}

/** The turret rows, in id order (empty when the file has no turret table). */
export function readTurrets(file: ResultsFile): TurretInfo[] {
  const cols = file.tables.get('turret');
  if (!cols) return [];
  const t = 'turret';
  const canons = cols.has('canons') ? 'canons' : 'cannons';
  const sql = `SELECT ${[
    col(file, t, 'name'),
    col(file, t, 'uuid'),
    col(file, t, canons, 'canons'),
    col(file, t, 'script'),
    col(file, t, 'rampup'),
    col(file, t, 'status'),
    col(file, t, 'updated_at'),
    col(file, t, 'protocol'),
    col(file, t, 'results_sent'),
    col(file, t, 'results_stored'),
    col(file, t, 'curve_key'),
    col(file, t, 'firing_from'),
    col(file, t, 'firing_until'),
    col(file, t, 'canons_abandoned'),
  ].join(', ')} FROM turret ${cols.has('id') ? 'ORDER BY id' : ''}`;
  return (file.db.prepare(sql).all() as Record<string, unknown>[]).map((r) => {
    const updated = parseStoredTime(r.updated_at);
    return {
      name: str(r.name) ?? '(unnamed)',
      uuid: str(r.uuid),
      canons: num(r.canons),
      script: str(r.script),
      rampup: num(r.rampup),
      status: str(r.status),
      updated_at: updated.epoch,
      updated_at_text: updated.text,
      protocol: str(r.protocol),
      results_sent: num(r.results_sent),
      results_stored: num(r.results_stored),
      curve_key: str(r.curve_key),
      firing_from: num(r.firing_from),
      firing_until: num(r.firing_until),
      canons_abandoned: num(r.canons_abandoned),
    };
  });
}

/** Rejected frames: the total and the `limit` most frequent (code, reason) pairs. */
export function readRejects(file: ResultsFile, limit = 10): RejectInfo | null {
  const cols = file.tables.get('reject');
  if (!cols) return null;
  const total = file.db.prepare('SELECT count(*) FROM reject').pluck().get() as number;
  const t = 'reject';
  const top = (
    file.db
      .prepare(
        `SELECT code, reason, count(*) AS count, min(received_at) AS first, max(received_at) AS last FROM (SELECT ${[
          col(file, t, 'code'),
          col(file, t, 'reason'),
          col(file, t, 'received_at'),
        ].join(', ')} FROM reject) GROUP BY code, reason ORDER BY count DESC, code LIMIT ?`,
      )
      .all(limit) as Record<string, unknown>[]
  ).map((r) => ({
    code: str(r.code) ?? '',
    reason: str(r.reason) ?? '',
    count: num(r.count) ?? 0,
    first: num(r.first),
    last: num(r.last),
  }));
  return { total, top };
}

/** The quarantine table (results kept aside, spec 7.3), grouped; null when the file has none. */
export function readQuarantine(file: ResultsFile, limit = 10): QuarantineInfo | null {
  if (!file.tables.has('quarantine')) return null;
  const total = file.db.prepare('SELECT count(*) FROM quarantine').pluck().get() as number;
  const top = (
    file.db
      .prepare(
        'SELECT reason, turret_name, turret_uuid, count(*) AS count FROM quarantine GROUP BY 1, 2, 3 ORDER BY count DESC, 1, 2 LIMIT ?',
      )
      .all(limit) as Record<string, unknown>[]
  ).map((r) => ({
    reason: str(r.reason) ?? '',
    turret_name: str(r.turret_name),
    turret_uuid: str(r.turret_uuid),
    count: num(r.count) ?? 0,
  }));
  return { total, top };
}
