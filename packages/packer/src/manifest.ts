/**
 * The generated files of a turret package: `package.json` (a private npm package that depends on
 * the reference turret) and `start.js` (its bin, which runs `oct-turret start --config` on the
 * packed turret.json).
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

/** The package.json text of a packed turret. */
export function packageJson(turretName: string, dependencies: Readonly<Record<string, string>>): string {
  const manifest = {
    name: packageName(turretName),
    version: '1.0.0',
    private: true,
    description: `OCT turret "${turretName}", packed by oct pack-turrets`,
    bin: { [binName(turretName)]: 'start.js' },
    scripts: { start: 'node start.js' },
    engines: { node: '>=20.19' },
    dependencies: sortedRecord(dependencies),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * start.js: CommonJS on purpose (the package sets no "type", so the user's script keeps the module
 * semantics it had in the project). It finds @oct/turret the way Node does (node_modules of this
 * directory and its parents; the package's exports do not expose package.json to require.resolve),
 * then runs the turret's CLI in this process, so signals and the exit code are the turret's own.
 */
export const START_JS = `#!/usr/bin/env node
// Starts this packed OCT turret: oct-turret start --config <this directory>/turret.json [args...]
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
process.argv = [process.argv[0], cli, 'start', '--config', path.join(__dirname, 'turret.json'), ...process.argv.slice(2)];
import(pathToFileURL(cli).href).catch((err) => {
  console.error('ERROR: cannot start the turret: ' + (err && err.message ? err.message : String(err)));
  process.exit(1);
});
`;
