/**
 * Project-relative paths that must stay inside the project. A packed turret ships to another machine,
 * so a path that reaches outside the project (absolute, `..`, or a symlink whose target is outside)
 * would pack files the user did not mean to ship: such paths are refused, not followed.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { PackError } from './errors.js';

/** A file to pack: where it is on disk and where it goes in the package. */
export interface PackedFile {
  /** Absolute path of the file's contents (symlinks resolved). */
  source: string;
  /** Path inside the package, relative to `package/`, with `/` separators. */
  packedPath: string;
}

/** What a path was given as, to name it in errors, e.g. `p/config.json turrets[0]: script "v.js"`. */
export interface PathOrigin {
  source: string;
  key: string;
  /** Shown instead of the value itself (e.g. the project-relative path of a directory entry). */
  display?: string;
}

function describe(origin: PathOrigin, value: string): string {
  return `${origin.source}: ${origin.key} ${JSON.stringify(origin.display ?? value)}`;
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * Resolves `value` (relative to `baseDir`) inside the project at `projectDir`. Returns the absolute
 * lexical path; throws a PackError when it escapes the project or does not exist.
 */
export async function resolveInProject(
  projectDir: string,
  baseDir: string,
  value: string,
  origin: PathOrigin,
): Promise<string> {
  if (path.isAbsolute(value) || path.win32.isAbsolute(value)) {
    throw new PackError(
      `${describe(origin, value)} must be a path relative to the project, not an absolute path`,
    );
  }
  const root = path.resolve(projectDir);
  const lexical = path.resolve(baseDir, value);
  if (!isInside(root, lexical))
    throw new PackError(`${describe(origin, value)} points outside the project ${root}`);
  if (lexical === root)
    throw new PackError(`${describe(origin, value)} is the project directory itself: name files inside it`);
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    throw new PackError(`${describe(origin, value)}: file not found (${lexical})`);
  }
  if (!isInside(await realpath(root), real)) {
    throw new PackError(`${describe(origin, value)} is a symlink to ${real}, outside the project ${root}`);
  }
  return lexical;
}

/** The package path of a file inside the project: its project-relative path, `/`-separated. */
export function packedPathOf(projectDir: string, lexical: string): string {
  return path.relative(path.resolve(projectDir), lexical).split(path.sep).join('/');
}

/**
 * The files named by a checked path: the file itself, or every file under a directory (each entry
 * checked again, since a symlink inside the directory may point anywhere; a link back to a directory
 * already walked is skipped so that a loop cannot hang the packer).
 */
export async function filesAt(
  projectDir: string,
  lexical: string,
  origin: PathOrigin,
  value: string,
  seen: Set<string> = new Set(),
): Promise<PackedFile[]> {
  const info = await stat(lexical);
  const real = await realpath(lexical);
  if (info.isFile()) return [{ source: real, packedPath: packedPathOf(projectDir, lexical) }];
  if (!info.isDirectory())
    throw new PackError(`${describe(origin, value)} is neither a file nor a directory`);
  if (seen.has(real)) return [];
  seen.add(real);
  const out: PackedFile[] = [];
  for (const name of (await readdir(lexical)).sort()) {
    const childValue = `${value.replace(/[\\/]+$/, '')}/${name}`;
    const child = await resolveInProject(projectDir, lexical, name, { ...origin, display: childValue });
    out.push(...(await filesAt(projectDir, child, origin, childValue, seen)));
  }
  return out;
}
