/**
 * A real PostgreSQL server for tests (Debian's `postgresql` package): initdb in a temporary data
 * directory, postgres on 127.0.0.1 on a free port, run as `nobody` (initdb refuses root), password
 * authentication (scram) so wrong passwords are refused as in production. Every PostgreSQL test uses
 * this helper. Without the binaries the tests skip with one line naming the package; in CI they fail.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Where Debian installs the server binaries (newest version first). */
function binDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0]!, 'bin') : null;
}

/** The line a test skips with when there is no server; in CI (`CI` set) the test fails with it instead. */
export const PG_MISSING =
  'PostgreSQL server not installed: apt-get install postgresql (Debian) for the PostgreSQL tests';

/** `{ skip }` for node:test: skip with PG_MISSING without a server, fail in CI. */
export function pgSkip(): { skip: string | false } {
  if (binDir() !== null) return { skip: false };
  if (process.env.CI) throw new Error(PG_MISSING);
  return { skip: PG_MISSING };
}

export interface PgServer {
  port: number;
  /** The postmaster's process id (benchmarks pin it to a core: bench/hq/pg-ingest.ts --pin). */
  pid: number;
  user: string;
  password: string;
  /** postgresql://user:password@127.0.0.1:port/`db` */
  uri(db?: string): string;
  /** Stops the server (fast shutdown, connections cut) and removes its data directory. */
  stop(): Promise<void>;
}

const NOBODY = { uid: 65534, gid: 65534 };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts a fresh server; stop it in a finally/after whatever happens. */
export async function startPg(): Promise<PgServer> {
  const bin = binDir();
  if (bin === null) throw new Error(PG_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'oct-pg-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  const user = 'oct';
  const password = 'se:cr@t/pw';
  writeFileSync(join(dir, 'pw'), password);
  chownSync(dir, NOBODY.uid, NOBODY.gid);
  chownSync(join(dir, 'pw'), NOBODY.uid, NOBODY.gid);
  const asNobody = process.getuid?.() === 0 ? NOBODY : {};
  const init = spawnSync(
    join(bin, 'initdb'),
    [
      '-D',
      data,
      '-U',
      user,
      `--pwfile=${join(dir, 'pw')}`,
      '--auth=scram-sha-256',
      '-E',
      'UTF8',
      '--no-sync',
    ],
    { cwd: dir, encoding: 'utf8', ...asNobody },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  // fsync off: a test server's data need not survive a crash, and a loaded machine stays fast.
  const child: ChildProcess = spawn(
    join(bin, 'postgres'),
    ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], ...asNobody },
  );
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT'); // fast shutdown
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const uri = (db = 'postgres'): string =>
    `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  // Ready once it accepts a login (up to 60 s on a loaded machine).
  const deadline = Date.now() + 60_000;
  for (;;) {
    const client = new pg.Client({ connectionString: uri() });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (e) {
      await client.end().catch(() => undefined);
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`postgres did not start: ${(e as Error).message}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { port, pid: child.pid!, user, password, uri, stop };
}

/** Creates database `name` on the server. */
export async function createDb(server: PgServer, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.uri() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

/** Runs one query against `db` and returns its rows. */
export async function pgQuery<T>(
  server: PgServer,
  db: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: server.uri(db) });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
