/**
 * The results store: one SQLite file per run (DESIGN §5), schema fixed by store/schema.sql, a
 * contract with the reporter. Inserts are batched in transactions over prepared statements (WAL,
 * synchronous=NORMAL): the HQ ingests on its own thread, so each flush is one short synchronous burst.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Result } from '@oct/protocol';
import { NUMS, TEXTS, packedLength, type PackedResults } from '../result-columns.js';

/** Rows bound per multi-row INSERT (8 parameters each, far below SQLite's limit of 32766). */
const ROWS_PER_STATEMENT = 64;

/** Largest part of a rejected frame that is kept for diagnosis. */
export const REJECT_KEEP_BYTES = 64 * 1024;

/** The schema text (store/schema.sql), read beside this module in src/ or from src/ when run from dist/. */
export function schemaSql(): string {
  const candidates = [
    new URL('./schema.sql', import.meta.url),
    new URL('../../src/store/schema.sql', import.meta.url),
  ];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  throw new Error('@oct/hq: store/schema.sql not found beside the module');
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
  private readonly insertResult: Database.Statement;
  private readonly insertMany: (rows: readonly Result[], from: number, to: number) => void;
  private readonly insertManyPacked: (pack: PackedResults, from: number, to: number) => void;
  private readonly insertReject: Database.Statement;
  private readonly upsert: Database.Statement;
  private closed = false;

  /** Opens (creating) the SQLite file at `dbPath` and applies the schema. */
  constructor(dbPath: string, options: { insertLimit?: number } = {}) {
    mkdirSync(dirname(dbPath), { recursive: true });
    this.db = new Database(dbPath);
    this.db.exec(schemaSql());
    this.db.pragma('synchronous = NORMAL');
    this.insertLimit = Math.max(1, options.insertLimit ?? 150);
    this.insertResult = this.db.prepare(
      'INSERT INTO result (turret_name, elapsed, epoch, scriptrun_time, error, custom_timers, turret_uuid, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // Many rows per statement: the per-call binding cost, not SQLite, dominates single-row inserts.
    const multi = this.db.prepare(
      `INSERT INTO result (turret_name, elapsed, epoch, scriptrun_time, error, custom_timers, turret_uuid, seq) VALUES ${Array(ROWS_PER_STATEMENT).fill('(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    );
    const one = this.insertResult;
    const params: unknown[] = new Array<unknown>(ROWS_PER_STATEMENT * 8);
    this.insertMany = this.db.transaction((rows: readonly Result[], from: number, to: number) => {
      let i = from;
      for (; i + ROWS_PER_STATEMENT <= to; i += ROWS_PER_STATEMENT) {
        let k = 0;
        for (let j = i; j < i + ROWS_PER_STATEMENT; j++) {
          const r = rows[j]!;
          params[k++] = r.turret_name;
          params[k++] = r.elapsed;
          params[k++] = r.epoch;
          params[k++] = r.scriptrun_time;
          params[k++] = r.error;
          params[k++] = JSON.stringify(r.custom_timers);
          params[k++] = r.uuid;
          params[k++] = r.seq;
        }
        multi.run(params);
      }
      for (; i < to; i++) {
        const r = rows[i]!;
        one.run(
          r.turret_name,
          r.elapsed,
          r.epoch,
          r.scriptrun_time,
          r.error,
          JSON.stringify(r.custom_timers),
          r.uuid,
          r.seq,
        );
      }
    });
    const packedParams = (pack: PackedResults, i: number, into: unknown[], k: number): number => {
      const n = i * NUMS;
      const t = i * TEXTS;
      const seq = pack.nums[n + 3]!;
      into[k++] = pack.texts[t];
      into[k++] = pack.nums[n];
      into[k++] = pack.nums[n + 1];
      into[k++] = pack.nums[n + 2];
      into[k++] = pack.texts[t + 2];
      into[k++] = pack.texts[t + 3];
      into[k++] = pack.texts[t + 1];
      into[k++] = Number.isNaN(seq) ? null : seq;
      return k;
    };
    const oneParams: unknown[] = new Array<unknown>(8);
    this.insertManyPacked = this.db.transaction((pack: PackedResults, from: number, to: number) => {
      let i = from;
      for (; i + ROWS_PER_STATEMENT <= to; i += ROWS_PER_STATEMENT) {
        let k = 0;
        for (let j = i; j < i + ROWS_PER_STATEMENT; j++) k = packedParams(pack, j, params, k);
        multi.run(params);
      }
      for (; i < to; i++) {
        packedParams(pack, i, oneParams, 0);
        one.run(oneParams);
      }
    });
    this.insertReject = this.db.prepare(
      'INSERT INTO reject (received_at, code, reason, frame_size, frame) VALUES (?, ?, ?, ?, ?)',
    );
    this.upsert = this.db.prepare(
      `INSERT INTO turret (name, canons, script, uuid, rampup, status, updated_at, protocol, capabilities, results_sent, results_stored)
       VALUES (@name, @canons, @script, @uuid, @rampup, @status, @updated_at, @protocol, @capabilities, @results_sent, @results_stored)
       ON CONFLICT(uuid) DO UPDATE SET name = excluded.name, canons = excluded.canons, script = excluded.script,
         rampup = excluded.rampup, status = excluded.status, updated_at = excluded.updated_at, protocol = excluded.protocol,
         capabilities = excluded.capabilities, results_sent = excluded.results_sent, results_stored = excluded.results_stored`,
    );
  }

  /** Stores results, `insert_limit` rows per transaction. */
  insertResults(rows: readonly Result[]): void {
    for (let from = 0; from < rows.length; from += this.insertLimit) {
      this.insertMany(rows, from, Math.min(rows.length, from + this.insertLimit));
    }
  }

  /** Stores packed results (decoded on the receive thread), `insert_limit` rows per transaction. */
  insertPacked(pack: PackedResults): void {
    const length = packedLength(pack);
    for (let from = 0; from < length; from += this.insertLimit) {
      this.insertManyPacked(pack, from, Math.min(length, from + this.insertLimit));
    }
  }

  /** Keeps a received-but-invalid frame (its first 64 KiB) with the reason (DESIGN §5). */
  reject(code: string, reason: string, frame: Uint8Array, receivedAt = Date.now() / 1000): void {
    const kept = frame.length > REJECT_KEEP_BYTES ? frame.subarray(0, REJECT_KEEP_BYTES) : frame;
    this.insertReject.run(
      receivedAt,
      code,
      reason,
      frame.length,
      Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength),
    );
  }

  /** Inserts or updates a turret by uuid. */
  saveTurret(t: TurretRow): void {
    this.upsert.run({ ...t, capabilities: JSON.stringify(t.capabilities) });
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

  /** Number of rows in the reject table. */
  countRejects(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM reject').get() as { n: number }).n;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // WAL suits ingest; a finished run is one self-contained file that can be copied alone, and
    // read-only readers (the reporter) leave no -wal/-shm files beside it.
    this.db.pragma('journal_mode = DELETE');
    this.db.close();
  }
}
