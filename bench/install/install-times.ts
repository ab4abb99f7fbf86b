/**
 * How long a user waits for OCT to install, measured as a user installs it: every package published
 * to a local registry (Verdaccio on 127.0.0.1, as in e2e/), then each install in an empty directory
 * with an EMPTY npm cache of its own (so every other package comes over the network from the default
 * registry, and better-sqlite3 builds from source where no prebuilt binary can be fetched).
 *
 *   node --import tsx bench/install/install-times.ts      (after npm run build)
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run, userEnv } from '../../e2e/test/support/commands.js';
import { publishWorkspace, startRegistry } from '../../e2e/test/support/registry.js';

const root = await mkdtemp(path.join(tmpdir(), 'oct-bench-install-'));
const registry = await startRegistry(path.join(root, 'registry'));
const env = (cache: string): NodeJS.ProcessEnv =>
  userEnv({ npm_config_userconfig: registry.userconfig, npm_config_cache: path.join(root, cache) });
const quiet = ['--no-audit', '--no-fund'];

async function timed(label: string, fn: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  await fn();
  console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

try {
  await publishWorkspace(env('publish-cache'));
  const hq = path.join(root, 'hq');
  await mkdir(hq);
  await timed('npm install @oct/cli (empty cache)', () =>
    run('npm', ['install', ...quiet, '@oct/cli'], hq, env('c1')),
  );

  // The new project's one turret, navigation (packing binds nothing, so its ports do not matter).
  await run('npx', ['--no', '--', 'oct', 'new-project', 'p'], hq, env('c1'));
  for (const bundle of [false, true]) {
    const out = path.join(hq, bundle ? 'bundled' : 'plain');
    const args = ['--no', '--', 'oct', 'pack-turrets', 'p', '--out', out, ...(bundle ? ['--bundle'] : [])];
    await timed(`oct pack-turrets${bundle ? ' --bundle' : ''}`, () => run('npx', args, hq, env('c1')));
    const archive = path.join(out, 'navigation.tgz');
    console.log(`  navigation.tgz: ${((await stat(archive)).size / 1e3).toFixed(1)} kB`);
    const firing = path.join(root, bundle ? 'firing-bundled' : 'firing-plain');
    await mkdir(firing);
    const install = ['install', ...quiet, archive, ...(bundle ? ['--offline'] : [])];
    await timed(`npm install ./navigation.tgz${bundle ? ' --offline' : ''} (empty cache)`, () =>
      run('npm', install, firing, env(bundle ? 'c2' : 'c3')),
    );
  }
} finally {
  registry.stop();
  await rm(root, { recursive: true, force: true });
}
