/**
 * The results store: one SQLite file per run (user guide: What a result holds), schema fixed by store/schema.sql, a
 * contract with the reporter. Inserts are batched in transactions over prepared statements (WAL,
 * synchronous=NORMAL): the HQ ingests on its own thread, so each flush is one short synchronous burst.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { explainOpenError } from './native.js';
import type { Result } from '@oct/protocol';
import { NUMS, ResultPacker, packedLength, type PackedResults } from '../result-columns.js';

/**
 * Rows per multi-row INSERT, largest first. A run of rows from one turret (a batch, or legacy rows,
 * which have no turret) is bound in as few statements as these sizes allow: 100 rows take 64 + 32 + 4.
 */
const STATEMENT_ROWS = [64, 32, 16, 8, 4, 2, 1];

/**
 * One multi-row INSERT of `rows` rows. turret_name and turret_uuid are bound once per statement (the
 * rows of a run share them) and the other six columns once per row: binding text costs better-sqlite3
 * two copies, so this is about 1.2x the speed of binding all eight per row (bench/hq).
 */
const insertSql = (table: PackTable, rows: number): string => {
  const reason = table === 'quarantine' ? ['reason, ', '@reason, '] : ['', ''];
  return (
    `INSERT INTO ${table} (${reason[0]}turret_name, turret_uuid, elapsed, epoch, scriptrun_time, error, custom_timers, seq, setup_failed) ` +
    `SELECT ${reason[1]}@turret_name, @turret_uuid, column1, column2, column3, column4, column5, column6, column7 ` +
    `FROM (VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')})`
  );
};

/** The tables that take packed results: stored results, and results kept aside (spec 7.3). */
type PackTable = 'result' | 'quarantine';

/**
 * Inserts rows [from, to) of a pack into `table` in one transaction; for `quarantine`, `reasons[k]`
 * is the reason of the rows of pack.turrets[k].
 */
type PackInserter = (pack: PackedResults, from: number, to: number, reasons?: readonly string[]) => void;

function packInserter(db: Database.Database, table: PackTable): PackInserter {
  const statements = STATEMENT_ROWS.map((rows) => ({
    rows,
    statement: db.prepare(insertSql(table, rows)),
    params: new Array<unknown>(rows * 7),
  }));
  const turret: { turret_name: string | null; turret_uuid: string | null; reason?: string } =
    table === 'quarantine'
      ? { turret_name: null, turret_uuid: null, reason: '' }
      : { turret_name: null, turret_uuid: null };
  return db.transaction((pack: PackedResults, from: number, to: number, reasons?: readonly string[]) => {
    const { nums, ends, text } = pack;
    // Rows of a failed setup (spec 5.3.2) are rare: none at all in most packs.
    const failed = pack.setupFailed ? new Set(pack.setupFailed) : null;
    let i = from;
    // Where row i's texts start in pack.text.
    let at = i === 0 ? 0 : ends[i * 2 - 1]!;
    for (let t = 0; t < pack.turrets.length; t++) {
      const [name, uuid, runEnd] = pack.turrets[t]!;
      if (runEnd <= i) continue;
      const end = Math.min(runEnd, to);
      turret.turret_name = name;
      turret.turret_uuid = uuid;
      if (turret.reason !== undefined) turret.reason = reasons?.[t] ?? 'unknown';
      for (const { rows, statement, params } of statements) {
        for (; end - i >= rows; i += rows) {
          let k = 0;
          for (let j = i; j < i + rows; j++) {
            const n = j * NUMS;
            const seq = nums[n + 3]!;
            const errorEnd = ends[j * 2]!;
            const timersEnd = ends[j * 2 + 1]!;
            params[k++] = nums[n];
            params[k++] = nums[n + 1];
            params[k++] = nums[n + 2];
            params[k++] = text.slice(at, errorEnd);
            params[k++] = text.slice(errorEnd, timersEnd);
            params[k++] = Number.isNaN(seq) ? null : seq;
            params[k++] = failed?.has(j) ? 1 : null;
            at = timersEnd;
          }
          statement.run(params, turret);
        }
      }
      if (i >= to) break;
    }
  });
}

/** Largest part of a rejected frame that is kept for diagnosis. */
export const REJECT_KEEP_BYTES = 64 * 1024;
/** Longest reason kept for a rejected frame (the codec's are one line of a few hundred at most). */
export const REJECT_REASON_CHARS = 1024;

/**
 * A schema text (store/schema.sql for SQLite, schema-pg.sql for PostgreSQL), read beside this module
 * in src/ or from src/ when run from dist/.
 */
export function schemaSql(file = 'schema.sql'): string {
  const candidates = [
    new URL(`./${file}`, import.meta.url),
    new URL(`../../src/store/${file}`, import.meta.url),
  ];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  throw new Error(`@oct/hq: store/${file} not found beside the module`);
}

/** A transaction of results the file refused; the transactions before it are committed. */
export class InsertError extends Error {
  constructor(
    message: string,
    /** Rows of the pack committed before the refused transaction (its first rows, in order). */
    readonly committed: number,
  ) {
    super(message);
    this.name = 'InsertError';
  }
}

/** A turret row as kept in the `turret` table. */
export interface TurretRow {
  name: string;
  canons: number | null;
  script: string | null;
  uuid: string;
  rampup: number | null;
  status: string;
  updated_at: number;
  protocol: string | null;
  capabilities: string[];
  results_sent: number | null;
  results_stored: number;
  /** CURVE runs: the admitted key named like the turret (spec 11), else null. */
  curve_key?: string | null;
  /** Epoch seconds when it began firing for this run (running status or first result), else null. */
  firing_from?: number | null;
  /** Epoch seconds when it stopped firing (status after firing or last result), else null. */
  firing_until?: number | null;
  /** Canons it abandoned after the stop grace time (spec 4.3.6), else null. */
  canons_abandoned?: number | null;
}

/** The `run` row written when the run is set up. */
export interface RunRow {
  project: string;
  run_time: number;
  results_ts_interval: number;
  config_json: string;
  hq_version: string;
}

export class ResultsStore {
  readonly db: Database.Database;
  private readonly insertLimit: number;
  private readonly insertManyPacked: PackInserter;
  private readonly quarantineManyPacked: PackInserter;
  private readonly insertReject: Database.Statement;
  private readonly upsert: Database.Statement;
  private closed = false;

  /** Opens (creating) the SQLite file at `dbPath` and applies the schema. */
  constructor(dbPath: string, options: { insertLimit?: number } = {}) {
    mkdirSync(dirname(dbPath), { recursive: true });
    try {
      this.db = new Database(dbPath);
    } catch (err) {
      throw explainOpenError(err);
    }
    this.db.exec(schemaSql());
    this.db.pragma('synchronous = NORMAL');
    this.insertLimit = Math.max(1, options.insertLimit ?? 150);
    this.insertManyPacked = packInserter(this.db, 'result');
    this.quarantineManyPacked = packInserter(this.db, 'quarantine');
    this.insertReject = this.db.prepare(
      'INSERT INTO reject (received_at, code, reason, frame_size, frame) VALUES (?, ?, ?, ?, ?)',
    );
    this.upsert = this.db.prepare(
      `INSERT INTO turret (name, canons, script, uuid, rampup, status, updated_at, protocol, capabilities, results_sent, results_stored, curve_key, firing_from, firing_until, canons_abandoned)
       VALUES (@name, @canons, @script, @uuid, @rampup, @status, @updated_at, @protocol, @capabilities, @results_sent, @results_stored, @curve_key, @firing_from, @firing_until, @canons_abandoned)
       ON CONFLICT(uuid) DO UPDATE SET name = excluded.name, canons = excluded.canons, script = excluded.script,
         rampup = excluded.rampup, status = excluded.status, updated_at = excluded.updated_at, protocol = excluded.protocol,
         capabilities = excluded.capabilities, results_sent = excluded.results_sent, results_stored = excluded.results_stored,
         curve_key = excluded.curve_key, firing_from = excluded.firing_from, firing_until = excluded.firing_until,
         canons_abandoned = excluded.canons_abandoned`,
    );
  }

  /** Stores results, `insert_limit` rows per transaction, in the order given. */
  insertResults(rows: readonly Result[]): void {
    const packer = new ResultPacker(rows.length);
    for (const r of rows) {
      packer.add(r);
      if (packer.textFull) this.insertPacked(packer.take()!);
    }
    const pack = packer.take();
    if (pack) this.insertPacked(pack);
  }

  /**
   * Stores packed results, `insert_limit` rows per transaction, in the order given. A transaction
   * the file refuses (disk full, file damaged) is rolled back and throws an InsertError saying how
   * many rows of `pack` the transactions before it committed.
   */
  insertPacked(pack: PackedResults): void {
    this.insertChunks(this.insertManyPacked, pack);
  }

  /**
   * Keeps results aside in the quarantine table (spec 7.3), `reasons[k]` being the reason of the rows
   * of pack.turrets[k]; in transactions and with errors as insertPacked.
   */
  quarantinePacked(pack: PackedResults, reasons: readonly string[]): void {
    this.insertChunks(this.quarantineManyPacked, pack, reasons);
  }

  private insertChunks(insert: PackInserter, pack: PackedResults, reasons?: readonly string[]): void {
    const length = packedLength(pack);
    for (let from = 0; from < length; from += this.insertLimit) {
      try {
        insert(pack, from, Math.min(length, from + this.insertLimit), reasons);
      } catch (e) {
        throw new InsertError((e as Error).message, from);
      }
    }
  }

  /**
   * Keeps a received-but-invalid frame (its first 64 KiB) with the reason (spec 5.5: counted and kept, never dropped), the reason cut
   * to REJECT_REASON_CHARS.
   */
  reject(code: string, reason: string, frame: Uint8Array, receivedAt = Date.now() / 1000): void {
    const kept = frame.length > REJECT_KEEP_BYTES ? frame.subarray(0, REJECT_KEEP_BYTES) : frame;
    this.insertReject.run(
      receivedAt,
      code,
      reason.length > REJECT_REASON_CHARS ? `${reason.slice(0, REJECT_REASON_CHARS - 3)}...` : reason,
      frame.length,
      Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength),
    );
  }

  /** Inserts or updates a turret by uuid. */
  saveTurret(t: TurretRow): void {
    this.upsert.run({
      curve_key: null,
      firing_from: null,
      firing_until: null,
      canons_abandoned: null,
      ...t,
      capabilities: JSON.stringify(t.capabilities),
    });
  }

  /** Writes the run row (there is one per file) and returns nothing; later updates set times and outcome. */
  createRun(run: RunRow): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO run (id, project, run_time, results_ts_interval, config_json, hq_version) VALUES (1, ?, ?, ?, ?, ?)',
      )
      .run(run.project, run.run_time, run.results_ts_interval, run.config_json, run.hq_version);
  }

  /** Sets one of the run's time columns or its outcome. */
  updateRun(
    fields: Partial<{ started_at: number; stopped_at: number; finished_at: number; outcome: string }>,
  ): void {
    for (const [key, value] of Object.entries(fields)) {
      if (!['started_at', 'stopped_at', 'finished_at', 'outcome'].includes(key)) continue;
      this.db.prepare(`UPDATE run SET ${key} = ? WHERE id = 1`).run(value);
    }
  }

  /** Number of rows in the quarantine table. */
  countQuarantined(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM quarantine').get() as { n: number }).n;
  }

  /** Number of rows in the reject table. */
  countRejects(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM reject').get() as { n: number }).n;
  }

  /**
   * Closes the file, always; throws afterwards if it could not be made one self-contained file
   * (a full disk cannot take the WAL's pages: the -wal and -shm files then stay beside it, and
   * SQLite reads the results from them).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      // WAL suits ingest; a finished run is one self-contained file that can be copied alone, and
      // read-only readers (the reporter) leave no -wal/-shm files beside it.
      this.db.pragma('journal_mode = DELETE');
    } finally {
      this.db.close();
    }
  }
}
