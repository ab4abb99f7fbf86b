/**
 * `oct pack-turrets`: one npm-installable package per turret of a project. The whole project is
 * checked before anything is written, so a mistake produces no archive at all.
 */
import path from 'node:path';
import { writeArchive, type ArchiveEntry } from './archive.js';
import { PackError } from './errors.js';
import { installRuntime, type BundledRuntime } from './bundle.js';
import { OCT_TURRET_JS, START_JS, packageJson, slug } from './manifest.js';
import { moduleTypeOf } from './module-type.js';
import { PACKED_KEYS, planProject } from './project.js';
import { turretVersionRange } from './turret-version.js';

/** Options of {@link packTurrets}. */
export interface PackOptions {
  /** Directory of the archives; default: the project directory. Created if missing. */
  outDir?: string;
  /** Receives each output line (`WARNING: ...`, `Added <file>`, `Archive <file> created`). */
  log?: (line: string) => void;
  /**
   * Carry the whole runtime inside each package (installed once with npm from this machine's
   * registry), for firing machines without one. Such a package holds native binaries: install it
   * on the OS and CPU architecture that packed it.
   */
  bundle?: boolean;
}

/** The archive file name of a turret, e.g. `navigation.tgz` (unsafe characters replaced by `-`). */
export function archiveName(turretName: string): string {
  const base = turretName.replace(/[^A-Za-z0-9._~-]+/g, '-').replace(/^[-.]+/, '');
  return `${base === '' ? slug(turretName) : base}.tgz`;
}

/**
 * Packs every turret of the project at `projectDir` into `<outDir>/<turret name>.tgz`, an npm package
 * holding turret.json (pointed at the project's HQ), the script, the extra files, package.json and
 * the `start-<name>` bin. Returns the archive paths. Throws {@link PackError} (one line per mistake)
 * for a bad config, a missing file, a path outside the project or an archive that cannot be written.
 *
 * @example
 * const archives = await packTurrets('myproject', { log: console.log });
 */
export async function packTurrets(projectDir: string, options: PackOptions = {}): Promise<string[]> {
  const log = options.log ?? (() => undefined);
  const plan = await planProject(projectDir);
  for (const warning of plan.warnings) log(warning);

  const outDir = options.outDir ?? projectDir;
  const names = new Map<string, string>();
  for (const t of plan.turrets) {
    const file = archiveName(t.name);
    const other = names.get(file.toLowerCase());
    if (other !== undefined) {
      throw new PackError(
        `${path.join(projectDir, 'config.json')}: turrets "${other}" and "${t.name}" would both be packed as ${file}`,
      );
    }
    names.set(file.toLowerCase(), t.name);
  }

  const dependencies = { '@oct/turret': turretVersionRange(), ...plan.requirements };
  let runtime: BundledRuntime | undefined;
  if (options.bundle) {
    log(`Installing the runtime to bundle: ${Object.keys(dependencies).join(', ')}`);
    runtime = await installRuntime(dependencies);
  }
  const written: string[] = [];
  try {
    for (const turret of plan.turrets) {
      const manifest = { type: await moduleTypeOf(turret.scriptSource), bundle: runtime !== undefined };
      const entries: ArchiveEntry[] = [
        ...turret.files.map((f) => ({ packedPath: f.packedPath, source: f.source })),
        ...(turret.keys
          ? [
              { packedPath: PACKED_KEYS.server, source: turret.keys.server },
              { packedPath: PACKED_KEYS.secret, source: turret.keys.secret, secret: true },
            ]
          : []),
        { packedPath: 'turret.json', content: `${JSON.stringify(turret.turretConfig, null, 2)}\n` },
        { packedPath: 'package.json', content: packageJson(turret.name, dependencies, manifest) },
        { packedPath: 'start.cjs', content: START_JS, executable: true },
        ...(runtime ? [{ packedPath: 'oct-turret.cjs', content: OCT_TURRET_JS, executable: true }] : []),
        ...(runtime?.entries ?? []),
      ];
      const destination = path.join(outDir, archiveName(turret.name));
      written.push(await writePackage(destination, entries, log));
    }
  } finally {
    await runtime?.cleanup();
  }
  return written;
}

/** Writes one archive and logs its files (the bundled runtime as one line: it has thousands). */
async function writePackage(
  destination: string,
  entries: ArchiveEntry[],
  log: (line: string) => void,
): Promise<string> {
  let packed: string[];
  try {
    packed = await writeArchive(destination, entries);
  } catch (err) {
    // A file that vanished since the checks, a full disk, an unwritable outDir: still one line.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    throw new PackError(`${destination}: cannot write the archive (${(err as Error).message})`);
  }
  const runtime = packed.filter((f) => f.startsWith('node_modules/'));
  for (const file of packed) if (!file.startsWith('node_modules/')) log(`Added ${file}`);
  if (runtime.length > 0) log(`Added node_modules/ (${runtime.length} files: the bundled runtime)`);
  log(`Archive ${destination} created`);
  return destination;
}
