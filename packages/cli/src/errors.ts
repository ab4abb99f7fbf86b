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
  interrupted: 130,
} as const;
