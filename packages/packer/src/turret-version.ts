/**
 * The version range of @oct/turret that packed turrets depend on: `^<version>` of the reference
 * turret installed beside the packer (found the way Node finds packages; its exports map does not
 * expose package.json). The OCT packages are released together, so without it the packer's own
 * version is used.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function readVersion(manifest: string): string | undefined {
  try {
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : undefined;
  } catch {
    return undefined;
  }
}

let cached: string | undefined;

/** `^x.y.z` for the reference turret that packed turrets install. */
export function turretVersionRange(): string {
  if (cached !== undefined) return cached;
  const here = path.dirname(fileURLToPath(import.meta.url));
  let version: string | undefined;
  for (let dir = here; version === undefined; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'node_modules', '@oct', 'turret', 'package.json');
    if (existsSync(manifest)) version = readVersion(manifest);
    if (path.dirname(dir) === dir) break;
  }
  version ??= readVersion(path.join(here, '..', 'package.json')) ?? '0.1.0';
  cached = `^${version}`;
  return cached;
}
