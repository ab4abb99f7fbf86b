#!/usr/bin/env node
// The entrypoint of the OCT container image (deploy/container/Containerfile), for Kubernetes and
// any other container runtime. Two roles:
//
//   oct-k8s hq [oct run options]            the HQ: copies the project from its (read-only) mount into
//                                           a writable directory, makes it bind OCT_HQ_BIND (0.0.0.0),
//                                           installs the CURVE keys from their Secret mount with mode
//                                           0600, sets results_database.db_uri from
//                                           OCT_RESULTS_DB_URI, then runs `oct run`; afterwards it
//                                           keeps the pod alive OCT_HOLD_SECONDS so that the results
//                                           directory can be fetched with `kubectl cp`.
//   oct-k8s turret [oct-turret options]     a turret: extracts the package made by `oct pack-turrets`
//                                           from its mount, points its turret.json at OCT_HQ_ADDRESS,
//                                           OCT_HQ_PUBLISHER and OCT_HQ_RC, gives its secret key back
//                                           its 0600 mode, then runs `oct-turret start --config`.
//
// Every mistake is one line on stderr and exit code 2, before anything starts. OCT_DRY_RUN=1 does
// everything but start the command, and prints it (the tests in tools/test/kubernetes.test.ts).
// Node built-ins only: the image holds nothing else besides the OCT packages.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { constants } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

const env = process.env;
const dryRun = env.OCT_DRY_RUN === '1';

class Refusal extends Error {}
const refuse = (line) => {
  throw new Refusal(line);
};
const say = (line) => console.log(`oct-k8s: ${line}`);

/** A port from the environment (set by the manifests from the same values as the Service's). */
function envPort(name) {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    refuse(`${name}=${raw} is not a TCP port (1-65535)`);
  return port;
}

/** Regular files of a mounted ConfigMap or Secret, without Kubernetes' `..data` links and dotfiles. */
function mountedFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

function untar(archive, into) {
  mkdirSync(into, { recursive: true });
  const r = spawnSync('tar', ['-xzf', archive, '-C', into, '--no-same-owner'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    refuse(`${archive}: cannot extract: ${(r.error?.message ?? r.stderr).trim() || `tar exit ${r.status}`}`);
}

const readJson = (path) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return refuse(`${path}: ${e.code === 'ENOENT' ? 'not found' : `not JSON: ${e.message}`}`);
  }
};

/** Copies the project mount into `project`; a `*.tgz` in it is a whole project, extracted. */
function stageProject(src, project) {
  const files = mountedFiles(src);
  if (files.length === 0)
    refuse(
      `${src}: no project files (make the ConfigMap: docs/kubernetes.adoc, "Make the ConfigMaps and Secrets")`,
    );
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project, { recursive: true });
  for (const f of files) {
    if (/\.(tgz|tar\.gz)$/.test(f)) untar(join(src, f), project);
    else copyFileSync(join(src, f), join(project, f));
  }
  if (!existsSync(join(project, 'config.json'))) refuse(`${src}: no config.json in the project files`);
}

/**
 * Installs the CURVE keys from the Secret mount (flat: hq.key, hq.key_secret and one `<turret>.key`
 * per authorised turret) as `<keys>/hq.key`, `<keys>/hq.key_secret` (0600) and
 * `<keys>/turrets/<turret>.key`. Turret secrets have no place on the HQ: refused.
 */
function stageKeys(src, keysDir) {
  const files = mountedFiles(src);
  if (!files.includes('hq.key_secret'))
    refuse(
      `security.curve is true but ${src} holds no hq.key_secret (make the Secret oct-hq-keys: docs/kubernetes.adoc)`,
    );
  const stray = files.filter((f) => f.endsWith('.key_secret') && f !== 'hq.key_secret');
  if (stray.length > 0)
    refuse(
      `${src}: ${stray.join(', ')}: a turret's secret key does not belong on the HQ; give the Secret only hq.key, hq.key_secret and turrets/<name>.key files`,
    );
  rmSync(keysDir, { recursive: true, force: true });
  mkdirSync(join(keysDir, 'turrets'), { recursive: true, mode: 0o700 });
  chmodSync(keysDir, 0o700);
  let turrets = 0;
  for (const f of files) {
    if (f === 'hq.key_secret' || f === 'hq.key') {
      copyFileSync(join(src, f), join(keysDir, f));
      chmodSync(join(keysDir, f), f === 'hq.key' ? 0o644 : 0o600);
    } else if (f.endsWith('.key')) {
      copyFileSync(join(src, f), join(keysDir, 'turrets', f));
      chmodSync(join(keysDir, 'turrets', f), 0o644);
      turrets++;
    }
  }
  if (turrets === 0) refuse(`${src}: no turret key (<name>.key): no turret could join`);
  say(`CURVE keys installed in ${keysDir} (hq.key_secret mode 0600, ${turrets} turret key(s))`);
}

function hq(args) {
  const src = env.OCT_PROJECT_SRC || '/oct/project';
  const work = env.OCT_WORK || '/oct/work';
  const results = env.OCT_RESULTS || '/oct/results';
  const keysSrc = env.OCT_KEYS_SRC || '/oct/keys';
  const project = join(work, 'project');
  stageProject(src, project);
  const configPath = join(project, 'config.json');
  const config = readJson(configPath);

  // The pod's ports (the Service's targets) and the project's must agree, or no turret ever joins.
  for (const [key, name, dflt] of [
    ['publish_port', 'OCT_PUBLISH_PORT', 5000],
    ['rc_port', 'OCT_RC_PORT', 5001],
  ]) {
    const expected = envPort(name);
    const actual = config[key] ?? dflt;
    if (expected !== null && actual !== expected)
      refuse(
        `config.json ${key} is ${actual} but the pod and its Service use ${expected} (${name}): make them agree`,
      );
  }
  const bind = env.OCT_HQ_BIND || '0.0.0.0';
  if (config.hq_address !== bind) {
    say(
      `binding ${bind} instead of config.json hq_address ${JSON.stringify(config.hq_address ?? '127.0.0.1')} (OCT_HQ_BIND); turrets reach the HQ through its Service`,
    );
    config.hq_address = bind;
  }
  if (env.OCT_MIN_TURRETS) {
    const n = Number(env.OCT_MIN_TURRETS);
    if (!Number.isInteger(n) || n < 1)
      refuse(`OCT_MIN_TURRETS=${env.OCT_MIN_TURRETS} is not an integer >= 1`);
    config.min_turrets = n;
  }
  if (env.OCT_RESULTS_DB_URI) {
    config.results_database = { ...(config.results_database ?? {}), db_uri: env.OCT_RESULTS_DB_URI };
    say('results_database.db_uri set from OCT_RESULTS_DB_URI (Secret oct-results-db)');
  }
  if (config.security?.curve === true) {
    const keys = config.security.keys ?? 'keys';
    stageKeys(keysSrc, isAbsolute(keys) ? keys : resolve(project, keys));
  }
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  mkdirSync(results, { recursive: true });

  const wait = env.OCT_WAIT_TIMEOUT || '300';
  const command = ['oct', 'run', project, '-r', results, '-w', wait, ...args];
  if (dryRun) return printDry(command, { config });
  return run(command, (code) => hold(results, code));
}

/** After the run: the results stay fetchable for OCT_HOLD_SECONDS (`kubectl cp`), then the exit. */
function hold(results, code) {
  const seconds = Number(env.OCT_HOLD_SECONDS || '0');
  if (!(seconds > 0)) process.exit(code);
  say(
    `oct run exited ${code}; results in ${results} for ${seconds} s: kubectl cp <namespace>/<this pod>:${results} ./results (SIGTERM ends the wait)`,
  );
  const timer = setTimeout(() => process.exit(code), seconds * 1000);
  for (const sig of ['SIGTERM', 'SIGINT'])
    process.on(sig, () => {
      clearTimeout(timer);
      process.exit(code);
    });
}

function turret(args) {
  const src = env.OCT_TURRET_SRC || '/oct/turret-package';
  const work = join(env.OCT_WORK || '/oct/work', 'turret');
  const packages = mountedFiles(src).filter((f) => /\.(tgz|tar\.gz)$/.test(f));
  const wanted = env.OCT_TURRET_PACKAGE;
  const chosen = wanted ? packages.filter((f) => f === wanted) : packages;
  if (chosen.length !== 1)
    refuse(
      wanted
        ? `${src}: no package ${wanted} (found: ${packages.join(', ') || 'none'})`
        : `${src}: ${packages.length} packages (${packages.join(', ') || 'none'}): mount exactly one, or name it in OCT_TURRET_PACKAGE`,
    );
  rmSync(work, { recursive: true, force: true });
  untar(join(src, chosen[0]), work);
  const configPath = join(work, 'package', 'turret.json');
  const config = readJson(configPath);
  if (env.OCT_HQ_ADDRESS) config.hq_address = env.OCT_HQ_ADDRESS;
  const publisher = envPort('OCT_HQ_PUBLISHER');
  const rc = envPort('OCT_HQ_RC');
  if (publisher !== null) config.hq_publisher = publisher;
  if (rc !== null) config.hq_rc = rc;
  if (typeof config.curve_secret_key === 'string') {
    const secret = resolve(join(work, 'package'), config.curve_secret_key);
    if (!existsSync(secret))
      refuse(`${chosen[0]}: turret.json names ${config.curve_secret_key}, not in the package`);
    chmodSync(secret, 0o600); // tar may have applied the umask; the turret refuses a loose secret
  }
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  say(`turret ${config.name} -> HQ ${config.hq_address}:${config.hq_publisher}/${config.hq_rc}`);
  const command = ['oct-turret', 'start', '--config', configPath, ...args];
  if (dryRun) return printDry(command, { config });
  return run(command, (code) => process.exit(code));
}

function printDry(command, extra) {
  console.log(JSON.stringify({ command, ...extra }));
}

/** Runs `command`, passing SIGTERM/SIGINT on (Kubernetes stops a pod with SIGTERM). */
function run([cmd, ...args], then) {
  const child = spawn(cmd, args, { stdio: 'inherit' });
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
  child.on('error', (e) => {
    console.error(`oct-k8s: cannot start ${cmd}: ${e.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const sig of ['SIGTERM', 'SIGINT']) process.removeAllListeners(sig);
    then(code ?? (signal ? 128 + (constants.signals[signal] ?? 15) : 1));
  });
}

const [role, ...rest] = process.argv.slice(2);
try {
  if (role === 'hq') hq(rest);
  else if (role === 'turret') turret(rest);
  else if (role === undefined || role === 'help' || role === '--help') {
    console.log(
      'usage: oct-k8s hq [oct run options] | oct-k8s turret [oct-turret start options] | <any command>',
    );
  } else {
    // Anything else runs as given (`oct keys ...`, `sh`), as with a plain image.
    run([role, ...rest], (code) => process.exit(code));
  }
} catch (e) {
  if (!(e instanceof Refusal)) throw e;
  console.error(`oct-k8s: ${e.message}`);
  process.exit(2);
}
