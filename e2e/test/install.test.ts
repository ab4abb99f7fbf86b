/**
 * HEAVY (several minutes): OCT installed as a user installs it, from a real registry.
 *
 * Every workspace package is published (`npm publish` in its folder) to Verdaccio on 127.0.0.1;
 * a user .npmrc points only the `@oct` scope at it, so every other package comes from the default
 * registry through npm's cache. Then, in empty directories outside the repository:
 *
 *   HQ machine       npm install @oct/cli; oct new-project; oct run --local; oct run (waits for turrets)
 *   turret machine   npm install @oct/turret; oct-turret start --config turret.json
 *   kit machine      npm install @oct/conformance @oct/turret; oct-conformance (a few clauses)
 *   firing machines  oct pack-turrets -> npm install ./navigation.tgz (registry for @oct/turret)
 *                    oct pack-turrets --bundle -> npm install ./navigation.tgz --offline, with no
 *                    registry configured and an empty cache; each started with npx start-navigation
 *                    and with npx oct-turret start --tar navigation.tgz
 *
 *   HQ PUB  -- status_request, start, stop -->  turret SUB
 *   HQ PULL <-- statuses, results ------------  turret PUSH
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, run, start, userEnv, type Running } from './support/commands.js';
import { PUBLISHED, publishWorkspace, startRegistry, type LocalRegistry } from './support/registry.js';

const NPM_QUIET = ['--no-audit', '--no-fund'];
/** npx of an installed bin only (never a download), with every later argument the bin's own. */
const NPX = ['--no', '--'];

/** A script that needs what travels with it: `timed` from @oct/turret, and an extra file. */
const SCRIPT = `import { readFileSync } from 'node:fs';
import { timed } from '@oct/turret';

const users = readFileSync(new URL('./data/users.csv', import.meta.url), 'utf8');

export class Transaction {
  async run() {
    if (!users.includes('alice')) throw new Error('data/users.csv did not travel with the script');
    await timed(this.customTimers, 'packed', () => new Promise((resolve) => setTimeout(resolve, 5)));
  }
}
`;

interface Summary {
  transactions: number;
  errors: number;
  turrets: { name: string; results_sent: number | null; results_stored: number | null }[];
}

/** The summary.json that `oct run` names on its last line. */
async function summaryOf(output: string): Promise<Summary> {
  const file = /^summary: (.+)$/m.exec(output)?.[1];
  assert.ok(file, `oct run printed no summary line:\n${output}`);
  const html = path.join(path.dirname(file), 'report.html');
  assert.ok((await stat(html)).size > 1000, `${html} is missing or empty`);
  return JSON.parse(await readFile(file, 'utf8')) as Summary;
}

/** Every named turret stored results, none failed, and (with accounting) sent = stored. */
function assertFired(summary: Summary, names: string[], output: string): void {
  assert.ok(summary.transactions > 0, `no transactions stored:\n${output}`);
  assert.equal(summary.errors, 0, `transactions failed:\n${output}`);
  assert.deepEqual(summary.turrets.map((t) => t.name).sort(), [...names].sort(), output);
  for (const t of summary.turrets) {
    assert.ok((t.results_stored ?? 0) > 0, `${t.name} stored nothing:\n${output}`);
    assert.equal(t.results_sent, t.results_stored, `${t.name}: sent != stored:\n${output}`);
  }
}

void describe('HEAVY: OCT from a registry, installed as a user installs it', () => {
  let root = '';
  let registry: LocalRegistry | undefined;
  let env: NodeJS.ProcessEnv = {};
  let hqMachine = '';
  const running: Running[] = [];

  /** Makes `<hqMachine>/<name>`, a project whose turret `navigation` fires SCRIPT at fresh ports. */
  async function hqProject(name: string): Promise<string> {
    await run('npx', [...NPX, 'oct', 'new-project', name], hqMachine, env);
    const dir = path.join(hqMachine, name);
    const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    Object.assign(config, {
      run_time: 4,
      min_turrets: 1,
      publish_port: await freePort(),
      rc_port: await freePort(),
      turrets: [
        { name: 'navigation', canons: 2, rampup: 0, script: 'v_user.js', extra_files: ['data/users.csv'] },
      ],
    });
    await writeFile(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
    await writeFile(path.join(dir, 'v_user.js'), SCRIPT);
    await mkdir(path.join(dir, 'data'));
    await writeFile(path.join(dir, 'data', 'users.csv'), 'name\nalice\nbob\n');
    return dir;
  }

  /** `oct run <project>` on the HQ machine with `turret` started elsewhere; returns both outputs. */
  async function runWith(project: string, turret: () => Running): Promise<{ hq: string; turret: string }> {
    const hq = start('npx', [...NPX, 'oct', 'run', project, '--wait-timeout', '120'], hqMachine, env);
    running.push(hq);
    const t = turret();
    running.push(t);
    try {
      const code = await hq.exited;
      assert.equal(code, 0, `oct run failed:\n${hq.output()}\n${t.output()}`);
      return { hq: hq.output(), turret: t.output() };
    } finally {
      t.kill();
      hq.kill();
    }
  }

  before(
    async () => {
      root = await mkdtemp(path.join(tmpdir(), 'oct-e2e-install-'));
      registry = await startRegistry(path.join(root, 'registry'));
      env = userEnv({ npm_config_userconfig: registry.userconfig });
      hqMachine = path.join(root, 'hq-machine');
      await mkdir(hqMachine);
    },
    { timeout: 120_000 },
  );

  after(async () => {
    for (const r of running) r.kill();
    registry?.stop();
    if (root !== '') await rm(root, { recursive: true, force: true });
  });

  void it('publishes every package with npm publish from its folder', { timeout: 600_000 }, async () => {
    const published = await publishWorkspace(env);
    assert.equal(published.length, PUBLISHED.length);
    const meta = (await (await fetch(`${registry!.url}@oct%2fcli`)).json()) as {
      'dist-tags': { latest: string };
    };
    assert.ok(published.includes(`@oct/cli@${meta['dist-tags'].latest}`), published.join(', '));
  });

  void it(
    'npm install @oct/cli; oct new-project p; oct run --local p writes a report',
    { timeout: 900_000 },
    async () => {
      await run('npm', ['install', ...NPM_QUIET, '@oct/cli'], hqMachine, env);
      await run('npx', [...NPX, 'oct', 'new-project', 'p'], hqMachine, env);
      const out = await run('npx', [...NPX, 'oct', 'run', '--local', 'p'], hqMachine, env, 180_000);
      assertFired(await summaryOf(out), ['navigation'], out);
      assert.doesNotMatch(out, /MODULE_TYPELESS_PACKAGE_JSON/, out);
    },
  );

  void it(
    'npm install @oct/turret; oct-turret start --config joins an oct run elsewhere',
    { timeout: 600_000 },
    async () => {
      const project = await hqProject('plain-hq');
      const config = JSON.parse(await readFile(path.join(project, 'config.json'), 'utf8')) as Record<
        string,
        number
      >;
      const machine = path.join(root, 'turret-machine');
      await mkdir(machine);
      await run('npm', ['install', ...NPM_QUIET, '@oct/turret'], machine, env);
      await copyFile(path.join(project, 'v_user.js'), path.join(machine, 'v_user.js'));
      await mkdir(path.join(machine, 'data'));
      await copyFile(path.join(project, 'data', 'users.csv'), path.join(machine, 'data', 'users.csv'));
      const turret = {
        name: 'navigation',
        canons: 2,
        script: 'v_user.js',
        hq_address: '127.0.0.1',
        hq_publisher: config.publish_port,
        hq_rc: config.rc_port,
      };
      await writeFile(path.join(machine, 'turret.json'), JSON.stringify(turret, null, 2));
      const out = await runWith('plain-hq', () =>
        start('npx', [...NPX, 'oct-turret', 'start', '--config', 'turret.json'], machine, env),
      );
      assertFired(await summaryOf(out.hq), ['navigation'], `${out.hq}\n${out.turret}`);
    },
  );

  void it(
    'npm install @oct/conformance @oct/turret; oct-conformance certifies the installed turret',
    { timeout: 600_000 },
    async () => {
      const machine = path.join(root, 'kit-machine');
      await mkdir(machine);
      await run('npm', ['install', ...NPM_QUIET, '@oct/conformance', '@oct/turret'], machine, env);
      const fixtures = path.join(
        machine,
        'node_modules',
        '@oct',
        'conformance',
        'fixtures',
        'reference',
        'fixtures.json',
      );
      assert.ok(existsSync(fixtures), `${fixtures} is not in the published kit`);
      const turretBin = path.join(machine, 'node_modules', '.bin', 'oct-turret');
      const out = await run(
        'npx',
        [
          ...NPX,
          'oct-conformance',
          '--turret',
          `${turretBin} start --config {config}`,
          '--fixtures',
          fixtures,
          '--tags',
          '@clause-4.2 or @clause-4.3 or @clause-7.1',
          '--summary',
          'verdict.md',
          '--quiet',
        ],
        machine,
        env,
      );
      const verdict = readFileSync(path.join(machine, 'verdict.md'), 'utf8');
      assert.match(verdict, /4\.2/, out);
      assert.doesNotMatch(verdict, /FAILED/, verdict);
    },
  );

  for (const bundle of [false, true]) {
    const how = bundle
      ? 'oct pack-turrets --bundle: npm install --offline, no registry'
      : 'oct pack-turrets: npm install from the registry';
    void it(
      `${how}; npx start-navigation and npx oct-turret start --tar each fire for oct run`,
      { timeout: 900_000 },
      async () => {
        const name = bundle ? 'bundled-hq' : 'packed-hq';
        await hqProject(name);
        const packArgs = [...NPX, 'oct', 'pack-turrets', name, '--out', `${name}-out`];
        await run('npx', bundle ? [...packArgs, '--bundle'] : packArgs, hqMachine, env);
        const archive = path.join(hqMachine, `${name}-out`, 'navigation.tgz');

        const machine = path.join(root, `firing-${name}`);
        await mkdir(machine);
        await copyFile(archive, path.join(machine, 'navigation.tgz'));
        // A bundled package installs where no registry is known and the npm cache is empty.
        const firingEnv = bundle
          ? userEnv({
              npm_config_userconfig: path.join(machine, 'no-registry.npmrc'),
              npm_config_registry: 'http://127.0.0.1:9/',
              npm_config_cache: path.join(machine, 'empty-cache'),
            })
          : env;
        if (bundle) await writeFile(path.join(machine, 'no-registry.npmrc'), '');
        const install = ['install', ...NPM_QUIET, './navigation.tgz', ...(bundle ? ['--offline'] : [])];
        await run('npm', install, machine, firingEnv);

        const starts = [['start-navigation'], ['oct-turret', 'start', '--tar', 'navigation.tgz']];
        for (const args of starts) {
          const out = await runWith(name, () => start('npx', [...NPX, ...args], machine, firingEnv));
          const both = `${out.hq}\n${out.turret}`;
          assertFired(await summaryOf(out.hq), ['navigation'], both);
          assert.doesNotMatch(out.turret, /MODULE_TYPELESS_PACKAGE_JSON/, both);
        }
      },
    );
  }
});
