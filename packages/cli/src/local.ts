/**
 * `oct run --local`: each project turret runs as a child process of the reference turret
 * (`oct-turret start --config <file>`), with a generated config pointing at this run's ports. Their
 * output is prefixed with the turret name; they are torn down when the run ends, on errors and on exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ProjectTurret } from '@oct/hq';
import { CliError } from './errors.js';

/**
 * The reference turret's CLI script: `OCT_TURRET_BIN` when set, else the `oct-turret` bin of the
 * @oct/turret package found in a node_modules above this module. (Its exports map does not expose
 * package.json, so require.resolve cannot find it.)
 */
export function resolveTurretBin(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OCT_TURRET_BIN) {
    const bin = resolve(env.OCT_TURRET_BIN);
    if (!existsSync(bin)) throw new CliError(`OCT_TURRET_BIN: ${bin} not found`);
    return bin;
  }
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'node_modules', '@oct', 'turret', 'package.json');
    if (existsSync(pkg)) {
      const manifest = JSON.parse(readFileSync(pkg, 'utf8')) as { bin?: string | Record<string, string> };
      const rel =
        typeof manifest.bin === 'string' ? manifest.bin : (manifest.bin?.['oct-turret'] ?? 'dist/bin.js');
      const bin = join(dirname(pkg), rel);
      if (!existsSync(bin)) {
        throw new CliError(
          `@oct/turret: ${bin} not found (is the turret built? try: npx nx run turret:build)`,
        );
      }
      return bin;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new CliError(
    'cannot find the reference turret (@oct/turret) for --local: install it, or set OCT_TURRET_BIN',
  );
}

export interface LocalTurretsOptions {
  turrets: ProjectTurret[];
  projectDir: string;
  hqAddress: string;
  publishPort: number;
  rcPort: number;
  /** Receives each output line of a child, already prefixed with `[name] `. */
  log: (line: string) => void;
  /** security.curve: the project's key directory; each turret gets hq.key and turrets/<name>.key_secret. */
  keysDir?: string | null;
  env?: NodeJS.ProcessEnv;
}

/** The child turret processes of a local run. */
export class LocalTurrets {
  readonly children: { name: string; process: ChildProcess; exited: Promise<number | null> }[] = [];
  private readonly configDir: string;
  private stopping = false;
  private readonly onExit = (): void => this.killNow();

  constructor(private readonly options: LocalTurretsOptions) {
    this.configDir = mkdtempSync(join(tmpdir(), 'oct-local-'));
    process.once('exit', this.onExit);
  }

  /** Starts one child per turret. */
  spawnAll(): void {
    const bin = resolveTurretBin(this.options.env);
    const host = ['0.0.0.0', '*', '::'].includes(this.options.hqAddress)
      ? '127.0.0.1'
      : this.options.hqAddress;
    this.options.turrets.forEach((t, i) => {
      const config = {
        ...t.config,
        script: t.scriptPath,
        hq_address: host,
        hq_publisher: this.options.publishPort,
        hq_rc: this.options.rcPort,
        ...(this.options.keysDir
          ? {
              curve_server_key: join(this.options.keysDir, 'hq.key'),
              curve_secret_key: join(this.options.keysDir, 'turrets', `${t.config.name}.key_secret`),
            }
          : {}),
      };
      const file = join(this.configDir, `turret-${i}.json`);
      writeFileSync(file, JSON.stringify(config, null, 2));
      // Own process group: a Ctrl-C in the terminal reaches the HQ only, which stops the turrets
      // by protocol and drains their results before tearing them down.
      const child = spawn(process.execPath, [bin, 'start', '--config', file], {
        cwd: this.options.projectDir,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
        env: this.options.env ?? process.env,
      });
      const name = t.config.name;
      for (const stream of [child.stdout, child.stderr]) {
        if (!stream) continue;
        createInterface({ input: stream }).on('line', (line) => this.options.log(`[${name}] ${line}`));
      }
      const exited = new Promise<number | null>((res) => {
        child.once('exit', (code, sig) => {
          if (!this.stopping) this.options.log(`[${name}] exited ${sig ? `on ${sig}` : `with code ${code}`}`);
          res(code ?? (sig ? -1 : null));
        });
        child.once('error', (e) => {
          this.options.log(`[${name}] cannot start: ${e.message}`);
          res(-1);
        });
      });
      this.children.push({ name, process: child, exited });
    });
  }

  /** Resolves when every child has exited. */
  allExited(): Promise<void> {
    return Promise.all(this.children.map((c) => c.exited)).then(() => undefined);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; removes the generated configs. */
  async stop(graceMs = 3000): Promise<void> {
    this.stopping = true;
    const alive = this.children.filter((c) => c.process.exitCode === null && c.process.signalCode === null);
    for (const c of alive) signal(c.process, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(alive.map((c) => c.exited)),
      new Promise((r) => {
        timer = setTimeout(r, graceMs);
      }),
    ]);
    clearTimeout(timer);
    this.killNow();
    process.removeListener('exit', this.onExit);
  }

  /** Synchronous last resort (process exit): SIGKILL whatever is left. */
  killNow(): void {
    for (const c of this.children) {
      if (c.process.exitCode === null && c.process.signalCode === null) signal(c.process, 'SIGKILL');
    }
    rmSync(this.configDir, { recursive: true, force: true });
  }
}

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    // Negative pid: the child's whole process group (it may have workers of its own).
    if (child.pid) process.kill(-child.pid, sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      // already gone
    }
  }
}
