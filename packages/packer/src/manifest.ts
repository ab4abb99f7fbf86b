/**
 * The generated files of a turret package: `package.json` (a private npm package that depends on
 * the reference turret), `start.cjs` (its bin, which runs `oct-turret start --config` on the packed
 * turret.json) and, in a bundled package, `oct-turret.cjs` (the bundled turret's own command).
 */

/** Lower-case, URL-safe slug of a turret name, for npm package and bin names. */
export function slug(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[-._~]+|[-._~]+$/g, '');
  return s === '' ? 'turret' : s.slice(0, 180);
}

/** The npm package name of a packed turret, e.g. `oct-turret-navigation`. */
export function packageName(turretName: string): string {
  return `oct-turret-${slug(turretName)}`;
}

/** The bin that starts a packed turret, e.g. `start-navigation` (run with `npx start-navigation`). */
export function binName(turretName: string): string {
  return `start-${slug(turretName)}`;
}

/** Keys sorted, so that the same dependencies always give the same bytes. */
function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** How a package is written: the module type of its scripts, and whether it carries its runtime. */
export interface ManifestOptions {
  /** The package's `"type"`: what the script was in the project (see module-type.ts). */
  type: 'module' | 'commonjs';
  /** Dependencies travel inside the package (`bundleDependencies`), with an `oct-turret` bin. */
  bundle: boolean;
}

/** The package.json text of a packed turret. */
export function packageJson(
  turretName: string,
  dependencies: Readonly<Record<string, string>>,
  options: ManifestOptions,
): string {
  const sorted = sortedRecord(dependencies);
  const manifest = {
    name: packageName(turretName),
    version: '1.0.0',
    private: true,
    description: `OCT turret "${turretName}", packed by oct pack-turrets`,
    type: options.type,
    // Bundled, @oct/turret sits inside this package, where npm links no bin: expose its command here.
    bin: {
      [binName(turretName)]: 'start.cjs',
      ...(options.bundle ? { 'oct-turret': 'oct-turret.cjs' } : {}),
    },
    scripts: { start: 'node start.cjs' },
    engines: { node: '>=20.19' },
    dependencies: sorted,
    ...(options.bundle ? { bundleDependencies: Object.keys(sorted) } : {}),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * The bins of a packed turret, CommonJS whatever the package's "type" (hence `.cjs`). They find
 * @oct/turret the way Node does (node_modules of this directory and its parents; its exports do not
 * expose package.json to require.resolve), then run the turret's CLI in this process, so signals and
 * the exit code are the turret's own. `start.cjs` adds `start --config <its directory>/turret.json`.
 */
function turretLauncher(comment: string, args: string, prelude = ''): string {
  return `#!/usr/bin/env node
// ${comment}
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

function findTurretCli() {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'node_modules', '@oct', 'turret', 'package.json');
    if (fs.existsSync(manifest)) {
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin && pkg.bin['oct-turret'];
      if (bin) return path.join(path.dirname(manifest), bin);
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

const cli = findTurretCli();
if (cli === undefined) {
  console.error('ERROR: @oct/turret (its oct-turret command) is not installed beside ' + __dirname + ': run npm install');
  process.exit(1);
}
${prelude}process.argv = [process.argv[0], cli, ${args}...process.argv.slice(2)];
import(pathToFileURL(cli).href).catch((err) => {
  console.error('ERROR: cannot start the turret: ' + (err && err.message ? err.message : String(err)));
  process.exit(1);
});
`;
}

/** start.cjs: oct-turret start --config <this directory>/turret.json [args...] */
export const START_JS = turretLauncher(
  'Starts this packed OCT turret: oct-turret start --config <this directory>/turret.json [args...]',
  "'start', '--config', path.join(__dirname, 'turret.json'), ",
  `// npm installs every file readable by all (0644): give this package's own secret key (spec 11.3)
// back the mode 0600 the turret requires of it.
try {
  const config = JSON.parse(fs.readFileSync(path.join(__dirname, 'turret.json'), 'utf8'));
  if (typeof config.curve_secret_key === 'string') fs.chmodSync(path.resolve(__dirname, config.curve_secret_key), 0o600);
} catch (err) {
  console.error('WARNING: cannot restrict the secret key file to its owner: ' + (err && err.message ? err.message : String(err)));
}
`,
);

/** oct-turret.cjs (bundled packages): the bundled reference turret's command, e.g. start --tar. */
export const OCT_TURRET_JS = turretLauncher('oct-turret, from the runtime bundled in this package', '');
