/** Where a run's results go: its `results_<timestamp>` directory and its results file. */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { HqError } from './run-types.js';
import { isPgUri, maskUri, pgUriProblem } from './store/pg-uri.js';

/**
 * Where the results go for a `results_database.db_uri`: a SQLite file path, or the PostgreSQL URL
 * itself (checked here, so a malformed one is one line before anything starts).
 */
export function dbPathFor(dbUri: string, resultsDir: string, projectDir: string): string {
  if (dbUri === 'default') return join(resultsDir, 'results.sqlite');
  if (isPgUri(dbUri)) {
    const problem = pgUriProblem(dbUri);
    if (problem !== null)
      throw new HqError(`results_database.db_uri ${JSON.stringify(maskUri(dbUri))}: ${problem}`);
    return dbUri;
  }
  if (dbUri.startsWith('sqlite:///')) return dbUri.slice('sqlite:///'.length - 1);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dbUri)) {
    throw new HqError(
      `results_database.db_uri ${JSON.stringify(dbUri)}: only "default", a file path, sqlite:///path or postgresql://user:password@host:port/database is supported`,
    );
  }
  return isAbsolute(dbUri) ? dbUri : resolve(projectDir, dbUri);
}

/** A new `results_<timestamp>` directory name under `parent` (not created). */
export function newResultsDir(parent: string): string {
  return freshDir(join(resolve(parent), `results_${timestamp()}`));
}

/** `dir`, or `dir_2`, `dir_3`... when it already exists (two runs in one second). */
function freshDir(dir: string): string {
  let candidate = dir;
  for (let i = 2; existsSync(candidate); i++) candidate = `${dir}_${i}`;
  return candidate;
}

/** `YYYYMMDD_HHMMSS` in local time, as results directories are named. */
export function timestamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
