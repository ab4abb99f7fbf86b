/**
 * Deterministic npm-style tarballs: the same files give the same bytes on any machine. Entries live
 * under `package/` (as `npm pack` makes them), sorted, with npm's fixed mtime, fixed modes (0644,
 * 0755 for executables, 0600 for a secret key), no owner and a gzip header without timestamp or OS byte (tar's `portable`).
 * The archive is written to a temporary file beside its destination and renamed at the end, so a
 * failure never leaves a partial archive under the final name.
 */
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create } from 'tar';

/** The mtime npm gives every packed file (so that tarballs do not change with the clock). */
export const NPM_MTIME = new Date('1985-10-26T08:15:00.000Z');

/** One archive entry: its path under `package/` and where its bytes come from. */
export type ArchiveEntry = (
  | { packedPath: string; source: string; executable?: boolean }
  | { packedPath: string; content: string; executable?: boolean }
) & {
  /** A secret key: mode 0600, readable by its owner only (spec 11.3). */
  secret?: boolean;
};

function byPath(a: ArchiveEntry, b: ArchiveEntry): number {
  return a.packedPath < b.packedPath ? -1 : a.packedPath > b.packedPath ? 1 : 0;
}

/**
 * Writes `entries` as a gzipped npm package tarball at `destination`. Returns the packed paths in
 * archive order. The files are first copied into a private staging directory with fixed modes, which
 * also means that the archive holds what was checked, even if the project changes meanwhile.
 */
export async function writeArchive(destination: string, entries: readonly ArchiveEntry[]): Promise<string[]> {
  const sorted = [...entries].sort(byPath);
  const staging = await mkdtemp(path.join(tmpdir(), 'oct-pack-'));
  const temporary = path.join(
    path.dirname(destination),
    `.${path.basename(destination)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    for (const entry of sorted) {
      const target = path.join(staging, ...entry.packedPath.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      if ('content' in entry) await writeFile(target, entry.content);
      else await copyFile(entry.source, target);
      await chmod(target, entry.secret ? 0o600 : entry.executable ? 0o755 : 0o644);
    }
    await mkdir(path.dirname(destination), { recursive: true });
    await create(
      {
        file: temporary,
        cwd: staging,
        prefix: 'package/',
        portable: true,
        mtime: NPM_MTIME,
        gzip: { level: 9 },
        strict: true,
      },
      sorted.map((e) => e.packedPath),
    );
    await rename(temporary, destination);
    return sorted.map((e) => e.packedPath);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
