import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageDirs } from '../layers.js';
import { publishProblems } from '../publishable.js';

const root = join(import.meta.dirname, '..', '..');

test('every workspace package is publishable as it stands', () => {
  assert.deepEqual(publishProblems(root), []);
});

test('a bin in dist/, a pinned sibling, no prepack and a README without install are reported', () => {
  const fake = mkdtempSync(join(tmpdir(), 'oct-publishable-'));
  try {
    for (const dir of Object.values(packageDirs)) {
      cpSync(join(root, dir, 'package.json'), join(fake, dir, 'package.json'));
      for (const part of ['README.md', 'bin'])
        if (existsSync(join(root, dir, part)))
          cpSync(join(root, dir, part), join(fake, dir, part), { recursive: true });
    }
    const cli = readJson(join(fake, 'packages/cli/package.json')) as {
      bin: Record<string, string>;
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    cli.bin.oct = 'dist/bin.js';
    cli.dependencies['@oct/hq'] = '0.1.0';
    delete cli.scripts.prepack;
    writeFileSync(join(fake, 'packages/cli/package.json'), JSON.stringify(cli));
    writeFileSync(join(fake, 'packages/cli/README.md'), '# @oct/cli\n\nSee the guide.\n');
    assert.deepEqual(
      publishProblems(fake).filter((p) => p.startsWith('packages/cli/')),
      [
        'packages/cli/package.json: no "prepack" script: npm publish would pack without building',
        'packages/cli/package.json: bin oct points into dist/, which does not exist when npm links bins on a fresh clone',
        'packages/cli/package.json: dependencies.@oct/hq is "0.1.0", expected "^0.1.0" (the workspace version)',
        'packages/cli/package.json: README.md does not start with an `npm install` block',
      ],
    );
  } finally {
    rmSync(fake, { recursive: true, force: true });
  }
});

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}
