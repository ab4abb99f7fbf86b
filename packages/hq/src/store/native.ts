/**
 * better-sqlite3 loads its native module when the first database opens. Where npm skipped or failed
 * its install script (npm 11 asks for approval), that fails with a list of paths tried: say instead
 * what to run.
 */
export function explainOpenError(err: unknown): Error {
  const message = (err as Error).message ?? String(err);
  if (!/Could not locate the bindings file/.test(message)) return err as Error;
  return new Error(
    'better-sqlite3 has no native module (npm did not run or finish its install script): run ' +
      '`npm install-scripts approve better-sqlite3 && npm rebuild better-sqlite3` where OCT is installed',
  );
}
