/**
 * Opening a turret package made by the packer: an npm-pack tarball with its files under `package/`
 * and the turret config at `package/turret.json`. Entries that could write outside the target
 * directory (absolute paths, `..`, links pointing out) make the whole package refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, posix } from 'node:path';
import * as tar from 'tar';
import { UsageError } from './config-file.js';

export interface ExtractedPackage {
  /** The extracted `package/` directory. */
  dir: string;
  /** Path of `package/turret.json`. */
  configFile: string;
  /** Removes the temporary directory. */
  cleanup(): void;
}

/** Why an entry is unsafe, or null. */
export function unsafeEntry(path: string, type: string, linkpath: string | undefined): string | null {
  const escapes = (p: string): boolean =>
    isAbsolute(p) || posix.isAbsolute(p) || /^[a-zA-Z]:/.test(p) || p.split(/[\\/]+/).includes('..');
  if (escapes(path)) return 'absolute path or ".." in its path';
  if (type === 'SymbolicLink' || type === 'Link') {
    const target = linkpath ?? '';
    if (isAbsolute(target) || /^[a-zA-Z]:/.test(target)) return `link to an absolute path "${target}"`;
    // Resolve a symlink's target from its own directory (a hard link's from the archive root).
    const base = type === 'SymbolicLink' ? posix.dirname(path) : '.';
    const resolved = posix.normalize(posix.join(base, target.replace(/\\/g, '/')));
    if (resolved === '..' || resolved.startsWith('../'))
      return `link pointing outside the package "${target}"`;
  }
  if (!['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link'].includes(type)) {
    return `unsupported entry type ${type}`;
  }
  return null;
}

/** Checks every entry of `tgz`, then extracts it to a fresh temporary directory. Throws UsageError. */
export async function extractPackage(tgz: string): Promise<ExtractedPackage> {
  const problems: string[] = [];
  try {
    await tar.t({
      file: tgz,
      onReadEntry: (entry) => {
        const why = unsafeEntry(entry.path, entry.type, entry.linkpath);
        if (why) problems.push(`${tgz}: refusing the package: entry "${entry.path}" is unsafe (${why})`);
      },
    });
  } catch (e) {
    throw new UsageError([`${tgz}: not a readable turret package (.tgz): ${(e as Error).message}`]);
  }
  if (problems.length > 0) throw new UsageError(problems);
  const root = mkdtempSync(join(tmpdir(), 'oct-turret-'));
  const cleanup = (): void => rmSync(root, { recursive: true, force: true });
  try {
    await tar.x({ file: tgz, cwd: root, strict: true, preservePaths: false });
  } catch (e) {
    cleanup();
    throw new UsageError([`${tgz}: cannot extract the turret package: ${(e as Error).message}`]);
  }
  return { dir: join(root, 'package'), configFile: join(root, 'package', 'turret.json'), cleanup };
}
