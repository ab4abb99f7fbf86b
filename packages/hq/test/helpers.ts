/** Test helpers: temp projects, fixture turret processes, waiting on events with generous timeouts. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A transaction script doing a little CPU work and setting a custom timer. */
export const V_USER = `export class Transaction {
  constructor(config, context) { this.config = config; this.context = context; this.customTimers = {}; }
  async run() {
    const t = performance.now();
    let s = 0;
    for (let i = 0; i < 2000; i++) s += Math.sqrt(i);
    await new Promise((r) => setTimeout(r, 2));
    this.customTimers.work = (performance.now() - t) / 1000;
    if (s < 0) throw new Error('never');
  }
}
`;

export interface TempProject {
  dir: string;
  cleanup: () => void;
}

/** Writes a project (config.json + v_user.js) in a fresh temp dir. */
export function tempProject(config: Record<string, unknown>): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'oct-hq-test-'));
  writeFileSync(join(dir, 'v_user.js'), V_USER);
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify(
      { results_ts_interval: 1, progress_bar: false, hq_address: '127.0.0.1', ...config },
      null,
      2,
    ),
  );
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export type FixtureKind = 'modern' | 'legacy';

/** Starts a fixture turret as a child process connected to the given HQ ports. */
export function spawnTurret(
  kind: FixtureKind,
  dir: string,
  turret: Record<string, unknown>,
  ports: { publishPort: number; rcPort: number },
): ChildProcess {
  const config = {
    script: join(dir, 'v_user.js'),
    rampup: 0,
    hq_address: '127.0.0.1',
    hq_publisher: ports.publishPort,
    hq_rc: ports.rcPort,
    ...turret,
  };
  const file = join(dir, `turret-${String(turret.name)}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  const script = kind === 'legacy' ? 'legacy-turret.mjs' : 'modern-turret.mjs';
  const args =
    kind === 'legacy' ? [join(fixtures, script), file] : [join(fixtures, script), 'start', '--config', file];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  return child;
}

/** Kills children still running. */
export function killAll(children: ChildProcess[]): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs a query on a results file. */
export function query<T>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** A TCP port that was free a moment ago (for tests of configured, non-ephemeral ports). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
