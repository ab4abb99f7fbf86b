/**
 * The `oct` command: subcommands wire the HQ, the packer and the reporter together.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CliError, EXIT } from './errors.js';
import { processIo, type Io } from './io.js';
import { newProject } from './new-project.js';
import { makeKeys } from './keys.js';
import { isStorageError } from './report.js';
import { resolveResultsFile } from './results-file.js';
import { flagOverrides, parseSet, type Override } from './overrides.js';
import { runCommand } from './run-command.js';

const EXIT_HELP = `
Exit codes:
  0    the run completed (or the command succeeded)
  1    unexpected failure (a bug)
  2    invalid config or usage (each mistake named by file and key), a project the packer
       or reporter refuses
  3    no turret joined in time (--wait-timeout), or every --local turret exited before the start
  4    every turret died (aborted, killed or lost) during the run
  5    the results directory refused writes (disk full, read-only), or the results database
       (PostgreSQL) went away: turrets stopped, the results stored kept and counted, those
       received but not stored stated; the report written if there was room, else one line
       says so
  98   a threshold with abort_on_fail failed during the run: turrets stopped, results kept,
       report written
  99   the run completed but a threshold failed (config thresholds; see summary.json)
  130  interrupted (Ctrl-C): turrets stopped, every result received kept, report written`;

function topic(value: string): string {
  if (value === '') throw new InvalidArgumentError('must not be empty (a subscriber to "" gets every topic)');
  return value;
}

/**
 * OCT's `--no-results`, under a key of its own: commander would otherwise pair it with
 * `-r, --results <dir>` (one key, the last flag winning).
 */
class NoReportOption extends Option {
  override attributeName(): string {
    return 'report';
  }
}

/** A number as typed (the config check then says what the key accepts, naming the flag). */
function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number');
  return n;
}

/** Each `--set key=value`, in order. */
function collectSet(value: string, previous: Override[]): Override[] {
  try {
    return [...previous, parseSet(value)];
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number of seconds > 0');
  return n;
}

interface PackerModule {
  packTurrets(
    projectDir: string,
    options: { outDir?: string; log?: (line: string) => void; bundle?: boolean },
  ): Promise<string[]>;
}

interface ReporterModule {
  writeReport(o: {
    dbPath: string;
    run?: string;
    outDir: string;
    intervalSeconds?: number;
  }): Promise<{ htmlPath: string; summaryPath: string }>;
  /** The reporter's rebuild: reads the config's results_ts_interval itself. */
  rebuildReport(
    resultsDir: string,
    options: { configPath?: string; dbFile?: string; db?: string; run?: string },
  ): Promise<{ htmlPath: string; summaryPath: string }>;
  resultsToCsv(
    dbPath: string,
    outPath: string,
    options?: { delimiter?: string; run?: string },
  ): Promise<{ rows: number }>;
}

/** Imports an optional part, turning its absence into one clear line. */
async function load<T>(specifier: string, what: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (e) {
    throw new CliError(`${what} is not available (${specifier}: ${(e as Error).message})`, EXIT.failure);
  }
}

/** Builds the program; `setCode` receives each command's exit code. */
export function buildProgram(io: Io, setCode: (code: number) => void): Command {
  const program = new Command('oct')
    .description('OCT (Open Charge Tester): distributed load testing over ZeroMQ')
    .version(version(), '-V, --version')
    .addHelpText('after', EXIT_HELP)
    .showHelpAfterError('(run oct --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('new-project')
    .alias('new')
    .description(
      'create a project directory: config.json, an example transaction v_user.js, package.json, a README',
    )
    .argument('<dir>', 'directory to create (must not exist)')
    .action((dir: string) => {
      const files = newProject(dir);
      for (const f of files) io.out(`created ${f}`);
      io.out(`next: oct run --local ${dir}`);
      setCode(EXIT.ok);
    });

  program
    .command('run')
    .description(
      'run a project: wait for min_turrets, fire for run_time, store the results, write the report',
    )
    .argument('<project>', 'project directory (holding config.json)')
    .option('-r, --results <dir>', 'parent directory of results_<timestamp>/ (default <project>/results)')
    .option(
      '-o, --output-dir <dir>',
      "the run's results directory itself, as OCT's -o: results.sqlite, report.html and summary.json go straight into it (created if missing; refused if it already holds a results.sqlite)",
    )
    .option(
      '-p, --publisher-channel <topic>',
      "the external publisher's topic, the first part of each [topic, result] message (default: a random hex uuid, printed at the start)",
      topic,
    )
    .addOption(
      new NoReportOption(
        '--no-results',
        'do not build report.html and summary.json at the end (as OCT); `oct rebuild-results` builds them later',
      ),
    )
    .option('--local', 'start each project turret as a local child process (binds free ports on hq_address)')
    .option(
      '-w, --wait-timeout <seconds>',
      'seconds to wait for min_turrets before giving up (exit 3)',
      seconds,
      60,
    )
    .option(
      '--lost-after <seconds>',
      'seconds without an answer to status_request before a turret is lost',
      seconds,
      5,
    )
    .option('--run-time <seconds>', 'override config run_time', number)
    .option('--canons <n>', 'override the canons of every turret (as extra_turret_config.canons)', number)
    .option('--min-turrets <n>', 'override config min_turrets', number)
    .option(
      '--set <key=value>',
      'override any config key (repeatable; dotted keys for nested ones, e.g. results_database.db_uri=...; the value is JSON when it parses, else a string)',
      collectSet,
      [] as Override[],
    )
    .option(
      '--junit <file>',
      "write the thresholds' verdicts as a JUnit XML file (one test case per threshold)",
    )
    .addHelpText('after', EXIT_HELP)
    .action(
      async (
        project: string,
        opts: {
          results?: string;
          outputDir?: string;
          publisherChannel?: string;
          report?: boolean;
          local?: boolean;
          waitTimeout: number;
          lostAfter: number;
          runTime?: number;
          canons?: number;
          minTurrets?: number;
          set: Override[];
          junit?: string;
        },
      ) => {
        if (opts.results !== undefined && opts.outputDir !== undefined)
          throw new CliError(
            'oct run: -r/--results (the parent of results_<timestamp>/) and -o/--output-dir (the results directory itself) are exclusive',
            EXIT.usage,
          );
        const { report, runTime, canons, minTurrets, set, ...rest } = opts;
        const overrides = [...flagOverrides({ runTime, canons, minTurrets }), ...set];
        setCode(await runCommand(project, { ...rest, overrides, noReport: report === false }, io));
      },
    );

  program
    .command('keys')
    .description(
      "make the CURVE key pairs of a project (security.curve): the HQ's and one per turret, in keys/",
    )
    .argument('<project>', 'project directory')
    .option('--force', 'replace existing key pairs (turrets packed with the old ones can no longer join)')
    .action((project: string, opts: { force?: boolean }) => {
      for (const line of makeKeys(project, opts)) io.out(line);
      setCode(EXIT.ok);
    });

  program
    .command('pack-turrets')
    .alias('pack')
    .description('pack each project turret as an npm-installable archive')
    .argument('<project>', 'project directory')
    .option('-o, --out <dir>', 'directory of the archives (default: the project directory)')
    .option(
      '--bundle',
      'carry the whole runtime in each package (npm install --offline on a firing machine of the same OS and CPU)',
    )
    .action(async (project: string, opts: { out?: string; bundle?: boolean }) => {
      const packer = await load<PackerModule>('@oct/packer', 'the packer (@oct/packer)');
      try {
        // The packer logs each archive it creates ("Archive <file> created").
        await packer.packTurrets(resolve(project), {
          outDir: opts.out ? resolve(opts.out) : undefined,
          log: io.out,
          bundle: opts.bundle,
        });
        setCode(EXIT.ok);
      } catch (e) {
        throw userError(e);
      }
    });

  program
    .command('rebuild-results')
    .alias('rebuild')
    .description(
      'rebuild report.html and summary.json from a results file (ours or one written by the original OCT)',
    )
    .argument(
      '<results_dir>',
      'directory holding the results file; the report is written there (with --db: created if missing)',
    )
    .argument('[config]', 'the project config.json (for results_ts_interval)')
    .option(
      '-f, --results-file <file>',
      'the results file, absolute or relative to the current directory (as OCT); a relative path that does not exist there is taken relative to <results_dir> (default <results_dir>/results.sqlite)',
    )
    .option('--db <url>', 'read the run from PostgreSQL (postgresql://user:password@host:port/database)')
    .option('--run <id>', 'with --db: the run (its id in the run table, or the run id `oct run` printed)')
    .action(
      async (
        dir: string,
        config: string | undefined,
        opts: { resultsFile?: string; db?: string; run?: string },
      ) => {
        const reporter = await load<ReporterModule>('@oct/reporter', 'the reporter (@oct/reporter)');
        if (opts.db !== undefined && opts.run === undefined)
          throw new CliError('oct rebuild-results: --db needs --run <id>', EXIT.usage);
        if (opts.db !== undefined && opts.resultsFile !== undefined)
          throw new CliError(
            'oct rebuild-results: -f/--results-file and --db are exclusive (the run is read from one of them)',
            EXIT.usage,
          );
        const resultsDir = resolve(dir);
        const dbFile =
          opts.resultsFile !== undefined ? resolveResultsFile(opts.resultsFile, resultsDir) : undefined;
        try {
          const files = await reporter.rebuildReport(resultsDir, {
            configPath: config ? resolve(config) : undefined,
            dbFile,
            ...(opts.db !== undefined ? { db: opts.db, run: opts.run } : {}),
          });
          io.out(`report:  ${files.htmlPath}`);
          io.out(`summary: ${files.summaryPath}`);
          setCode(EXIT.ok);
        } catch (e) {
          throw userError(e);
        }
      },
    );

  program
    .command('results-to-csv')
    .alias('to-csv')
    .description('export the result table of a results file as CSV')
    .argument('<results_file>', 'results.sqlite, or a postgresql:// URL with --run')
    .argument('<out_csv>', 'CSV file to write')
    .option('-d, --delimiter <char>', 'field delimiter', ',')
    .option('--run <id>', 'with a postgresql:// URL: the run (its id in the run table, or its run id)')
    .action(async (db: string, out: string, opts: { delimiter: string; run?: string }) => {
      const reporter = await load<ReporterModule>('@oct/reporter', 'the reporter (@oct/reporter)');
      const pgUrl = /^postgres(?:ql)?:\/\//i.test(db);
      if (pgUrl && opts.run === undefined)
        throw new CliError('oct results-to-csv: a postgresql:// URL needs --run <id>', EXIT.usage);
      try {
        const { rows } = await reporter.resultsToCsv(pgUrl ? db : resolve(db), resolve(out), {
          delimiter: opts.delimiter,
          ...(opts.run !== undefined ? { run: opts.run } : {}),
        });
        io.out(`${rows} rows written to ${out}`);
        setCode(EXIT.ok);
      } catch (e) {
        throw userError(e);
      }
    });

  return program;
}

function userError(e: unknown): CliError {
  if (e instanceof CliError) return e;
  const err = e as Error;
  // The packer and reporter throw errors whose message is already one line per mistake.
  return new CliError(
    err.message,
    err.name === 'PackError' || err.name === 'ReportError'
      ? EXIT.usage
      : isStorageError(e)
        ? EXIT.storage
        : EXIT.failure,
  );
}

function version(): string {
  try {
    return (
      JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
  } catch {
    return 'unknown';
  }
}

/** Runs `oct` with `argv` (as process.argv); resolves to the exit code. Never throws for a user mistake. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return EXIT.ok;
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof CliError) {
      io.err(`oct: ${e.message}`);
      return e.exitCode;
    }
    io.err(`oct: unexpected error: ${(e as Error).stack ?? String(e)}`);
    return EXIT.failure;
  }
}
