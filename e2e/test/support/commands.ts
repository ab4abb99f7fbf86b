/**
 * Commands as a user types them in a terminal: npm, npx, oct. Each runs in its own process group so
 * that a clean-up reaches npx's children too; output is kept for the assertion messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * The environment of a user's shell: this test runs under `npm test`, whose run-script variables
 * (npm_package_*, npm_config_local_prefix, ...) would point a child npm at the workspace. The npm
 * cache stays (CI gives the run an empty one of its own).
 */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || k === 'npm_config_cache');
  return { ...Object.fromEntries(kept), npm_config_update_notifier: 'false', ...extra };
}

/** A started command: its process, its exit, and what it printed so far. */
export interface Running {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
  /** Resolves when a line of output matches, rejects if the command exits first. */
  waitFor(pattern: RegExp, what: string, timeoutMs: number): Promise<string>;
  /** SIGKILLs the whole process group (no-op when it has exited). */
  kill(): void;
}

export function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Running {
  let text = '';
  const listeners = new Set<() => void>();
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const onData = (c: Buffer): void => {
    text += c.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', (e) => {
      text += `\n[spawn error: ${e.message}]`;
      resolve(-1);
    });
    child.on('close', (code) => resolve(code));
  });
  const shown = `${command} ${args.join(' ')} (in ${cwd})`;
  return {
    child,
    exited,
    output: () => `--- output of ${shown} ---\n${text}\n--- end ---`,
    waitFor(pattern, what, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no ${what} within ${timeoutMs / 1000} s`)), timeoutMs);
        const check = (): void => {
          const m = pattern.exec(text);
          if (m) done(undefined, m[0]);
        };
        const done = (err?: Error, found?: string): void => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(new Error(`${err.message}\n${text}`));
          else resolve(found ?? '');
        };
        listeners.add(check);
        void exited.then((code) => done(new Error(`${shown} exited (${code}) before ${what}`)));
        check();
      });
    },
    kill() {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** Runs a command to its end; rejects (with its output) on a non-zero exit or after `timeoutMs`. */
export async function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 600_000,
): Promise<string> {
  const p = start(command, args, cwd, env);
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    p.exited,
    new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  p.kill();
  if (code !== 0) throw new Error(`exit ${code}: ${p.output()}`);
  return p.output();
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
