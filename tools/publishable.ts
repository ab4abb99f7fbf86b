// Every workspace package is publishable as it stands: the package.json fields a registry user relies
// on, bins that exist before the build (so npm links them at install time), `@oct/*` dependencies
// that name a version range the sibling satisfies, a build before packing, and a README that starts
// with how to install it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDirs } from './layers.js';

type Manifest = Record<string, unknown> & {
  version?: string;
  bin?: Record<string, string>;
  exports?: Record<string, unknown>;
  repository?: { directory?: string; url?: string };
  scripts?: Record<string, string>;
  files?: string[];
};

const REQUIRED = [
  'name',
  'version',
  'description',
  'license',
  'repository',
  'engines',
  'files',
  'exports',
  'types',
];

function read(root: string, dir: string): Manifest {
  return JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest;
}

/** Every way a package would disappoint a user installing it from a registry, as `dir: problem`. */
export function publishProblems(root: string): string[] {
  const problems: string[] = [];
  const versions = new Map(Object.entries(packageDirs).map(([name, dir]) => [name, read(root, dir).version]));
  for (const [name, dir] of Object.entries(packageDirs)) {
    const m = read(root, dir);
    const say = (p: string): number => problems.push(`${dir}/package.json: ${p}`);
    if (m.name !== name) say(`name is ${String(m.name)}, expected ${name}`);
    if (m.private) say('is private: npm publish refuses it');
    for (const key of REQUIRED) if (m[key] === undefined) say(`no "${key}"`);
    if (!Array.isArray(m.keywords) || m.keywords.length === 0) say('no "keywords"');
    if (m.repository?.directory !== dir) say(`repository.directory is not "${dir}"`);
    if (m.exports?.['./package.json'] !== './package.json') say('exports has no "./package.json"');
    const main = m.exports?.['.'] as Record<string, string> | undefined;
    if (!main || Object.keys(main)[0] !== 'types') say('exports["."] does not list "types" first');
    if (!m.scripts?.prepack) say('no "prepack" script: npm publish would pack without building');
    for (const [bin, target] of Object.entries(m.bin ?? {})) {
      const file = join(root, dir, target);
      if (target.startsWith('dist/') || target.startsWith('./dist/'))
        say(`bin ${bin} points into dist/, which does not exist when npm links bins on a fresh clone`);
      else if (!existsSync(file)) say(`bin ${bin}: ${target} does not exist`);
      else if (!readFileSync(file, 'utf8').startsWith('#!/usr/bin/env node')) say(`bin ${bin}: no shebang`);
      const top = target.replace(/^\.\//, '').split('/')[0] ?? '';
      if (!m.files?.includes(top)) say(`bin ${bin}: "${top}" is not in "files"`);
    }
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
      for (const [dep, range] of Object.entries((m[field] as Record<string, string> | undefined) ?? {})) {
        if (!dep.startsWith('@oct/')) continue;
        if (range !== `^${versions.get(dep) ?? '?'}`)
          say(
            `${field}.${dep} is "${range}", expected "^${versions.get(dep) ?? '?'}" (the workspace version)`,
          );
      }
    }
    const readme = join(root, dir, 'README.md');
    if (!existsSync(readme)) say('no README.md beside it');
    else if (!/^# .+\n[\s\S]*?```sh\nnpm install /m.test(readFileSync(readme, 'utf8').slice(0, 1500)))
      say('README.md does not start with an `npm install` block');
  }
  return problems;
}
