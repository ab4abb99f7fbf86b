// GENERATED FILE - DO NOT EDIT.
// Source: spec/schemas/*.schema.json (json-schema-to-typescript)
// Regenerate with `npm run generate`; `npm test` fails when this file is stale.

/**
 * Every document of the OCT spec by short name (a generator artefact; use the named types).
 */
export interface OctSpecDocuments {
  'command-kill': KillCommand;
  'command-set-transaction-context': SetTransactionContextCommand;
  'command-start': StartCommand;
  'command-status-request': StatusRequestCommand;
  'command-stop': StopCommand;
  command: CommandEnvelope;
  config: ProjectConfig;
  'result-batch': ResultBatch;
  result: ResultMessage;
  status: StatusMessage;
  'turret-config': TurretConfig;
}
/**
 * Orders the turret process to report killed and exit (spec 4.4).
 */
export interface KillCommand {
  /**
   * The command name.
   */
  command: 'kill';
  /**
   * Free text; ignored by turrets.
   */
  msg?: unknown;
  [k: string]: unknown;
}
/**
 * Hands an object to every transaction the turret creates from now on: those of its next start (spec 4.5, 4.5.1).
 */
export interface SetTransactionContextCommand {
  /**
   * The command name.
   */
  command: 'set_transaction_context';
  /**
   * The context object; the legacy HQ sends {}. Absent, the context becomes {} (spec 4.5.3).
   */
  msg?: {
    [k: string]: unknown;
  };
  [k: string]: unknown;
}
/**
 * Orders the turret to start firing: its canons begin looping the transaction (spec 4.2).
 */
export interface StartCommand {
  /**
   * The command name.
   */
  command: 'start';
  /**
   * Free text, "open fire" by tradition; ignored by turrets.
   */
  msg?: string;
  /**
   * session extension: the HQ's run identity, the same as in its advertisement (spec 8.8). A turret echoes it in its statuses while it runs this start and after (spec 8.9); turrets that do not know it ignore it (spec 8.1).
   */
  run_id?: string;
  [k: string]: unknown;
}
/**
 * Asks a turret for its status. A turret MUST answer with a status message in every state (spec 4.1). The HQ advertises its protocol version and capabilities in msg (spec 8.2.1); legacy turrets ignore msg. A msg that is neither null nor a valid advertisement makes the command invalid: a turret treats it as malformed, changing neither its state nor its extensions (spec 4.1.1).
 */
export interface StatusRequestCommand {
  /**
   * The command name.
   */
  command: 'status_request';
  /**
   * null or absent (a legacy HQ: every extension leaves effect, spec 8.15), or the HQ advertisement of protocol version and capabilities (spec 8.2.1).
   */
  msg?: null | HqAdvertisement;
  [k: string]: unknown;
}
/**
 * What the HQ speaks (spec 8.2).
 */
export interface HqAdvertisement {
  /**
   * The protocol version the HQ speaks.
   */
  protocol: string;
  /**
   * Extensions the HQ supports (spec 8.3).
   */
  capabilities?: string[];
  /**
   * session extension: this HQ run's identity, one value for the whole run and never used by another (e.g. a UUID); the same value goes in every `start` of the run (spec 8.8). A running turret that hears another `run_id` has a new HQ and stops (spec 8.10).
   */
  run_id?: string;
  [k: string]: unknown;
}
/**
 * Orders the turret to stop firing and return to ready (spec 4.3).
 */
export interface StopCommand {
  /**
   * The command name.
   */
  command: 'stop';
  /**
   * Free text giving the reason, e.g. "premature stop"; ignored by turrets.
   */
  msg?: string;
  [k: string]: unknown;
}
/**
 * The JSON body of every HQ -> turret frame. A turret MUST ignore a command name it does not know (spec 4.6); the known commands have their own schemas.
 */
export interface CommandEnvelope {
  /**
   * The command name.
   */
  command: string;
  /**
   * The command argument; its meaning depends on the command.
   */
  msg?: unknown;
  [k: string]: unknown;
}
/**
 * A project's `config.json` (spec 9.2): how long to run, which turrets, where the HQ listens, where results go. Keys are those of the original OCT.
 */
export interface ProjectConfig {
  /**
   * Seconds of firing, from start to stop.
   */
  run_time: number;
  /**
   * Seconds per interval in the report's time series.
   */
  results_ts_interval: number;
  /**
   * Show a progress bar when stdout is a terminal (plain periodic lines otherwise).
   */
  progress_bar?: boolean;
  /**
   * Log every received message to the console.
   */
  console_logging?: boolean;
  /**
   * Write the results file to a temporary directory instead of the project's results directory.
   */
  testing?: boolean;
  /**
   * Port of the HQ's PUB socket (commands).
   */
  publish_port?: number;
  /**
   * Port of the HQ's PULL socket (status and results).
   */
  rc_port?: number;
  /**
   * Turrets that must have joined before the HQ starts the run.
   */
  min_turrets?: number;
  /**
   * Address the HQ binds, and that packed turrets connect to.
   */
  hq_address?: string;
  /**
   * The turrets: inline turret configs, or paths (relative to the project) of turret config files.
   *
   * @minItems 1
   */
  turrets: [TurretConfig | string, ...(TurretConfig | string)[]];
  /**
   * npm dependency specs added to every packed turret, e.g. "undici@^7".
   */
  turrets_requirements?: string[];
  /**
   * Keys merged over every turret's config, last (as OCT did): they win over the turret's own keys, except `name`, `script` and `extra_files`, which say which turret it is and what it runs and are ignored with a warning. The merged config must still be a valid turret config (9.1).
   */
  extra_turret_config?: {
    [k: string]: unknown;
  };
  /**
   * Where and how results are stored.
   */
  results_database?: {
    /**
     * `default` for a SQLite file in the run's results directory, or a path / `sqlite:///path` URI of a SQLite file.
     */
    db_uri?: string;
    /**
     * Results per insert transaction. Each transaction is one commit to the results file, so larger values suit higher result rates.
     */
    insert_limit?: number;
    [k: string]: unknown;
  };
  /**
   * Where the HQ binds a PUB socket that re-publishes every result it stores, for live consumers: false (off), a port number as in the original OCT (bound on every interface, `tcp://*:<port>`; OCT's own default was 5002), or a ZeroMQ endpoint `tcp://`, `ipc://` or `inproc://` (e.g. `tcp://127.0.0.1:5002`, one interface only). Each result is one two-part message `[topic, result-json]`, as OCT sent it: the topic is `oct run -p <topic>`, else a random hex uuid printed at the start; consumers subscribe to it (or to "" for every topic). A PUB socket never waits for its subscribers: one that falls 100,000 messages behind loses the next ones, and the run is never slowed.
   */
  external_publisher?: false | number | string;
  /**
   * Channel security (spec 11). With `curve` on, the HQ's PUB and PULL sockets are CURVE servers: only turrets holding an authorised key pair connect, and every command and result is encrypted. `oct keys` makes the keys; `oct pack-turrets` gives each turret its own.
   */
  security?: {
    /**
     * CURVE encryption and authentication on both sockets (spec 11.1). Off: plain ZeroMQ, as the original OCT.
     */
    curve?: boolean;
    /**
     * Directory of the key files, relative to the project: `hq.key` and `hq.key_secret` (the HQ's pair), and `turrets/<name>.key` for each authorised turret (spec 11.3).
     */
    keys?: string;
    [k: string]: unknown;
  };
  /**
   * Pass/fail criteria judged by the HQ over the merged results of every turret (`oct run` exits 99 when one fails, 98 when one with `abort_on_fail` stopped the run). Each names a metric, a statistic of it and one or two bounds; durations are in seconds. A metric that no stored result produced fails (never a silent pass). Verdicts go to the console, `summary.json`, the report and, with `oct run --junit <file>`, a JUnit XML file.
   */
  thresholds?: {
    /**
     * `transactions` (every transaction's scriptrun_time), `errors` (the transactions whose error is not empty) or the name of a custom timer. `transactions` and `errors` mean those metrics even if a custom timer has the same name.
     */
    metric: string;
    /**
     * The statistic judged: `count`, `rate` (per second, between the first and the last result), `error_rate` (failed / all, 0 to 1), `min`, `max`, `avg`, `stdev` (population), `rstddev` (stdev / avg), or a percentile `p<N>` with N from 0 to 100 (`p50`, `p95`, `p99.9`). The metric `errors` takes `count`, `rate` and `error_rate` only. Percentiles come from the report's histograms (3 significant digits: within 0.1% above the exact value, exact to the microsecond below 2 ms).
     */
    stat: string;
    /**
     * Passes when the statistic is less than this.
     */
    lt?: number;
    /**
     * Passes when the statistic is less than or equal to this.
     */
    lte?: number;
    /**
     * Passes when the statistic is greater than this.
     */
    gt?: number;
    /**
     * Passes when the statistic is greater than or equal to this.
     */
    gte?: number;
    /**
     * Judge this threshold during the run too (on the results stored so far, every progress interval) and stop the run as soon as it fails (`oct run` exits 98).
     */
    abort_on_fail?: boolean;
    /**
     * With `abort_on_fail`: seconds after the start before a failure may stop the run (the first results are few and slow).
     */
    delay_abort_eval?: number;
  }[];
  [k: string]: unknown;
}
/**
 * A turret's configuration file (spec 9.1), as written inline in a project's `turrets` or in its own file. Keys other than these are kept, and a turret hands them to the transaction script with the rest of its config (spec 9.3); a project adds keys to every turret with `extra_turret_config`.
 */
export interface TurretConfig {
  /**
   * The turret name, shown in reports and sent as `turret` / `turret_name`.
   */
  name: string;
  /**
   * Number of canons (virtual users) looping the transaction concurrently.
   */
  canons?: number | string;
  /**
   * @deprecated
   * Legacy spelling of `canons` (OCT 0.4); accepted.
   */
  cannons?: number | string;
  /**
   * Seconds over which the canons' starts are spread evenly.
   */
  rampup?: number | string;
  /**
   * Path of the transaction script, relative to the config file's directory.
   */
  script: string;
  /**
   * Host of the HQ.
   */
  hq_address?: string;
  /**
   * The HQ's PUB port (its `publish_port`): a JSON integer, never a numeric string (unlike `canons` and `rampup`).
   */
  hq_publisher?: number;
  /**
   * The HQ's PULL port (its `rc_port`): a JSON integer, never a numeric string.
   */
  hq_rc?: number;
  /**
   * Further files, relative to the project, that the packer puts beside the script.
   */
  extra_files?: string[];
  /**
   * Worker threads over which the canons are spread (reference turret): a JSON integer, never a numeric string.
   */
  workers?: number;
  /**
   * session extension (spec 8.11): seconds a running turret goes on firing without hearing from its HQ (no frame at all on its SUB socket, where an HQ that advertised session sends a status_request at least every 5 s). Then it stops as on `stop`: canons finish, tear-downs run, its results are sent, and it returns to ready. It applies only while the HQ has advertised `session` (spec 8.3), so a legacy HQ, which sends no status_request once its run has started, never makes a turret stop on its own. 0 turns it off. Keep it well above 5 s: a busy network or HQ may delay a status_request.
   */
  hq_timeout?: number;
  /**
   * Seconds one transaction (or one canon's setup) may take (spec 7.6). A transaction still running then is abandoned: the turret sends its result with the error `transaction timed out after <n> s (transaction_timeout)` and the canon goes on with its next transaction; whatever the abandoned one does later is never reported. 0 turns it off. The reference turret can interrupt only a transaction that waits (a pending promise), not a synchronous endless loop.
   */
  transaction_timeout?: number;
  /**
   * Path of the HQ's public certificate (`hq.key`), relative to the config file (spec 11.4). With `curve_secret_key`, the turret's SUB and PUSH sockets are CURVE clients that connect only to the HQ holding that key; without both, the turret speaks plain ZeroMQ.
   */
  curve_server_key?: string;
  /**
   * Path of the turret's own secret certificate (`<name>.key_secret`, mode 0600), relative to the config file (spec 11.4).
   */
  curve_secret_key?: string;
  [k: string]: unknown;
}
/**
 * batch extension: many results in one message (spec 8.4). Sent as JSON, or as a protobuf frame when both sides advertised protobuf (spec 8.5). Told apart by having a `results` array (spec 5.5). Each result inherits `turret_name` and `uuid` from the batch when it has none.
 */
export interface ResultBatch {
  /**
   * The sending turret's name.
   */
  turret_name: string;
  /**
   * The sending turret's uuid.
   */
  uuid: string;
  /**
   * The results, in the order they were produced.
   *
   * @minItems 1
   */
  results: [ResultMessage, ...ResultMessage[]];
  [k: string]: unknown;
}
/**
 * One transaction's outcome (spec 5.3). Told apart from a status by having `scriptrun_time` and `elapsed` (spec 5.5).
 */
export interface ResultMessage {
  /**
   * The turret's name. Required from protocol 1.x turrets (spec 5.3); legacy canons omit it and their results are stored as unattributed.
   */
  turret_name?: string;
  /**
   * The sending turret's uuid (spec 5.3).
   */
  uuid?: string;
  /**
   * Seconds since the turret started firing, on a monotonic clock, when the transaction began.
   */
  elapsed: number | string;
  /**
   * Wall-clock time in seconds since the Unix epoch when the transaction began; fractions allowed (legacy turrets send whole seconds).
   */
  epoch: number | string;
  /**
   * Seconds the transaction's run took, excluding setup and tear-down.
   */
  scriptrun_time: number | string;
  /**
   * Empty when the transaction succeeded, otherwise the error text (spec 5.3).
   */
  error: string;
  /**
   * Named timers the transaction set, name -> seconds.
   */
  custom_timers: {
    /**
     * A duration or instant in seconds (fractions allowed), never negative. Legacy senders may write it as a numeric string such as "0.25"; receivers accept both (spec 5.6).
     */
    [k: string]: number | string;
  };
  /**
   * accounting extension: this result's sequence number within the turret, from 0 at each start and without gaps (spec 8.6).
   */
  seq?: number;
  /**
   * True when this result reports a canon's failed setup rather than a transaction (spec 5.3): `error` says why, no transaction ran, and receivers count it apart and keep it out of latency statistics. Absent (or false) for a transaction's result. Never sent to an HQ that has not advertised protocol 1.x (spec 12.2).
   */
  setup_failed?: boolean;
  [k: string]: unknown;
}
/**
 * A turret's report of its state (spec 5.1). A turret sends one when it becomes ready, periodically while ready, after each command, and in answer to every status_request. It is told apart from a result by having `status` and `uuid` (spec 5.5).
 */
export interface StatusMessage {
  /**
   * The turret name from its config (`name`).
   */
  turret: string;
  /**
   * The turret state (spec 5.2): one of initialized, ready, running, aborted, killed. Canonical spelling is lower case; receivers compare case-insensitively, so the legacy forms `READY`, `Running`, `Aborted`, `Initialized`, `Killed` are accepted.
   */
  status: string;
  /**
   * The turret's identity for this process lifetime; also the topic of direct orders (spec 3.1).
   */
  uuid: string;
  /**
   * A duration or instant in seconds (fractions allowed), never negative. Legacy senders may write it as a numeric string such as "0.25"; receivers accept both (spec 5.6).
   */
  rampup: number | string;
  /**
   * The transaction script path, as named in the turret config.
   */
  script: string;
  /**
   * Number of canons (virtual users).
   */
  canons?: number | string;
  /**
   * @deprecated
   * Legacy spelling of `canons`, sent by OCT 0.4 turrets. Receivers accept it; new turrets send `canons`.
   */
  cannons?: number | string;
  /**
   * The protocol version the turret speaks; absent on legacy turrets (spec 8.2).
   */
  protocol?: string;
  /**
   * Extensions the turret supports (spec 8.3).
   */
  capabilities?: string[];
  /**
   * accounting extension: results sent since the last start, counting every result in every batch (spec 8.6). Present only when the HQ advertised accounting.
   */
  results_sent?: number | string;
  /**
   * Why the turret aborted, for status aborted (spec 7.2).
   */
  reason?: string;
  /**
   * session extension: the `run_id` of the last `start` this turret obeyed, as the HQ sent it (spec 8.9), so the HQ knows which run a `running` or a `results_sent` belongs to. Present only when the HQ advertised session and that start carried a `run_id`.
   */
  run_id?: string;
  /**
   * Canons still in a transaction (or setup) when the stop's grace time ran out, left behind at the last stop (spec 4.3): their late results are never sent. Sent by a turret that has stopped firing, to an HQ that advertised protocol 1.x; absent means none reported.
   */
  canons_abandoned?: number;
  [k: string]: unknown;
}
