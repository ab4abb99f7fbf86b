// The dependency direction of the README (Layout), enforced: protocol <- turret, hq, packer, reporter <- cli;
// conformance sees protocol only (it certifies implementations from the outside).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const allowed: Record<string, string[]> = {
  '@oct/protocol': [],
  '@oct/turret': ['@oct/protocol'],
  '@oct/hq': ['@oct/protocol'],
  '@oct/reporter': ['@oct/protocol'],
  '@oct/packer': ['@oct/protocol', '@oct/turret'],
  '@oct/cli': ['@oct/protocol', '@oct/turret', '@oct/hq', '@oct/reporter', '@oct/packer'],
  '@oct/conformance': ['@oct/protocol'],
};

export const packageDirs: Record<string, string> = {
  '@oct/protocol': 'packages/protocol',
  '@oct/turret': 'packages/turret',
  '@oct/hq': 'packages/hq',
  '@oct/reporter': 'packages/reporter',
  '@oct/packer': 'packages/packer',
  '@oct/cli': 'packages/cli',
  '@oct/conformance': 'conformance',
};

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist' || name === 'generated') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(sourceFiles(path));
    else if (/\.(ts|mts|js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

/** Every import of a workspace package that breaks the layering, as `file: imports X`. */
export function layerViolations(root: string): string[] {
  const problems: string[] = [];
  for (const [pkg, dir] of Object.entries(packageDirs)) {
    const ok = new Set([pkg, ...allowed[pkg]!]);
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
      for (const dep of Object.keys(manifest[field] ?? {})) {
        if (dep.startsWith('@oct/') && !ok.has(dep))
          problems.push(`${dir}/package.json: ${field} names ${dep}`);
      }
    }
    for (const file of sourceFiles(join(root, dir))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](@oct\/[a-z-]+)/g)) {
        if (!ok.has(m[1]!)) problems.push(`${relative(root, file)}: imports ${m[1]}`);
      }
      // Reaching into another package's code by relative path bypasses the layering too. (Data files
      // such as the results-store schema.sql are contracts that tests read, not code: allowed.)
      for (const m of text.matchAll(
        /['"]((?:\.\.\/)+(?:packages\/)?(turret|hq|reporter|packer|cli)\/src\/[^'"]*)['"]/g,
      )) {
        if (/\.(sql|json|proto|md)$/.test(m[1]!)) continue;
        const target = `@oct/${m[2]}`;
        if (!ok.has(target)) problems.push(`${relative(root, file)}: imports ${m[1]}`);
      }
    }
  }
  return problems;
}
