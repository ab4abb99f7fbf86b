/**
 * A real npm registry on loopback: Verdaccio, with its storage in a temporary directory, taking
 * anonymous publishes of the `@oct` scope and nothing else (no uplink: every other package comes
 * from the default registry, as for a user). A user config (.npmrc) points only `@oct` at it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, run, start, type Running } from './commands.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Every publishable workspace package, dependencies before dependents. */
export const PUBLISHED = [
  'packages/protocol',
  'packages/turret',
  'packages/hq',
  'packages/reporter',
  'packages/packer',
  'packages/cli',
  'conformance',
];

export interface LocalRegistry {
  url: string;
  /**
   * The user's .npmrc plus `@oct:registry=<url>` (and a token, which npm wants before it publishes):
   * pass it as npm_config_userconfig.
   */
  userconfig: string;
  stop(): void;
}

export async function startRegistry(dir: string): Promise<LocalRegistry> {
  const bin = path.join(ROOT, 'node_modules', '.bin', 'verdaccio');
  if (!existsSync(bin)) throw new Error(`${bin} not found: run npm ci at the repository root`);
  await mkdir(dir, { recursive: true });
  const config = path.join(dir, 'config.yaml');
  await writeFile(
    config,
    [
      `storage: ${JSON.stringify(path.join(dir, 'storage'))}`,
      'auth: { htpasswd: { file: ./htpasswd, max_users: -1 } }',
      'uplinks: {}',
      'packages:',
      "  '@oct/*': { access: $all, publish: $all, unpublish: $all }",
      "  '**': { access: $all }",
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const server: Running = start(
    process.execPath,
    [bin, '--config', config, '--listen', `127.0.0.1:${port}`],
    dir,
    process.env,
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}-/ping`)).ok) break;
    } catch {
      // not listening yet
    }
    if (server.child.exitCode !== null || Date.now() > deadline) {
      server.kill();
      throw new Error(`Verdaccio did not answer on ${url}\n${server.output()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  // The user's own config (it may say where node-gyp finds Node's headers, say) plus two lines.
  const userconfig = path.join(dir, 'npmrc');
  const own = process.env.npm_config_userconfig ?? path.join(homedir(), '.npmrc');
  const base = existsSync(own) ? `${await readFile(own, 'utf8')}\n` : '';
  await writeFile(userconfig, `${base}@oct:registry=${url}\n//127.0.0.1:${port}/:_authToken=e2e-anonymous\n`);
  return { url, userconfig, stop: () => server.kill() };
}

/** `npm publish` in each package's folder, as a maintainer releases (prepack builds it). */
export async function publishWorkspace(env: NodeJS.ProcessEnv): Promise<string[]> {
  const published: string[] = [];
  for (const dir of PUBLISHED) {
    const out = await run('npm', ['publish'], path.join(ROOT, dir), env);
    const name = /\+ (@oct\/[a-z-]+@\S+)/.exec(out)?.[1];
    if (!name) throw new Error(`npm publish in ${dir} did not say what it published:\n${out}`);
    published.push(name);
  }
  return published;
}
