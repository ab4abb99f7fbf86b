/** A user-facing failure of a command: one line (or one line per mistake), and its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit codes of `oct` (documented in the help and README). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  noTurrets: 3,
  allTurretsDead: 4,
  /** The results directory refused writes (disk full, read-only): results file, report or summary. */
  storage: 5,
  /** A threshold with abort_on_fail failed during the run and stopped it (outcome threshold_aborted). */
  thresholdAborted: 98,
  /** The run completed but a threshold failed (k6 uses 99 too). */
  thresholdsFailed: 99,
  interrupted: 130,
} as const;
