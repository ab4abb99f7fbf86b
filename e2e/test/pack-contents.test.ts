/**
 * What `npm pack` puts in each package is what a user needs and nothing else: the build, the bins,
 * the README and the data files a package reads at run time; no tests, sources or build caches.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { run, userEnv } from './support/commands.js';
import { PUBLISHED, ROOT } from './support/registry.js';

/** Paths, beyond dist/, README.md and package.json, that each package ships on purpose. */
const SHIPPED: Record<string, RegExp> = {
  'packages/protocol': /^(schemas\/[a-z-]+\.schema\.json|oct\.proto)$/,
  'packages/turret': /^bin\/oct-turret\.js$/,
  'packages/hq': /^src\/store\/schema(-pg)?\.sql$/,
  'packages/reporter': /^$/,
  'packages/packer': /^$/,
  'packages/cli': /^bin\/oct\.js$/,
  conformance: /^(bin\/oct-conformance\.js|features\/[\w-]+\.feature|fixtures\/reference\/[\w.-]+)$/,
};

void describe('npm pack of every package', () => {
  for (const dir of PUBLISHED) {
    void it(`${dir}: only the build, the bins, the README and its run-time data`, async () => {
      const out = await run(
        'npm',
        ['pack', '--dry-run', '--json', '--ignore-scripts'],
        path.join(ROOT, dir),
        userEnv(),
      );
      const json = out.slice(out.indexOf('['), out.lastIndexOf(']') + 1);
      const [info] = JSON.parse(json) as { files: { path: string }[] }[];
      const files = (info?.files ?? []).map((f) => f.path);
      assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts'), files.join('\n'));
      const unexpected = files.filter(
        (f) =>
          !(
            /^dist\/.+\.(js|d\.ts|map)$/.test(f) ||
            ['README.md', 'package.json'].includes(f) ||
            SHIPPED[dir]!.test(f)
          ),
      );
      assert.deepEqual(unexpected, []);
      assert.deepEqual(
        files.filter((f) => /\.test\.|tsbuildinfo|\/test\//.test(f)),
        [],
      );
    });
  }
});
