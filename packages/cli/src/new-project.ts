/**
 * `oct new-project <dir>`: a ready-to-run project with OCT's config keys and defaults, a transaction
 * script using the turret contract, a package.json and a README. Never overwrites an existing
 * directory.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CliError } from './errors.js';

/** The generated config.json: every key OCT knew, with its default, and a short run_time. */
export function projectConfig(): Record<string, unknown> {
  return {
    run_time: 10,
    results_ts_interval: 1,
    progress_bar: true,
    console_logging: false,
    testing: false,
    publish_port: 5000,
    rc_port: 5001,
    min_turrets: 1,
    hq_address: '127.0.0.1',
    turrets: [{ name: 'navigation', canons: 2, rampup: 0, script: 'v_user.js' }],
    turrets_requirements: [],
    extra_turret_config: {},
    results_database: { db_uri: 'default', insert_limit: 150 },
    external_publisher: false,
  };
}

/**
 * The example transaction: local CPU + JSON work (no network), with a custom timer. The script of
 * examples/quickstart is this same text (a test keeps them equal).
 */
export const V_USER_JS = `// A transaction script: each canon (virtual user) creates one Transaction and calls run() in a loop.
// The turret times run() (scriptrun_time); a throw is recorded in the result's \`error\` and the canon
// goes on. Put sub-timings in this.customTimers (name -> seconds): they appear in the report.
export class Transaction {
  constructor(config, context) {
    this.config = config; // the turret config (plus extra_turret_config)
    this.context = context; // the HQ's set_transaction_context msg
    this.customTimers = {};
  }

  async run() {
    // Stand-in for real work (e.g. an HTTP call): build, serialise and parse a small document.
    const t0 = performance.now();
    const doc = {
      items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: \`item-\${i}\`, price: i * 1.5 })),
    };
    const copy = JSON.parse(JSON.stringify(doc));
    this.customTimers.json_roundtrip = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    const total = copy.items.reduce((sum, item) => sum + item.price, 0);
    await new Promise((resolve) => setTimeout(resolve, 5)); // think time
    this.customTimers.checkout = (performance.now() - t1) / 1000;

    if (total !== doc.items.reduce((sum, item) => sum + item.price, 0)) throw new Error('totals differ');
  }
}
`;

/**
 * The generated package.json: declares the scripts ES modules (so Node neither guesses nor warns
 * MODULE_TYPELESS_PACKAGE_JSON, whatever package.json is above the project) and lets the user
 * `npm install` what their script imports. Private: a project is not published.
 */
export function projectPackage(dirName: string): Record<string, unknown> {
  return {
    name: packageName(dirName),
    private: true,
    type: 'module',
    description: 'An OCT load-testing project: the transaction script and its dependencies.',
  };
}

/** A valid npm package name from a directory name: a-z, 0-9, `.`, `_`, `-`; no leading `.`, `_`, `-`. */
export function packageName(dirName: string): string {
  const slug = dirName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .slice(0, 214)
    .replace(/^[._-]+|-+$/g, '');
  return slug || 'oct-project';
}

export function readme(name: string): string {
  return `# ${name}

An OCT load-testing project.

- \`config.json\`: how long to run (\`run_time\`, seconds), which turrets, where the HQ listens
  (\`hq_address\`, \`publish_port\`, \`rc_port\`), how many turrets must join (\`min_turrets\`).
- \`v_user.js\`: the transaction each canon (virtual user) loops. Edit \`run()\`; set sub-timings in
  \`this.customTimers\`.
- \`package.json\`: declares the scripts ES modules (\`"type": "module"\`); \`npm install\` here what
  your script imports, and list it in \`turrets_requirements\` too (e.g. \`"undici@^7"\`) so that
  packed turrets install it. \`import { timed } from '@oct/turret'\` works without installing it (the
  turret provides it); install it too if your editor should see its types.

Run it with local turrets (child processes of this machine):

    oct run --local .

or run turrets on other machines: set \`hq_address\` to an address they reach, \`oct pack-turrets .\`
(one package per turret), on each machine \`npm install ./<turret name>.tgz\` then
\`npx start-<turret name>\`, and \`oct run .\` here. Results go to \`results/results_<timestamp>/\`
(results.sqlite, report.html, summary.json).
`;
}

/** Creates the project; returns the files written. */
export function newProject(dir: string): string[] {
  const target = resolve(dir);
  if (existsSync(target))
    throw new CliError(`${dir}: already exists; oct new-project never overwrites, choose a new directory`);
  mkdirSync(target, { recursive: true });
  const files: [string, string][] = [
    ['config.json', `${JSON.stringify(projectConfig(), null, 2)}\n`],
    ['v_user.js', V_USER_JS],
    ['package.json', `${JSON.stringify(projectPackage(basename(target)), null, 2)}\n`],
    ['README.md', readme(basename(target))],
    ['.gitignore', 'results/\nkeys/\n*.tar.gz\n*.tgz\n'],
  ];
  for (const [name, text] of files) writeFileSync(join(target, name), text);
  return files.map(([name]) => join(target, name));
}
