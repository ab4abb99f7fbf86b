/**
 * The results store in PostgreSQL (`results_database.db_uri: postgresql://...`): the tables of
 * schema-pg.sql, one `run` row per run and every other row keyed by it. Results go in with COPY (binary
 * format, pg-copy.ts), one COPY per pack: each COPY is its own transaction, so a pack is stored whole or not at
 * all. Every method returns a promise; the ingest thread awaits each before taking the next message
 * (order, accounting and back-pressure as with SQLite). Messages never show the password.
 */
import { once } from 'node:events';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { packedLength, type PackedResults } from '../result-columns.js';
import { copyBinary } from './pg-copy.js';
import { maskSecrets, maskUri } from './pg-uri.js';
import { REJECT_KEEP_BYTES, REJECT_REASON_CHARS, schemaSql, type RunRow, type TurretRow } from './store.js';

/** How long a store call may wait for the server (results_database has no key for it). */
export const PG_TIMEOUT_MS = 30_000;

const RESULT_COLUMNS =
  'turret_name, turret_uuid, elapsed, epoch, scriptrun_time, error, custom_timers, seq, setup_failed';

/** Connects with a bounded wait; errors say which server, never the password. */
async function pgConnect(uri: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: uri, connectionTimeoutMillis: 15_000, keepAlive: true });
  // A connection lost while idle is an 'error' event; the next query then fails and says so.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new Error(`cannot connect to ${maskUri(uri)}: ${maskSecrets(pgMessage(e), uri)}`);
  }
  return client;
}

/** A pg error as one line (AggregateErrors of refused connections have an empty message). */
export function pgMessage(e: unknown): string {
  const err = e as Error & { code?: string; errors?: Error[] };
  const text = err.message || err.errors?.map((x) => x.message).join('; ') || err.code || String(e);
  return text.replace(/\s+/g, ' ');
}

/**
 * `call`, or a failure after timeoutMs that cuts the connection: a server that stops answering
 * (stalled, or a network that drops packets: TCP would wait for hours) must not hang the run, which
 * then ends `store_failed` (or, at open, before it starts).
 */
async function withinTimeout<T>(client: pg.Client, timeoutMs: number, call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  call.catch(() => undefined); // when the timeout wins, the call fails later, unheard
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer from the database in ${timeoutMs / 1000} s: connection closed`));
      client.connection.stream.destroy();
    }, timeoutMs);
  });
  try {
    return await Promise.race([call, stalled]);
  } finally {
    clearTimeout(timer);
  }
}

export class PgStore {
  private closed = false;

  /** The run_id field of every row, in COPY's binary format (length 8, then the bigint). */
  private readonly runField: Uint8Array;

  private constructor(
    private readonly client: pg.Client,
    private readonly uri: string,
    /** The `run` row's id (what `oct rebuild-results --run` takes). */
    readonly runId: number,
    private readonly timeoutMs: number,
  ) {
    const field = new DataView(new ArrayBuffer(12));
    field.setInt32(0, 8);
    field.setBigInt64(4, BigInt(runId));
    this.runField = new Uint8Array(field.buffer);
  }

  /** Connects, creates the tables if missing and writes the run row. */
  static async open(
    uri: string,
    runUuid: string,
    run: RunRow | null,
    /** A call without an answer for this long fails, and the connection is cut (see guarded). */
    timeoutMs = PG_TIMEOUT_MS,
  ): Promise<PgStore> {
    const client = await pgConnect(uri);
    const setUp = async (): Promise<number> => {
      // One HQ at a time creates the tables (CREATE ... IF NOT EXISTS races otherwise).
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(7447001)');
      await client.query(schemaSql('schema-pg.sql'));
      await client.query('COMMIT');
      const r = run ?? {
        project: '',
        run_time: 0,
        results_ts_interval: 1,
        config_json: '{}',
        hq_version: '',
      };
      const { rows } = await client.query<{ id: string }>(
        'INSERT INTO run (run_uuid, project, run_time, results_ts_interval, config_json, hq_version) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [runUuid, r.project, r.run_time, r.results_ts_interval, r.config_json, r.hq_version],
      );
      return Number(rows[0]!.id);
    };
    try {
      // Bounded as every later call: a server that takes the connection and then stalls (or another
      // HQ stuck holding the tables' lock) ends the run before it starts instead of hanging it.
      const runId = await withinTimeout(client, timeoutMs, setUp());
      return new PgStore(client, uri, runId, timeoutMs);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw new Error(`${maskUri(uri)}: ${maskSecrets(pgMessage(e), uri)}`);
    }
  }

  /** The last call queued: calls run one after the other (pg 8 deprecates queueing its queries). */
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `f` after every call before it, within the timeout, its error as one masked line. */
  private guarded<T>(f: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      try {
        return await withinTimeout(this.client, this.timeoutMs, f());
      } catch (e) {
        throw new Error(maskSecrets(pgMessage(e), this.uri));
      }
    };
    const call = this.tail.then(run, run);
    this.tail = call.catch(() => undefined);
    return call;
  }

  private async copy(sql: string, data: Buffer): Promise<void> {
    await this.guarded(async () => {
      const stream = this.client.query(copyFrom(sql));
      stream.end(data);
      await once(stream, 'finish');
    });
  }

  /**
   * Stores a pack in one COPY (one transaction: all its rows or none). The data is made at once, so
   * the next pack is encoded while an earlier COPY runs.
   */
  insertPacked(pack: PackedResults): Promise<void> {
    if (packedLength(pack) === 0) return Promise.resolve();
    return this.copy(
      `COPY result (run_id, ${RESULT_COLUMNS}) FROM STDIN (FORMAT binary)`,
      copyBinary(pack, 1, (w) => w.raw(this.runField)),
    );
  }

  /** Keeps results aside (spec 7.3), `reasons[k]` for the rows of pack.turrets[k]; one COPY. */
  quarantinePacked(pack: PackedResults, reasons: readonly string[]): Promise<void> {
    if (packedLength(pack) === 0) return Promise.resolve();
    return this.copy(
      `COPY quarantine (run_id, reason, ${RESULT_COLUMNS}) FROM STDIN (FORMAT binary)`,
      copyBinary(pack, 2, (w, t) => {
        w.raw(this.runField);
        w.text(reasons[t] ?? 'unknown');
      }),
    );
  }

  /** Keeps a received-but-invalid frame (its first 64 KiB) with its reason, as the SQLite store. */
  reject(code: string, reason: string, frame: Uint8Array, receivedAt = Date.now() / 1000): Promise<void> {
    const kept = frame.length > REJECT_KEEP_BYTES ? frame.subarray(0, REJECT_KEEP_BYTES) : frame;
    return this.guarded(async () => {
      await this.client.query(
        'INSERT INTO reject (run_id, received_at, code, reason, frame_size, frame) VALUES ($1, $2, $3, $4, $5, $6)',
        [
          this.runId,
          receivedAt,
          code,
          // NUL is the one character PostgreSQL text cannot hold.
          (reason.length > REJECT_REASON_CHARS
            ? `${reason.slice(0, REJECT_REASON_CHARS - 3)}...`
            : reason
          ).replace(/\0/g, '\\0'),
          frame.length,
          Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength),
        ],
      );
    });
  }

  /** Inserts or updates a turret of this run by uuid. */
  saveTurret(t: TurretRow): Promise<void> {
    return this.guarded(async () => {
      await this.client.query(
        `INSERT INTO turret (run_id, name, canons, script, uuid, rampup, status, updated_at, protocol, capabilities, results_sent, results_stored, curve_key, firing_from, firing_until, canons_abandoned)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (run_id, uuid) DO UPDATE SET name = excluded.name, canons = excluded.canons, script = excluded.script,
           rampup = excluded.rampup, status = excluded.status, updated_at = excluded.updated_at, protocol = excluded.protocol,
           capabilities = excluded.capabilities, results_sent = excluded.results_sent, results_stored = excluded.results_stored,
           curve_key = excluded.curve_key, firing_from = excluded.firing_from, firing_until = excluded.firing_until,
           canons_abandoned = excluded.canons_abandoned`,
        [
          this.runId,
          t.name,
          t.canons,
          t.script,
          t.uuid,
          t.rampup,
          t.status,
          t.updated_at,
          t.protocol,
          JSON.stringify(t.capabilities),
          t.results_sent,
          t.results_stored,
          t.curve_key ?? null,
          t.firing_from ?? null,
          t.firing_until ?? null,
          t.canons_abandoned ?? null,
        ],
      );
    });
  }

  /** Sets the run's time columns or its outcome. */
  updateRun(
    fields: Partial<{ started_at: number; stopped_at: number; finished_at: number; outcome: string }>,
  ): Promise<void> {
    const keys = Object.keys(fields).filter((k) =>
      ['started_at', 'stopped_at', 'finished_at', 'outcome'].includes(k),
    );
    if (keys.length === 0) return Promise.resolve();
    return this.guarded(async () => {
      await this.client.query(
        `UPDATE run SET ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE id = $1`,
        [this.runId, ...keys.map((k) => fields[k as keyof typeof fields])],
      );
    });
  }

  /** Number of this run's rejected frames. */
  countRejects(): Promise<number> {
    return this.guarded(async () => {
      const { rows } = await this.client.query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM reject WHERE run_id = $1',
        [this.runId],
      );
      return Number(rows[0]!.n);
    });
  }

  /** Closes the connection (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    // end() waits for the server's goodbye: not for ever.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.client.end(),
      new Promise<void>(
        (r) => (timer = setTimeout(() => (this.client.connection.stream.destroy(), r()), 5_000)),
      ),
    ]).finally(() => clearTimeout(timer));
  }
}
