/**
 * The turret under test as a process: the kit writes its config into a temp dir, runs the user's
 * command line (with `{config}` replaced by the config path) in its own process group, and kills
 * the whole group at the end of the scenario so no canon outlives it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The turret config the kit writes (spec 9.1). */
export interface KitTurretConfig {
  name: string;
  canons?: number;
  cannons?: number;
  rampup: number;
  script: string;
  hq_address: string;
  hq_publisher: number;
  hq_rc: number;
  /** session: seconds without a frame from the HQ before a running turret stops (spec 8.11). */
  hq_timeout?: number;
  /** Seconds a transaction may run before it is reported as timed out (spec 7.6). */
  transaction_timeout?: number;
  /** curve: the HQ's public certificate, relative to the config (spec 11.4). */
  curve_server_key?: string;
  /** curve: the turret's secret certificate, relative to the config (spec 11.4). */
  curve_secret_key?: string;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when the process exited. */
  at: number;
}

/** The environment variable naming the directory for the tear_down_mark fixture's marks (spec 10.6). */
export const MARKS_ENV = 'OCT_CONFORMANCE_MARKS';

const TAIL = 4000;
/** How much of stderr is kept whole, for the checks on what a turret says (spec 11.3, 11.5). */
const STDERR_KEPT = 64 * 1024;

/** Every turret process group still alive, so an interrupted run leaves none behind. */
const live = new Set<TurretProcess>();

/** Kills every turret process group the kit started and has not cleaned up yet (synchronous). */
export function killAllTurrets(): void {
  for (const t of live) {
    t.killGroup();
    rmSync(t.dir, { recursive: true, force: true });
  }
  live.clear();
}

// Turrets run in their own process group, so a Ctrl-C on the terminal does not reach them.
process.on('exit', killAllTurrets);

/** One turret process launched by the kit. */
export class TurretProcess {
  readonly dir = mkdtempSync(join(tmpdir(), 'oct-conformance-'));
  readonly configPath = join(this.dir, 'turret.json');
  /** Where the tear_down_mark fixture leaves its marks (spec 10.6), named by OCT_CONFORMANCE_MARKS. */
  readonly marksDir = join(this.dir, 'marks');
  private child: ChildProcess | undefined;
  private output = '';
  private errText = '';
  private outputWaiters: (() => void)[] = [];
  exit: Exit | undefined;
  /** performance.now() at launch. */
  launchedAt = 0;
  readonly exited: Promise<Exit>;
  private resolveExit!: (e: Exit) => void;

  constructor(readonly commandTemplate: string) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  /** Writes the config file. */
  writeConfig(config: KitTurretConfig): void {
    writeFileSync(this.configPath, JSON.stringify(config, null, 2));
  }

  /** The command line that is run. */
  get commandLine(): string {
    return this.commandTemplate.split('{config}').join(shellQuote(this.configPath));
  }

  /** Starts the process detached, in its own process group. */
  launch(): void {
    this.launchedAt = performance.now();
    mkdirSync(this.marksDir, { recursive: true });
    const child = spawn('/bin/sh', ['-c', this.commandLine], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: this.dir,
      env: { ...process.env, [MARKS_ENV]: this.marksDir },
    });
    this.child = child;
    live.add(this);
    const keep = (chunk: Buffer, stderr: boolean): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-TAIL);
      if (stderr && this.errText.length < STDERR_KEPT) this.errText += chunk.toString('utf8');
      for (const wake of [...this.outputWaiters]) wake();
    };
    child.stdout?.on('data', (chunk: Buffer) => keep(chunk, false));
    child.stderr?.on('data', (chunk: Buffer) => keep(chunk, true));
    child.on('error', (e) => {
      this.output += `\n[kit] could not run the turret command: ${e.message}`;
    });
    child.on('exit', (code, signal) => {
      this.exit = { code, signal, at: performance.now() };
      this.resolveExit(this.exit);
    });
  }

  /** The marks the tear_down_mark fixture's tear-downs left so far (spec 10.6). */
  marks(): string[] {
    try {
      return readdirSync(this.marksDir).filter((f) => f.startsWith('teardown-'));
    } catch {
      return [];
    }
  }

  /** The last few KB the turret wrote to stdout and stderr. */
  get outputTail(): string {
    return this.output;
  }

  /** The first 64 KB the turret wrote to stderr. */
  get stderr(): string {
    return this.errText;
  }

  /** Resolves true once `check()` holds (tested on each write to stdout or stderr), false after `timeoutMs`. */
  waitOutput(check: () => boolean, timeoutMs: number): Promise<boolean> {
    if (check()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.outputWaiters = this.outputWaiters.filter((w) => w !== wake);
        resolve(ok);
      };
      const wake = (): void => {
        if (check()) done(true);
      };
      const timer = setTimeout(() => done(check()), timeoutMs);
      this.outputWaiters.push(wake);
    });
  }

  get running(): boolean {
    return this.child !== undefined && this.exit === undefined;
  }

  /** Resolves with the exit, or undefined if the process is still alive after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<Exit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>(
      (resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)),
    );
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Kills the whole process group (the shell, the turret and anything it spawned), removes the dir. */
  async destroy(): Promise<void> {
    this.killGroup();
    live.delete(this);
    if (this.child?.pid !== undefined && this.exit === undefined) await this.waitExit(5000);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** SIGKILL to the whole process group (the shell, the turret and anything it spawned). */
  killGroup(): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
