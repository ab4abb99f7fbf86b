/**
 * A run stored in PostgreSQL (the HQ's `results_database.db_uri: postgresql://...`, its tables in
 * @oct/hq's schema-pg.sql) copied into a temporary SQLite file of the HQ's SQLite layout, which the
 * report and the CSV then read as any results file: one code path, so the same report and
 * summary.json whichever store the run went to. Rows stream out with COPY (never all in memory) in
 * id order, so the copy's ids are the run's order as in a SQLite run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { ReportError } from './store.js';

/** Whether `uri` names a PostgreSQL database. */
export const isPgUri = (uri: string): boolean => /^postgres(?:ql)?:\/\//i.test(uri);

/** `uri` with its password replaced by `***`. */
export const maskUri = (uri: string): string =>
  uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:)[^@/?#]*@/i, '$1***@');

/** `message` with `uri`'s password (raw or decoded) masked. */
function mask(message: string, uri: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:([^@/?#]*)@/i.exec(uri);
  let out = message.replaceAll(uri, maskUri(uri));
  if (m && m[1]) {
    let decoded = m[1];
    try {
      decoded = decodeURIComponent(m[1]);
    } catch {
      // only the raw form can appear
    }
    for (const s of new Set([m[1], decoded])) out = out.replaceAll(s, '***');
  }
  return out;
}

type Kind = 'text' | 'real' | 'int' | 'blob' | 'bool';

/** The `result` table's columns, which `quarantine` repeats after its reason. */
const RESULT_COLUMNS: [string, Kind][] = [
  ['turret_name', 'text'],
  ['elapsed', 'real'],
  ['epoch', 'real'],
  ['scriptrun_time', 'real'],
  ['error', 'text'],
  ['custom_timers', 'text'],
  ['turret_uuid', 'text'],
  ['seq', 'int'],
  ['setup_failed', 'bool'],
];

/** The tables copied, their columns (as in the SQLite layout, id left to SQLite) and types. */
const TABLES: Record<string, [string, Kind][]> = {
  run: [
    ['project', 'text'],
    ['started_at', 'real'],
    ['stopped_at', 'real'],
    ['finished_at', 'real'],
    ['run_time', 'real'],
    ['results_ts_interval', 'real'],
    ['config_json', 'text'],
    ['hq_version', 'text'],
    ['outcome', 'text'],
  ],
  turret: [
    ['name', 'text'],
    ['canons', 'int'],
    ['script', 'text'],
    ['uuid', 'text'],
    ['rampup', 'real'],
    ['status', 'text'],
    ['updated_at', 'real'],
    ['protocol', 'text'],
    ['capabilities', 'text'],
    ['results_sent', 'int'],
    ['results_stored', 'int'],
    ['curve_key', 'text'],
    ['firing_from', 'real'],
    ['firing_until', 'real'],
    ['canons_abandoned', 'int'],
  ],
  result: RESULT_COLUMNS,
  // Results kept aside: a reason, then a result's columns.
  quarantine: [['reason', 'text'], ...RESULT_COLUMNS],
  reject: [
    ['received_at', 'real'],
    ['code', 'text'],
    ['reason', 'text'],
    ['frame_size', 'int'],
    ['frame', 'blob'],
  ],
};

/** Columns added after a table was first made: a database no HQ of their time has written lacks them. */
const ADDED_COLUMNS = new Set([
  'turret.firing_from',
  'turret.firing_until',
  'turret.canons_abandoned',
  'result.setup_failed',
  'quarantine.setup_failed',
]);

const SQL_TYPE: Record<Kind, string> = {
  text: 'TEXT',
  real: 'REAL',
  int: 'INTEGER',
  blob: 'BLOB',
  bool: 'INTEGER', // 1 or 0, as the SQLite layout has it
};

/** One field of COPY's text format: `\N` is null, backslash escapes undone. */
function unescape(s: string): string | null {
  if (s === '\\N') return null;
  if (!s.includes('\\')) return s;
  return s.replace(/\\(.)/g, (_, c: string) =>
    c === 'n'
      ? '\n'
      : c === 't'
        ? '\t'
        : c === 'r'
          ? '\r'
          : c === 'b'
            ? '\b'
            : c === 'f'
              ? '\f'
              : c === 'v'
                ? '\v'
                : c,
  );
}

function value(s: string, kind: Kind): unknown {
  const text = unescape(s);
  if (text === null) return null;
  if (kind === 'text') return text;
  if (kind === 'blob') return Buffer.from(text.slice(2), 'hex'); // bytea's hex output: \x...
  if (kind === 'bool') return text === 't' ? 1 : 0;
  return Number(text);
}

/** Streams `COPY (query) TO STDOUT` line by line into `each` (fields split on tabs). */
async function copyOut(client: pg.Client, query: string, each: (fields: string[]) => void): Promise<void> {
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT`));
  let rest = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = rest + chunk.toString('utf8');
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const line of lines) each(line.split('\t'));
  }
  if (rest !== '') each(rest.split('\t'));
}

/** A run copied into a temporary SQLite file; `remove()` deletes it. */
export interface PgRunCopy {
  dbPath: string;
  /** What the report calls the results: the masked URL and the run's id. */
  name: string;
  remove(): void;
}

/**
 * Copies run `run` (its id, or its run_uuid) of the PostgreSQL database at `uri` into a temporary
 * SQLite file. Errors are one ReportError line naming the database without its password.
 */
export async function copyPgRun(uri: string, run: string): Promise<PgRunCopy> {
  const where = maskUri(uri);
  const client = new pg.Client({ connectionString: uri, connectionTimeoutMillis: 15_000 });
  client.on('error', () => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'oct-pg-run-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  const dbPath = join(dir, 'results.sqlite');
  try {
    try {
      await client.connect();
    } catch (e) {
      throw new ReportError(`cannot connect to ${where}: ${mask(pgLine(e), uri)}`);
    }
    let id: string;
    try {
      const { rows } = await client.query<{ id: string }>(
        /^\d+$/.test(run) ? 'SELECT id FROM run WHERE id = $1' : 'SELECT id FROM run WHERE run_uuid = $1',
        [run],
      );
      if (rows.length === 0)
        throw new ReportError(`${where}: no run ${JSON.stringify(run)} (see its run table)`);
      id = rows[0]!.id;
    } catch (e) {
      if (e instanceof ReportError) throw e;
      throw new ReportError(`${where}: not an OCT results database: ${mask(pgLine(e), uri)}`);
    }
    let present: Set<string>;
    try {
      const { rows } = await client.query<{ table_name: string; column_name: string }>(
        'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()',
      );
      present = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
    } catch (e) {
      throw new ReportError(`${where}: reading its columns failed: ${mask(pgLine(e), uri)}`);
    }
    const db = new Database(dbPath);
    try {
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      for (const [table, columns] of Object.entries(TABLES)) {
        const names = columns.map(([c]) => c);
        db.exec(
          `CREATE TABLE ${table} (id INTEGER PRIMARY KEY, ${columns.map(([c, k]) => `${c} ${SQL_TYPE[k]}`).join(', ')})`,
        );
        const insert = db.prepare(
          `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
        );
        const picked = names.map((c) =>
          ADDED_COLUMNS.has(`${table}.${c}`) && !present.has(`${table}.${c}`) ? `NULL AS ${c}` : c,
        );
        const select = `SELECT ${picked.join(', ')} FROM ${table} WHERE ${table === 'run' ? 'id' : 'run_id'} = ${id} ORDER BY id`;
        // Transactions of 10,000 rows: SQLite's speed without holding a whole run.
        let rows: unknown[][] = [];
        const flush = db.transaction((batch: unknown[][]) => {
          for (const row of batch) insert.run(row);
        });
        try {
          await copyOut(client, select, (fields) => {
            rows.push(fields.map((f, i) => value(f, columns[i]![1])));
            if (rows.length >= 10_000) {
              flush(rows);
              rows = [];
            }
          });
        } catch (e) {
          throw new ReportError(
            `${where}: reading table ${table} of run ${id} failed: ${mask(pgLine(e), uri)}`,
          );
        }
        flush(rows);
      }
    } finally {
      db.close();
    }
    return { dbPath, name: `${where} run ${id}`, remove };
  } catch (e) {
    remove();
    throw e;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A pg error as one line (a refused connection's AggregateError has an empty message). */
function pgLine(e: unknown): string {
  const err = e as Error & { code?: string; errors?: Error[] };
  return (err.message || err.errors?.map((x) => x.message).join('; ') || err.code || String(e)).replace(
    /\s+/g,
    ' ',
  );
}
