/**
 * `oct rebuild-results <results_dir> -f <file>`: which results file. OCT took `-f` as a path (absolute,
 * or relative to the current directory); earlier versions of this `oct` took it as a name inside
 * <results_dir>. Both keep working: the current directory first, as OCT, then <results_dir>.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { CliError, EXIT } from './errors.js';

/**
 * The absolute path of the results file `file` names for the results directory `resultsDir`: `file`
 * itself when absolute; else relative to `cwd` when such a file exists; else relative to `resultsDir`
 * when such a file exists. Throws a one-line CliError (exit 2) naming where it looked otherwise.
 */
export function resolveResultsFile(file: string, resultsDir: string, cwd = process.cwd()): string {
  if (isAbsolute(file)) {
    if (existsSync(file)) return file;
    throw new CliError(`${file}: results file not found`, EXIT.usage);
  }
  const fromCwd = resolve(cwd, file);
  if (existsSync(fromCwd)) return fromCwd;
  const fromDir = resolve(resultsDir, file);
  if (existsSync(fromDir)) return fromDir;
  throw new CliError(
    `${file}: results file not found (neither ${fromCwd} nor ${fromDir} exists)`,
    EXIT.usage,
  );
}
