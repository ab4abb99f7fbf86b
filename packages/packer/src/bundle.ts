/**
 * `--bundle`: the turret's runtime (@oct/turret, the turrets_requirements and all they depend on),
 * installed once by npm from the registry this machine uses into a staging directory, then carried
 * inside every package as bundled dependencies, so that `npm install ./<name>.tgz --offline` works on a
 * firing machine with no registry at all. The tree holds native binaries (zeromq, esbuild): install it
 * on the same OS and CPU architecture as the machine that packed it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ArchiveEntry } from './archive.js';
import { PackError } from './errors.js';

/** The installed runtime: archive entries under `node_modules/`, and a way to remove the staging. */
export interface BundledRuntime {
  entries: ArchiveEntry[];
  cleanup(): Promise<void>;
}

/**
 * npm variables that a parent npm (`npx oct ...`) exports and that would point the child npm at the
 * user's project instead of the staging directory.
 */
const PARENT_NPM = /^npm_config_(local_prefix|prefix|global|workspaces?|include_workspace_root)$/i;

function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !PARENT_NPM.test(k)));
}

/** Runs npm; resolves with its output, rejects with a PackError naming what failed. */
function npm(args: string[], cwd: string, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, env: npmEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', (err) => reject(new PackError(`--bundle needs npm on the PATH (${err.message})`)));
    child.on('close', (code) => {
      if (code === 0) return resolve(output);
      const errors = output
        .split('\n')
        .filter((l) => l.startsWith('npm error') && !l.includes('complete log'));
      reject(new PackError([`--bundle: ${what} failed (npm exit code ${code})`, ...errors.slice(0, 8)]));
    });
  });
}

/** Every file under `dir` as archive entries at `packedDir/...`; npm's own .bin links are left out. */
async function runtimeEntries(dir: string, packedDir: string): Promise<ArchiveEntry[]> {
  const out: ArchiveEntry[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (name === '.bin' || name === '.package-lock.json') continue; // npm makes these at install time
    const source = path.join(dir, name);
    const packedPath = `${packedDir}/${name}`;
    const info = await stat(source).catch(() => undefined); // a link is packed as what it names
    if (info === undefined) continue;
    if (info.isDirectory()) out.push(...(await runtimeEntries(source, packedPath)));
    else if (info.isFile()) out.push({ packedPath, source, executable: (info.mode & 0o111) !== 0 });
  }
  return out;
}

/** Installs `dependencies` with npm into a staging directory; the caller packs and then cleans up. */
export async function installRuntime(
  dependencies: Readonly<Record<string, string>>,
): Promise<BundledRuntime> {
  const staging = await mkdtemp(path.join(tmpdir(), 'oct-bundle-'));
  const cleanup = (): Promise<void> => rm(staging, { recursive: true, force: true });
  try {
    const manifest = { name: 'oct-turret-runtime', private: true, dependencies };
    await writeFile(path.join(staging, 'package.json'), JSON.stringify(manifest, null, 2));
    const specs = Object.entries(dependencies).map(([name, range]) => `${name}@${range}`);
    await npm(
      ['install', '--prefix', staging, '--omit=dev', '--no-package-lock', '--no-audit', '--no-fund'],
      staging,
      `npm install ${specs.join(' ')}`,
    );
    return { entries: await runtimeEntries(path.join(staging, 'node_modules'), 'node_modules'), cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
