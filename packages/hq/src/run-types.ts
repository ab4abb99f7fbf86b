/**
 * The public shapes of a run (see run.ts): options, progress and summary, events, outcomes and their
 * exit codes, and the error a user can fix.
 */
import type { ThresholdVerdict } from '@oct/protocol';
import type { Project } from './project.js';
import type { ShownState } from './registry.js';

/**
 * How a run ended (the `run.outcome` column). `store_failed`: the results file refused rows (disk
 * full, file damaged), so the run stopped its turrets; what it holds is counted, and what was
 * received after is counted as not stored.
 */
export type Outcome =
  'completed' | 'interrupted' | 'no_turrets' | 'all_turrets_dead' | 'store_failed' | 'threshold_aborted';

/** Process exit code for each outcome (the `oct run` exit codes). */
export const EXIT_CODES: Readonly<Record<Outcome, number>> = {
  completed: 0,
  no_turrets: 3,
  all_turrets_dead: 4,
  store_failed: 5,
  /** A threshold with abort_on_fail failed during the run, which stopped its turrets. */
  threshold_aborted: 98,
  interrupted: 130,
};

/** Exit code of a run that completed but whose thresholds did not all pass (k6 uses 99 too). */
export const THRESHOLDS_FAILED_EXIT = 99;

export type RunPhase = 'waiting' | 'running' | 'draining' | 'finished';

/** A turret as shown in progress and summaries. */
export interface TurretView {
  uuid: string;
  name: string;
  status: ShownState;
  canons: number;
  protocol: string | null;
  capabilities: string[];
  /** accounting: results the turret says it sent; null without accounting. */
  resultsSent: number | null;
  resultsStored: number;
  reason: string | null;
  /**
   * CURVE runs (spec 11): the authorised key named like the turret (`turrets/<name>.key`) once a
   * connection with it was admitted, else null. Matched by name: a PULL socket does not say which
   * connection sent a message.
   */
  curveKey: string | null;
  /**
   * Epoch seconds (HQ clock) when the turret began firing for this run: its `running` status for a
   * start of this run, or its first result after one, whichever came first; null if it never fired.
   */
  firingFrom: number | null;
  /**
   * Epoch seconds when it stopped: its first status no longer `running` after firing, or its last
   * result, whichever came later; null while it fires or if it never did.
   */
  firingUntil: number | null;
  /** Canons the turret abandoned after the stop grace time (spec 4.3.6); null when it said none. */
  canonsAbandoned: number | null;
}

/** A progress event, emitted about once a second (and on each phase change). */
export interface RunProgress {
  phase: RunPhase;
  /** Seconds since start was sent (0 while waiting). */
  elapsed: number;
  /** Seconds since the HQ bound its sockets. */
  sinceBind: number;
  runTime: number;
  turrets: TurretView[];
  /** Results stored so far. */
  transactions: number;
  /** Stored results with a non-empty error. */
  errors: number;
  /** Results per second over the last interval. */
  rate: number;
  rejects: number;
}

/** What a finished run produced. */
export interface RunSummary {
  outcome: Outcome;
  /** EXIT_CODES[outcome], or THRESHOLDS_FAILED_EXIT for a completed run whose thresholds failed. */
  exitCode: number;
  /**
   * The verdict of each threshold (config `thresholds`), judged over every stored result; empty
   * without thresholds. The report judges the same from the results file (same histograms).
   */
  thresholds: ThresholdVerdict[];
  /** One line saying why, e.g. `1 of 2 turrets joined within 60 s (min_turrets 2)`. */
  message: string;
  resultsDir: string;
  /** The SQLite results file, or the postgresql:// URL (password included: print it masked). */
  dbPath: string;
  /** The run's id (HqRun.runId); in PostgreSQL, the run row's run_uuid (`oct rebuild-results --run`). */
  runId: string;
  /** Results stored (the rows of the `result` table) but those of failed setups. */
  transactions: number;
  errors: number;
  /** Stored results that report a canon's failed setup (spec 5.3.2), not a transaction. */
  setupFailures: number;
  /** Results stored without turret_name (legacy canons). */
  unattributed: number;
  /** Results received but not stored (the results file refused them, or refused rows before): 0 normally. */
  notStored: number;
  rejects: number;
  /**
   * Results kept aside in the quarantine table (spec 7.3): they named a turret no status announced,
   * or a name their uuid did not announce. In no turret's count and not in `transactions`.
   */
  quarantined: number;
  turrets: TurretView[];
  startedAt: number | null;
  stoppedAt: number | null;
  finishedAt: number;
  /** accounting turrets whose stored count is short of their sent count, with how many are missing. */
  missing: { name: string; uuid: string; sent: number; stored: number }[];
  /**
   * accounting turrets with more results stored in their name than they say they sent: results under
   * their uuid and name came from elsewhere (forged, spec 7.5), or their count is wrong.
   */
  surplus: { name: string; uuid: string; sent: number; stored: number }[];
  /** CURVE runs (spec 11): every authorised key that connected, from where, to which socket; null without CURVE. */
  curve: { keys: { name: string; publicKey: string; addresses: string[]; sockets: string[] }[] } | null;
}

export interface TurretEvent {
  kind: 'joined' | 'state' | 'lost' | 'started_late';
  turret: TurretView;
  previous: ShownState | null;
}

/** Events of a run. */
export interface RunEvents {
  progress: [RunProgress];
  turret: [TurretEvent];
  phase: [RunPhase];
  /** A human-readable line (warnings, console_logging). */
  log: [string];
}

export interface StartRunOptions {
  /** The project directory (holding config.json). */
  projectDir: string;
  /** An already checked project; loaded from projectDir when absent. */
  project?: Project;
  /** Where results.sqlite goes; default `<project>/results/results_<timestamp>/` (a temp dir with `testing`). */
  resultsDir?: string;
  /** Aborting stops the run as `interrupted` (results kept). */
  signal?: AbortSignal;
  /** Bind free ports on hq_address instead of publish_port / rc_port (used by `oct run --local`). */
  ephemeralPorts?: boolean;
  /** Give up waiting for min_turrets after this long (default 60 s): outcome `no_turrets`. */
  joinTimeoutMs?: number;
  /** A turret not heard from for this long is marked lost (default 5 s, spec 8.7). */
  lostAfterMs?: number;
  /** status_request cadence (default 1 s). */
  statusIntervalMs?: number;
  /** Drain ends after this long without a result... (default 1.5 s) */
  drainQuietMs?: number;
  /** ...or after this long at most (default 20 s). */
  maxDrainMs?: number;
  /** Progress event cadence (default 1 s). */
  progressIntervalMs?: number;
  /** Context handed to every transaction (set_transaction_context msg); default `{}`. */
  transactionContext?: Record<string, unknown>;
  /** The external publisher's topic (`oct run -p`, OCT's publisher channel); default a random hex uuid. */
  publisherChannel?: string;
}

/** Thrown by startRun for a problem the user can fix (bad config, port in use): message is one line. */
export class HqError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'HqError';
  }
}
