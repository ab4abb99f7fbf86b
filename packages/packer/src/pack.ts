/**
 * `oct pack-turrets`: one npm-installable package per turret of a project. The whole project is
 * checked before anything is written, so a mistake produces no archive at all.
 */
import path from 'node:path';
import { writeArchive, type ArchiveEntry } from './archive.js';
import { PackError } from './errors.js';
import { START_JS, packageJson, slug } from './manifest.js';
import { planProject } from './project.js';
import { turretVersionRange } from './turret-version.js';

/** Options of {@link packTurrets}. */
export interface PackOptions {
  /** Directory of the archives; default: the project directory. Created if missing. */
  outDir?: string;
  /** Receives each output line (`WARNING: ...`, `Added <file>`, `Archive <file> created`). */
  log?: (line: string) => void;
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
  const written: string[] = [];
  for (const turret of plan.turrets) {
    const entries: ArchiveEntry[] = [
      ...turret.files.map((f) => ({ packedPath: f.packedPath, source: f.source })),
      { packedPath: 'turret.json', content: `${JSON.stringify(turret.turretConfig, null, 2)}\n` },
      { packedPath: 'package.json', content: packageJson(turret.name, dependencies) },
      { packedPath: 'start.js', content: START_JS, executable: true },
    ];
    const destination = path.join(outDir, archiveName(turret.name));
    let packed: string[];
    try {
      packed = await writeArchive(destination, entries);
    } catch (err) {
      // A file that vanished since the checks, a full disk, an unwritable outDir: still one line.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === undefined) throw err;
      throw new PackError(`${destination}: cannot write the archive (${(err as Error).message})`);
    }
    for (const file of packed) log(`Added ${file}`);
    log(`Archive ${destination} created`);
    written.push(destination);
  }
  return written;
}
