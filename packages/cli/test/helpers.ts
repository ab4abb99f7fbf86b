/** CLI test helpers: run `oct` as a real process, pick the turret, read results files. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { resolveTurretBin } from '../src/local.js';

export const binTs = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
/** tsx by its URL, so that `oct` runs from source whatever its current directory. */
const tsx = import.meta.resolve('tsx');
const fixtureTurret = fileURLToPath(new URL('../../hq/test/fixtures/modern-turret.mjs', import.meta.url));

/**
 * The environment for `--local` runs: the reference turret when it is built; until then the HQ's
 * protocol 1.0 fixture turret (same `start --config` command line), said in a diagnostic.
 */
export function turretEnv(diagnostic: (m: string) => void): NodeJS.ProcessEnv {
  try {
    const bin = resolveTurretBin({});
    if (existsSync(bin)) return { ...process.env, OCT_TURRET_BIN: '' };
  } catch {
    // not built yet
  }
  diagnostic(
    '@oct/turret is not built: --local runs use the fixture turret (hq/test/fixtures/modern-turret.mjs)',
  );
  return { ...process.env, OCT_TURRET_BIN: fixtureTurret };
}

export interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface OctProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Exited>;
}

/** Starts `oct <args>` (from source, through tsx). */
export function oct(args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): OctProcess {
  const child = spawn(process.execPath, ['--import', tsx, binTs, ...args], {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<Exited>((res) =>
    child.once('close', (code) => res({ code, stdout: out, stderr: err })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits until `predicate` holds (polling), or fails after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function query<T>(dbPath: string, sql: string): T[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** The results.sqlite path printed by `oct run`. */
export function resultsPath(stdout: string): string {
  const m = /^results: (.+)$/m.exec(stdout);
  if (!m) throw new Error(`no results line in:\n${stdout}`);
  return m[1]!;
}

export function summaryPath(stdout: string): string {
  const m = /^summary: (.+)$/m.exec(stdout);
  if (!m) throw new Error(`no summary line in:\n${stdout}`);
  return m[1]!;
}

/** A TCP port that was free a moment ago (for configured, non-ephemeral ports). */
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

/** Starts a turret (the reference one, else the fixture) as a user would on another machine. */
export function startTurret(projectDir: string, turret: Record<string, unknown>): ChildProcess {
  const env = turretEnv(() => undefined);
  const bin = env.OCT_TURRET_BIN || resolveTurretBin({});
  const file = join(projectDir, `turret-${String(turret.name)}.json`);
  writeFileSync(file, JSON.stringify({ script: 'v_user.js', rampup: 0, hq_address: '127.0.0.1', ...turret }));
  return spawn(process.execPath, [bin, 'start', '--config', file], { cwd: projectDir, stdio: 'ignore' });
}
