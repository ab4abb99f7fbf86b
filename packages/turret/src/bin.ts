#!/usr/bin/env node
/**
 * `oct-turret`: runs a reference turret from a config file or a packed turret package.
 * Exit codes: 0 closed (SIGINT/SIGTERM), 1 killed by the HQ, 2 bad usage or config, 3 aborted.
 */
import { Command, CommanderError } from 'commander';
import { loadTurretConfig, UsageError, type LoadedConfig } from './config-file.js';
import { extractPackage } from './package-file.js';
import { EXIT, TurretConfigError, startTurret, type Turret } from './turret.js';

interface StartOptions {
  config?: string;
  tar?: string;
}

const program = new Command()
  .name('oct-turret')
  .description("The OCT reference turret: fires a transaction script at the HQ's command.")
  .exitOverride();

program
  .command('start')
  .description('connect to the HQ named in the turret config and obey its commands')
  .option('--config <file>', 'turret config (JSON, spec 9.1)')
  .option('--tar <package>', 'turret package made by `oct pack-turrets` (.tgz holding package/turret.json)')
  .action(async (opts: StartOptions) => {
    process.exitCode = await start(opts);
  });

async function start(opts: StartOptions): Promise<number> {
  if (Boolean(opts.config) === Boolean(opts.tar)) {
    throw new UsageError(['oct-turret start: give exactly one of --config <file> or --tar <package>']);
  }
  let cleanup = (): void => undefined;
  let loaded: LoadedConfig;
  const shownAs = opts.tar ? `${opts.tar}:package/turret.json` : opts.config!;
  if (opts.tar) {
    const pkg = await extractPackage(opts.tar);
    cleanup = pkg.cleanup;
    try {
      loaded = loadTurretConfig(pkg.configFile, shownAs);
    } catch (e) {
      cleanup();
      throw e;
    }
  } else {
    loaded = loadTurretConfig(opts.config!);
  }
  for (const w of loaded.warnings) process.stderr.write(`${w}\n`);
  let turret: Turret;
  try {
    turret = startTurret(loaded.config, { configDir: loaded.configDir, curve: loaded.curve });
  } catch (e) {
    cleanup();
    if (e instanceof TurretConfigError) throw new UsageError([`${shownAs}: ${e.message} (spec 9.1)`]);
    throw e;
  }
  const onSignal = (): void => void turret.close();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const code = await turret.stopped;
  cleanup();
  // Sockets are closed with a short linger; make sure nothing (e.g. a user's open handle) holds the exit.
  setTimeout(() => process.exit(code), 1000).unref();
  return code;
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`${e.message}\n`);
    process.exitCode = EXIT.usage;
  } else if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? 0 : EXIT.usage;
  } else {
    process.stderr.write(`oct-turret: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
