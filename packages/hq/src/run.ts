/**
 * One run, from bind to drained (spec 2.1, 3.1.3, 8.2-8.14): bind PUB and PULL, learn
 * turrets from their statuses, wait for min_turrets, send set_transaction_context then start, fire
 * for run_time seconds (starting late turrets as they become ready), stop, drain until the turrets go
 * quiet and accounting turrets' counts add up, then close everything and resolve `done`.
 *
 * ```
 *  HQ PUB  -- status_request (1 s), set_transaction_context, start, stop -->  turret SUB
 *  HQ PULL <-- status, result, batch ---------------------------------------  turret PUSH
 * ```
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as zmq from 'zeromq';
import {
  CAPABILITIES,
  PROTOCOL_VERSION,
  checkThresholds,
  encodeCommand,
  judgeThresholds,
  type Threshold,
  type TurretStatus,
} from '@oct/protocol';
import { ZapHandler, loadHqCurveKeys, serverOptions, type CurvePeer, type HqCurveKeys } from './curve.js';
import { ExternalPublisher, randomTopic } from './external-publisher.js';
import { IngestThread } from './ingest-thread.js';
import { errorLine } from './ingest.js';
import { LastWordsCheck, isTerminal } from './last-words.js';
import { LiveMetrics, liveMetricsSetup, liveSource } from './live-metrics.js';
import { RECEIVE_HIGH_WATER_MARK, pumpFrames } from './pump.js';
import { loadProject, type Project } from './project.js';
import { dbPathFor, newResultsDir } from './results-path.js';
import {
  EXIT_CODES,
  HqError,
  THRESHOLDS_FAILED_EXIT,
  type Outcome,
  type RunEvents,
  type RunPhase,
  type RunProgress,
  type RunSummary,
  type StartRunOptions,
  type TurretView,
} from './run-types.js';
import { TurretRegistry, hasAccounting, isDead, isModern, type TurretInfo } from './registry.js';

/** The longest status_request cadence with which the HQ advertises `session` (spec 8.8). */
const SESSION_HEARTBEAT_MS = 5000;

/** The HQ's version, stored in the run row. */
export const HQ_VERSION: string = (() => {
  try {
    return (
      JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
  } catch {
    return 'unknown';
  }
})();

/**
 * Binds the sockets and starts a run; resolves once both sockets are bound (the ports are then
 * known, see `publishPort` / `rcPort`). Await `run.done` for the summary.
 *
 * @example
 * const run = await startRun({ projectDir: 'myproject' });
 * run.on('progress', (p) => console.log(p.elapsed, p.transactions));
 * const summary = await run.done;
 */
export async function startRun(options: StartRunOptions): Promise<HqRun> {
  let project = options.project;
  if (!project) {
    const loaded = loadProject(options.projectDir);
    if (!loaded.ok) throw new HqError(loaded.errors.join('\n'));
    project = loaded.project;
  }
  const run = new HqRun(project, options);
  await run.bind();
  run.begin();
  return run;
}

/** A run in progress. Created by startRun. */
export class HqRun extends EventEmitter<RunEvents> {
  readonly project: Project;
  readonly resultsDir: string;
  readonly dbPath: string;
  /** Resolves when the run has finished (never rejects for turret misbehaviour). */
  readonly done: Promise<RunSummary>;
  publishEndpoint = '';
  rcEndpoint = '';
  publishPort = 0;
  rcPort = 0;
  phase: RunPhase = 'waiting';
  /** This run's identity, in every advertisement and start when it advertises `session` (spec 8.8). */
  readonly runId: string = randomUUID();
  /** The external publisher's topic: StartRunOptions.publisherChannel, else a random hex uuid. */
  readonly publisherChannel: string;
  /** Where the external publisher is bound; '' without `external_publisher`. */
  externalEndpoint = '';

  private readonly opts: Required<
    Omit<StartRunOptions, 'project' | 'resultsDir' | 'signal' | 'transactionContext' | 'publisherChannel'>
  > & {
    transactionContext: Record<string, unknown>;
  };
  /** Decoding and storing run on a worker thread; set by bind(). */
  private ingest!: IngestThread;
  private readonly registry = new TurretRegistry(this.runId);
  /** Aborted and killed statuses waiting for their turret to go quiet (spec 7.4). */
  private readonly lastWords = new LastWordsCheck();
  private readonly pub: zmq.Publisher;
  private readonly pull: zmq.Pull;
  /** With security.curve: the keys, and the ZAP handler of this run's own context (spec 11.1). */
  private readonly curve: HqCurveKeys | null;
  private zap: ZapHandler | null = null;
  private zapContext: zmq.Context | null = null;
  /** Connections admitted, by key name, and refusals already said (spec 11.1, 11.2). */
  private readonly admitted = new Map<
    string,
    { publicKey: string; addresses: Set<string>; sockets: Set<string> }
  >();
  private readonly refusalsSaid = new Set<string>();
  private external: ExternalPublisher | null = null;
  private sendChain: Promise<unknown> = Promise.resolve();
  private resolveDone!: (s: RunSummary) => void;
  private timers: NodeJS.Timeout[] = [];
  private boundAt = performance.now();
  private startedAtMono = 0;
  private stoppedAtMono = 0;
  private startedAt: number | null = null;
  private stoppedAt: number | null = null;
  private outcome: Outcome = 'completed';
  private message = '';
  private lateStarts = new Map<string, number>();
  /** Monotonic ms when the last status_request was sent (spec 8.14: a turret's answer must follow one). */
  private lastRequestAt = -Infinity;
  /**
   * Connections to the PUB socket now (accepted minus disconnected): more than the known 1.x turrets
   * means an unheard turret, perhaps a legacy one, may listen, so no direct order goes out (spec 3.1.5).
   */
  private pubPeers = 0;
  /** When each turret firing for a start this HQ did not send was last told to stop (spec 8.13). */
  private foreignStops = new Map<string, number>();
  /** Turrets whose results from before this run are being counted again once stored. */
  private measuring = new Set<string>();
  private rateSamples: { t: number; n: number }[] = [];
  private loop: Promise<void> = Promise.resolve();
  private abortListener: (() => void) | null = null;
  private readonly createdDir: boolean;
  /** config `thresholds`, checked: judged live (abort_on_fail) and at the end. */
  private readonly thresholds: Threshold[];

  /** @internal use startRun */
  constructor(
    project: Project,
    private readonly options: StartRunOptions,
  ) {
    super();
    this.project = project;
    const cfg = project.config;
    this.publisherChannel = options.publisherChannel ?? randomTopic();
    this.opts = {
      projectDir: options.projectDir,
      ephemeralPorts: options.ephemeralPorts ?? false,
      joinTimeoutMs: options.joinTimeoutMs ?? 60_000,
      lostAfterMs: options.lostAfterMs ?? 5_000,
      statusIntervalMs: options.statusIntervalMs ?? 1_000,
      drainQuietMs: options.drainQuietMs ?? 1_500,
      maxDrainMs: options.maxDrainMs ?? 20_000,
      progressIntervalMs: options.progressIntervalMs ?? 1_000,
      transactionContext:
        options.transactionContext ?? (cfg.transaction_context as Record<string, unknown> | undefined) ?? {},
    };
    const resultsDir = options.resultsDir
      ? resolve(options.resultsDir)
      : cfg.testing
        ? mkdtempSync(join(tmpdir(), 'oct-results-'))
        : newResultsDir(join(project.dir, 'results'));
    const security = cfg.security;
    try {
      this.dbPath = dbPathFor(cfg.results_database.db_uri, resultsDir, project.dir);
      this.curve = security?.curve === true ? loadHqCurveKeys(project.dir, security.keys ?? 'keys') : null;
    } catch (e) {
      // A config the run cannot start with leaves no empty temporary results directory behind.
      if (!options.resultsDir && cfg.testing) rmSync(resultsDir, { recursive: true, force: true });
      throw new HqError(`${project.configPath}: ${(e as Error).message}`);
    }
    this.resultsDir = resultsDir;
    // loadProject checked them; a Project built by hand may not have been.
    const thresholds = checkThresholds(cfg.thresholds, project.configPath);
    if (!thresholds.ok) throw new HqError(thresholds.errors.join('\n'));
    this.thresholds = thresholds.thresholds;
    // CURVE servers in a context of their own: ZAP is answered per context (curve.ts).
    const context = this.curve ? new zmq.Context() : undefined;
    const secure = (socket: 'pub' | 'pull') =>
      this.curve ? { context, ...serverOptions(this.curve, socket) } : {};
    this.pub = new zmq.Publisher({ linger: 0, sendHighWaterMark: 10_000, ...secure('pub') });
    this.pull = new zmq.Pull({ linger: 0, receiveHighWaterMark: RECEIVE_HIGH_WATER_MARK, ...secure('pull') });
    if (this.curve && context) this.zapContext = context;
    for (const [socket, key] of [
      [this.pub, 'publish_port'],
      [this.pull, 'rc_port'],
    ] as const)
      void this.watchHandshakes(socket, key);
    this.createdDir = !existsSync(this.resultsDir);
    mkdirSync(this.resultsDir, { recursive: true });
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  /** @internal */
  async bind(): Promise<void> {
    const cfg = this.project.config;
    const host = cfg.hq_address;
    const ep = (port: number | '*'): string => `tcp://${host}:${port}`;
    try {
      this.ingest = await IngestThread.start({
        dbPath: this.dbPath,
        runId: this.runId,
        insertLimit: cfg.results_database.insert_limit,
        flushAt: Math.max(cfg.results_database.insert_limit, 2000),
        run: {
          project: this.project.name,
          run_time: cfg.run_time,
          results_ts_interval: cfg.results_ts_interval,
          config_json: JSON.stringify(cfg),
          hq_version: HQ_VERSION,
        },
        metrics: liveMetricsSetup(this.thresholds),
        onStatus: (s, receivedAt) => this.onStatus(s, receivedAt),
        onHeard: (uuid, receivedAt) => {
          this.registry.heard(uuid, receivedAt, epochOf(receivedAt));
          this.lastWords.heard(uuid, receivedAt, null);
        },
        onStored: cfg.external_publisher !== false ? (frames) => this.external?.publish(frames) : undefined,
        onLog: cfg.console_logging ? (line) => this.emit('log', line) : undefined,
        onWarning: (message) => this.emit('log', `WARNING: ${message}`),
        onStoreFailed: (message) => this.storeFailed(message, true),
        onFailed: (message) => this.storeFailed(message, false),
      });
    } catch (e) {
      this.closeSockets();
      if (this.createdDir) rmSync(this.resultsDir, { recursive: true, force: true });
      throw new HqError(`${this.project.configPath}: ${(e as Error).message}`);
    }
    try {
      if (this.curve && this.zapContext)
        this.zap = await ZapHandler.start(this.zapContext, this.curve, (peer) => this.onPeer(peer));
      await this.bindOne(this.pub, ep(this.opts.ephemeralPorts ? '*' : cfg.publish_port), 'publish_port');
      await this.bindOne(this.pull, ep(this.opts.ephemeralPorts ? '*' : cfg.rc_port), 'rc_port');
      if (cfg.external_publisher !== false) {
        this.external = await ExternalPublisher.open(
          cfg.external_publisher,
          this.publisherChannel,
          this.project.configPath,
        );
        this.externalEndpoint = this.external.endpoint;
      }
    } catch (e) {
      this.closeSockets();
      await this.ingest.close();
      // Nothing happened yet: leave no empty results directory behind.
      if (this.createdDir) rmSync(this.resultsDir, { recursive: true, force: true });
      throw e;
    }
    this.publishEndpoint = this.pub.lastEndpoint ?? '';
    this.rcEndpoint = this.pull.lastEndpoint ?? '';
    this.publishPort = portOf(this.publishEndpoint);
    this.rcPort = portOf(this.rcEndpoint);
    this.boundAt = performance.now();
  }

  private async bindOne(socket: zmq.Socket, endpoint: string, key: string): Promise<void> {
    try {
      await socket.bind(endpoint);
    } catch (e) {
      throw new HqError(
        `${this.project.configPath}: cannot bind ${key} at ${endpoint}: ${(e as Error).message}`,
      );
    }
  }

  /** @internal starts receiving, status requests, and the join wait. */
  begin(): void {
    this.loop = this.receiveLoop();
    this.every(this.opts.statusIntervalMs, () => this.tick());
    this.every(this.opts.progressIntervalMs, () => this.emitProgress());
    this.every(100, () => this.ingest.flush());
    this.after(this.opts.joinTimeoutMs, () => {
      if (this.phase !== 'waiting') return;
      const ready = this.readyCount();
      const deaf = this.registry.alive().filter((t) => t.status === 'ready' && !t.hearsUs).length;
      this.finish(
        'no_turrets',
        `${ready} of ${this.project.config.min_turrets} turret(s) (min_turrets) ready within ${Math.round(this.opts.joinTimeoutMs / 1000)} s` +
          (deaf > 0
            ? `; ${deaf} more said ready but never answered a status_request, so commands do not reach them (is publish_port reachable from them?) (spec 8.14)`
            : ''),
      );
    });
    this.tick();
    const signal = this.options.signal;
    if (signal) {
      this.abortListener = () => this.stop('interrupted');
      if (signal.aborted) queueMicrotask(this.abortListener);
      else signal.addEventListener('abort', this.abortListener, { once: true });
    }
  }

  /**
   * Stops the run: while waiting, ends it with `outcome`; while running, sends `stop` and drains;
   * while draining, cuts the drain short. Results already received are always kept.
   */
  stop(outcome: Outcome = 'interrupted', message?: string): void {
    if (this.phase === 'waiting') this.finish(outcome, message ?? 'stopped before the start');
    else if (this.phase === 'running')
      this.stopAndDrain(outcome, message ?? 'stopped before run_time elapsed');
    else if (this.phase === 'draining') this.finish(this.outcome, `${this.message}; drain cut short`);
  }

  /**
   * Progress events as an async iterator that ends when the run has finished.
   * @example for await (const p of run) console.log(p.elapsed, p.transactions);
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<RunProgress, void, undefined> {
    const queue: RunProgress[] = [];
    let ended = this.phase === 'finished';
    let wake: (() => void) | null = null;
    const onProgress = (p: RunProgress): void => {
      queue.push(p);
      wake?.();
    };
    const onPhase = (phase: RunPhase): void => {
      if (phase !== 'finished') return;
      ended = true;
      wake?.();
    };
    this.on('progress', onProgress);
    this.on('phase', onPhase);
    try {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (ended) return;
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
    } finally {
      this.off('progress', onProgress);
      this.off('phase', onPhase);
    }
  }

  /** A snapshot of the known turrets. */
  turrets(): TurretView[] {
    return this.registry.list().map((t) => this.view(t));
  }

  /**
   * Receives until the socket closes. No frame can make pumpFrames fail (IngestThread.push never
   * throws); should a receive fail anyway, receiving resumes after a pause, with one warning per
   * distinct reason, instead of ending for good and leaving every turret to be lost (issue 15).
   */
  private async receiveLoop(): Promise<void> {
    const warned = new Set<string>();
    const ended = (): boolean => this.pull.closed || this.phase === 'finished';
    while (!ended()) {
      try {
        await pumpFrames(this.pull, this.ingest);
        return;
      } catch (e) {
        if (ended()) return;
        const reason = errorLine(e);
        if (!warned.has(reason) && warned.size < 10) {
          warned.add(reason);
          this.emit('log', `WARNING: receive failed, receiving again: ${reason}`);
        }
        await sleep(100);
      }
    }
  }

  /**
   * A status: an aborted or killed one of a live turret waits until the turret has gone quiet (spec
   * 7.4, settleLastWords); any other takes effect now.
   */
  private onStatus(s: TurretStatus, receivedAt: number): void {
    this.lastWords.heard(s.uuid, receivedAt, s);
    if (this.lastWords.holds(s.uuid)) {
      if (isTerminal(s)) return; // the same last words again
    } else if (isTerminal(s) && this.registry.get(s.uuid) && !isDead(this.registry.get(s.uuid)!)) {
      this.lastWords.hold(s, receivedAt);
      return;
    }
    this.applyStatus(s, receivedAt);
  }

  /**
   * Applies the last words that are settled by `judgedAt` (an arrival time; Infinity at the end): a
   * turret silent since is aborted or killed; one heard from since keeps its state, and the status is
   * rejected as `forged_status`.
   */
  private settleLastWords(judgedAt: number): void {
    const { confirmed, forged } = this.lastWords.settle(judgedAt);
    for (const h of confirmed) this.applyStatus(h.status, h.at);
    for (const h of forged) {
      const t = this.registry.get(h.status.uuid);
      const who = `${h.status.turret} (${h.status.uuid})`;
      const reason = `\`${h.status.status}\` status of turret ${who} followed by ${h.evidence}: a turret that ends sends nothing more (spec 7.4); not applied`;
      this.ingest.reject('forged_status', reason, JSON.stringify(h.status));
      this.emit('log', `WARNING: ignored a forged status: ${reason}${t ? `; it stays ${t.status}` : ''}`);
    }
  }

  private applyStatus(s: TurretStatus, receivedAt: number): void {
    const now = performance.now();
    const known = this.registry.get(s.uuid);
    const wasInRun = known?.inRun ?? false;
    const wasHearing = known?.hearsUs ?? false;
    const { turret, previous, started, foreign } = this.registry.update(s, receivedAt);
    // Joined only once it answers a status_request sent after it was first heard (spec 8.14): ask now.
    if (!turret.hearsUs) {
      if (turret.probedAt === null) {
        if (this.lastRequestAt <= receivedAt) this.requestStatus();
        turret.probedAt = this.lastRequestAt;
      } else if (receivedAt > turret.probedAt) turret.hearsUs = true;
    }
    // Up to its running status for this run's first start, what it sent was another start's (8.12).
    // Counted at each status before it, and at that status too when it names this run: a turret
    // with session says running before its results (8.9); one without may say so only when asked.
    const acknowledged = started && s.status === 'running' && s.run_id !== undefined;
    if (!wasInRun && (!turret.inRun || acknowledged)) this.measureBefore(turret);
    turret.resultsStored = this.countedFor(turret).stored;
    this.saveTurret(turret);
    // Said when it counts as joined (8.14): by then it has answered an advertisement, so its status
    // names its protocol (a turret speaks the legacy dialect until it hears one, spec 12).
    if (!wasHearing && turret.hearsUs)
      this.emit('turret', { kind: 'joined', turret: this.view(turret), previous });
    else if (turret.hearsUs && previous !== turret.status)
      this.emit('turret', { kind: 'state', turret: this.view(turret), previous });
    if (foreign) this.stopForeign(turret, now);
    if (this.phase === 'waiting' && this.readyCount() >= this.project.config.min_turrets) {
      this.startFiring();
    } else if (this.phase === 'running' && turret.status === 'ready' && turret.hearsUs) {
      // A turret ready after the start still gets one (it says ready when it becomes so, spec 6.1);
      // at most one per second each. By broadcast, always: a legacy turret this HQ has not heard from
      // yet may be listening, and dies of a direct order, while turrets already running ignore a
      // repeated start (spec 3.1.4, 4.2.1).
      const last = this.lateStarts.get(turret.uuid) ?? -Infinity;
      if (now - last >= 1000) {
        this.lateStarts.set(turret.uuid, now);
        this.sendStart();
        this.emit('turret', { kind: 'started_late', turret: this.view(turret), previous });
      }
    }
  }

  /**
   * Nowhere to store results: stop the turrets. When the file refused rows (`canDrain`), the ingest
   * thread still counts what arrives, so drain as usual (accounting turrets report what they sent,
   * and the summary says how many results were received but not stored); when the thread died, end now.
   */
  private storeFailed(reason: string, canDrain: boolean): void {
    const message = `results can no longer be stored: ${reason}`;
    this.emit('log', `WARNING: ${message}`);
    if (this.phase === 'running') this.stopAndDrain('store_failed', message);
    else {
      // Draining, or finished and storing the last results (the summary is not made yet): say so.
      this.outcome = 'store_failed';
      this.message = message;
    }
    if (!canDrain || this.phase === 'waiting') this.finish('store_failed', message);
  }

  /**
   * Turrets ready that hear this HQ (spec 8.14), or firing for this run: one firing for another HQ's
   * start is not (spec 8.13).
   */
  private readyCount(): number {
    return this.registry.alive().filter((t) => this.counted(t)).length;
  }

  private counted(t: TurretInfo): boolean {
    return (t.status === 'ready' && t.hearsUs) || (t.status === 'running' && t.firing === 'ours');
  }

  /** Whether this HQ advertises `session`: only with a heartbeat of 5 s at most (spec 8.8). */
  private get session(): boolean {
    return this.opts.statusIntervalMs <= SESSION_HEARTBEAT_MS;
  }

  /** Results from `t` that count in this run: since its first start of this run (spec 8.12). */
  private countedFor(t: TurretInfo): { stored: number; received: number } {
    const stored = Math.max(0, (this.ingest.storedByUuid.get(t.uuid) ?? 0) - t.before.stored);
    const notStored = Math.max(0, (this.ingest.notStoredByUuid.get(t.uuid) ?? 0) - t.before.notStored);
    return { stored, received: stored + notStored };
  }

  /**
   * Counts what `t` sent so far as sent before this run's start: the counts that came with its status
   * cover every result it sent before it, except those still waiting in the ingest thread, so they
   * are taken again once those are stored, if it has not acknowledged a start of this run by then.
   * Its results follow its running status (spec 8.9), so none of this run's are counted here.
   */
  private measureBefore(t: TurretInfo): void {
    const take = (): void => {
      t.before = {
        stored: this.ingest.storedByUuid.get(t.uuid) ?? 0,
        notStored: this.ingest.notStoredByUuid.get(t.uuid) ?? 0,
      };
    };
    take();
    if (t.inRun || this.measuring.has(t.uuid) || (this.phase !== 'waiting' && this.phase !== 'running'))
      return;
    this.measuring.add(t.uuid);
    void this.ingest.flushed().then(() => {
      this.measuring.delete(t.uuid);
      if (!t.inRun) take();
    });
  }

  /**
   * A turret firing for a start this HQ did not send (another HQ's, which went away) is not counted
   * into the run: it is told to stop, and started with the others once it reports ready (spec 8.13).
   * By direct order when 3.1.3 allows it; by broadcast only while no turret fires for this run.
   */
  private stopForeign(t: TurretInfo, now: number): void {
    if (this.phase === 'finished') return;
    const last = this.foreignStops.get(t.uuid);
    if (last !== undefined && now - last < 1000) return;
    this.foreignStops.set(t.uuid, now);
    const direct = this.mayAddress(t);
    const broadcast = !direct && !this.registry.alive().some((x) => x.firing === 'ours');
    const who = `${t.name} (${t.uuid})`;
    if (direct || broadcast) {
      this.send(encodeCommand({ command: 'stop', msg: 'premature stop' }, direct ? t.uuid : ''));
      if (last === undefined)
        this.emit(
          'log',
          `${who} is firing for a start this HQ did not send (another HQ's run): stopping it; it joins this run once ready (spec 8.13)`,
        );
    } else if (last === undefined) {
      this.emit(
        'log',
        `WARNING: ${who} is firing for a start this HQ did not send, and cannot be stopped alone while legacy turrets listen (spec 3.1.3): its results are stored, not counted as this run's`,
      );
    }
  }

  /**
   * A legacy turret parses every frame it gets as JSON, direct orders to others included, and dies of
   * a topic prefix, and it may listen before this HQ has heard from it: address a turret only when
   * every turret that may still be connected is a 1.x one and the PUB socket has no connection more
   * than them (spec 3.1.3, 3.1.5). A lost turret may still be connected, so it stays in the count.
   */
  private mayAddress(t: TurretInfo): boolean {
    if (!isModern(t)) return false;
    const connected = this.registry.list().filter((x) => x.status !== 'aborted' && x.status !== 'killed');
    return connected.every((x) => isModern(x)) && this.pubPeers <= connected.length;
  }

  private startFiring(): void {
    this.phase = 'running';
    this.startedAtMono = performance.now();
    this.startedAt = Date.now() / 1000;
    this.ingest.updateRun({ started_at: this.startedAt });
    // Those counted got this start; one not yet heard to hear us gets its own once it does (8.14).
    for (const t of this.registry.alive())
      if (this.counted(t)) this.lateStarts.set(t.uuid, this.startedAtMono);
    this.sendStart();
    this.emit('phase', 'running');
    this.emitProgress();
    this.after(this.project.config.run_time * 1000, () => {
      if (this.phase === 'running') this.stopAndDrain('completed', 'run_time elapsed');
    });
  }

  /**
   * set_transaction_context then start, like the legacy HQ, always by broadcast (spec 3.1.3, 3.1.4):
   * a turret already firing ignores it (4.2.1), and its running status then changes nothing here
   * (TurretRegistry.update counts a start only when a turret was not firing for this run).
   */
  private sendStart(): void {
    const topic = '';
    this.registry.startSent = true;
    this.send(
      encodeCommand({ command: 'set_transaction_context', msg: this.opts.transactionContext }, topic),
    );
    const runId = this.session ? { run_id: this.runId } : {};
    this.send(encodeCommand({ command: 'start', msg: 'open fire', ...runId }, topic));
  }

  private stopAndDrain(outcome: Outcome, message: string): void {
    this.phase = 'draining';
    this.outcome = outcome;
    this.message = message;
    this.stoppedAtMono = performance.now();
    this.stoppedAt = Date.now() / 1000;
    this.ingest.updateRun({ stopped_at: this.stoppedAt });
    this.send(
      encodeCommand({
        command: 'stop',
        msg: outcome === 'completed' ? 'run_time elapsed' : 'premature stop',
      }),
    );
    this.emit('phase', 'draining');
    this.every(100, () => this.checkDrained());
  }

  private checkDrained(): void {
    if (this.phase !== 'draining') return;
    const now = performance.now();
    this.ingest.flush();
    const sinceStop = now - this.stoppedAtMono;
    if (sinceStop >= this.opts.maxDrainMs) {
      this.finish(this.outcome, `${this.message}; drain ended after ${Math.round(sinceStop / 1000)} s (max)`);
      return;
    }
    const quiet =
      sinceStop >= this.opts.drainQuietMs && now - this.ingest.lastResultAt >= this.opts.drainQuietMs;
    if (!quiet) return;
    const counted = this.registry.alive().every((t) => {
      // Only turrets that fired for this run owe a count: not one that never became ready (8.12).
      if (!hasAccounting(t) || !t.inRun) return true;
      return (
        t.resultsSentAt !== null &&
        t.resultsSentAt >= this.stoppedAtMono &&
        t.status !== 'running' &&
        this.countedFor(t).received >= (t.resultsSent ?? 0)
      );
    });
    if (counted) this.finish(this.outcome, this.message);
  }

  /** Broadcasts a status_request with this HQ's advertisement (spec 8.2, 8.7, 8.8). */
  private requestStatus(): void {
    if (this.phase === 'finished') return;
    this.lastRequestAt = performance.now();
    this.send(
      encodeCommand({
        command: 'status_request',
        msg: this.session
          ? { protocol: PROTOCOL_VERSION, capabilities: [...CAPABILITIES], run_id: this.runId }
          : { protocol: PROTOCOL_VERSION, capabilities: CAPABILITIES.filter((c) => c !== 'session') },
      }),
    );
  }

  private tick(): void {
    if (this.phase === 'finished') return;
    this.requestStatus();
    // Judged on what has arrived: a backlog of results never makes a healthy turret look silent.
    const now = this.ingest.judgedAt(performance.now());
    this.settleLastWords(now);
    for (const t of this.registry.markLost(now, this.opts.lostAfterMs)) {
      this.saveTurret(t);
      this.emit('turret', { kind: 'lost', turret: this.view(t), previous: null });
    }
    if (this.registry.size > 0 && this.registry.alive().length === 0) {
      const message = `every turret is gone: ${this.registry
        .list()
        .map((t) => `${t.name} ${t.status}`)
        .join(', ')}`;
      if (this.phase === 'running') this.stopAndDrain('all_turrets_dead', message);
      else if (this.phase === 'draining' && this.outcome === 'completed') {
        // Lost after run_time but before it said what it sent: its last results may never come, so
        // the run did not complete (a run whose only turret died near the end is no success).
        this.outcome = 'all_turrets_dead';
        this.message = message;
      }
    }
  }

  private finish(outcome: Outcome, message: string): void {
    if (this.phase === 'finished') return;
    this.phase = 'finished';
    this.outcome = outcome;
    this.message = message;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.abortListener) this.options.signal?.removeEventListener('abort', this.abortListener);
    void this.close();
  }

  private async close(): Promise<void> {
    // Stop receiving, store what was received, let queued sends (and re-publishing) go, then close.
    closeQuietly(this.pull);
    await this.loop.catch(() => undefined);
    await this.ingest.flushed();
    await this.sendChain.catch(() => undefined);
    this.settleLastWords(Infinity);
    const finishedAt = Date.now() / 1000;
    const turrets = this.registry.list();
    for (const t of turrets) {
      t.resultsStored = this.countedFor(t).stored;
      this.saveTurret(t);
      // Stored, as everything a turret sends, but not this run's (spec 8.12): say so.
      const stale = t.inRun ? t.before.stored : (this.ingest.storedByUuid.get(t.uuid) ?? 0);
      if (stale > 0)
        this.emit(
          'log',
          `WARNING: ${t.name} (${t.uuid}): ${stale} result(s) it sent for a start this HQ did not send (another HQ's run) are in the results file; they are not counted as its results in this run`,
        );
    }
    this.ingest.updateRun({ finished_at: finishedAt, outcome: this.outcome });
    const rejects = await this.ingest.close();
    // Stored results reach the external publisher before the worker reports closed.
    await this.external?.flushed();
    if (this.external?.dropped)
      this.emit(
        'log',
        `WARNING: external_publisher: ${this.external.dropped} stored result(s) not published (its thread was 200,000 behind); every one is in the results file`,
      );
    this.closeSockets();
    const views = turrets.map((t) => this.view(t));
    const c = this.ingest.counts;
    const thresholds = this.judge();
    const summary: RunSummary = {
      outcome: this.outcome,
      exitCode:
        this.outcome === 'completed' && thresholds.some((v) => !v.passed)
          ? THRESHOLDS_FAILED_EXIT
          : EXIT_CODES[this.outcome],
      thresholds,
      message: this.message,
      resultsDir: this.resultsDir,
      dbPath: this.dbPath,
      runId: this.runId,
      // A failed setup is no transaction (spec 5.3.2): counted apart.
      transactions: c.stored - c.setupFailures,
      errors: c.errors - c.setupFailures,
      setupFailures: c.setupFailures,
      unattributed: c.unattributed,
      notStored: c.notStored,
      rejects,
      quarantined: c.quarantined,
      turrets: views,
      startedAt: this.startedAt,
      stoppedAt: this.stoppedAt,
      finishedAt,
      missing: views
        .filter((t) => t.resultsSent !== null && t.resultsSent > t.resultsStored)
        .map((t) => ({ name: t.name, uuid: t.uuid, sent: t.resultsSent ?? 0, stored: t.resultsStored })),
      surplus: views
        .filter((t) => t.resultsSent !== null && t.resultsSent < t.resultsStored)
        .map((t) => ({ name: t.name, uuid: t.uuid, sent: t.resultsSent ?? 0, stored: t.resultsStored })),
      curve: this.curve
        ? {
            keys: [...this.admitted].map(([name, k]) => ({
              name,
              publicKey: k.publicKey,
              addresses: [...k.addresses].sort(),
              sockets: [...k.sockets].sort(),
            })),
          }
        : null,
    };
    this.emit('phase', 'finished');
    this.resolveDone(summary);
  }

  private closeSockets(): void {
    for (const s of [this.pub, this.pull]) if (s) closeQuietly(s);
    this.external?.close();
    void this.zap?.close();
  }

  /** A ZAP decision (spec 11.1): admitted keys are listed in the summary, refusals said once each. */
  private onPeer(peer: CurvePeer): void {
    if (peer.keyName !== null) {
      const seen = this.admitted.get(peer.keyName) ?? {
        publicKey: peer.publicKey,
        addresses: new Set<string>(),
        sockets: new Set<string>(),
      };
      seen.addresses.add(peer.address);
      seen.sockets.add(peer.socket);
      this.admitted.set(peer.keyName, seen);
      return;
    }
    const said = `${peer.address} ${peer.publicKey}`;
    if (this.refusalsSaid.has(said)) return;
    this.refusalsSaid.add(said);
    this.emit(
      'log',
      `WARNING: refused a connection to the ${peer.socket} socket from ${peer.address}: its key ${peer.publicKey || '(none)'} is not an authorised turret key (${this.curve?.dir ?? 'keys'}/turrets/*.key) (spec 11.1)`,
    );
  }

  /**
   * Says once per socket why handshakes fail (spec 11.2): with CURVE, a peer without it (a turret
   * without keys); without, a peer that speaks CURVE (a turret with keys facing a plain HQ).
   */
  private async watchHandshakes(socket: zmq.Publisher | zmq.Pull, key: string): Promise<void> {
    let said = false;
    try {
      for await (const event of socket.events) {
        if (socket === this.pub && event.type === 'accept') this.pubPeers++;
        else if (socket === this.pub && event.type === 'disconnect') this.pubPeers--;
        // Only a protocol failure is a peer speaking the other mechanism: ZAP refusals (auth) are
        // said by onPeer with their key, and broken pipes say nothing about the peer.
        if (event.type !== 'handshake:error:protocol' || said || this.phase === 'finished') continue;
        said = true;
        const code = (event.error as { code?: string }).code ?? event.type;
        this.emit(
          'log',
          this.curve
            ? `WARNING: refused a connection on ${key} that failed the CURVE handshake (${code}): a turret without keys (curve_server_key, curve_secret_key) or with another HQ key; security.curve is on (spec 11.2)`
            : `WARNING: a connection on ${key} failed its handshake (${code}): a turret with CURVE keys facing this HQ, whose security.curve is off? (spec 11.2)`,
        );
      }
    } catch {
      // the socket closed
    }
  }

  private send(frame: string): void {
    // zeromq.js allows one send in flight per socket: chain them.
    this.sendChain = this.sendChain
      .then(() => (this.pub.closed ? undefined : this.pub.send(frame)))
      .catch((e: unknown) => {
        if (this.phase !== 'finished') this.emit('log', `WARNING: send failed: ${(e as Error).message}`);
      });
  }

  private saveTurret(t: TurretInfo): void {
    this.ingest.saveTurret({
      name: t.name,
      canons: t.canons,
      script: t.script,
      uuid: t.uuid,
      rampup: t.rampup,
      status: t.status,
      updated_at: t.updatedAt,
      protocol: t.protocol,
      capabilities: t.capabilities,
      results_sent: t.resultsSent,
      results_stored: t.resultsStored,
      curve_key: this.curveKeyOf(t),
      firing_from: t.firingFrom,
      firing_until: t.firingUntil,
      canons_abandoned: t.canonsAbandoned,
    });
  }

  /** The admitted key named like the turret (spec 11; see TurretView.curveKey). */
  private curveKeyOf(t: TurretInfo): string | null {
    return this.admitted.has(t.name) ? t.name : null;
  }

  private view(t: TurretInfo): TurretView {
    return {
      uuid: t.uuid,
      name: t.name,
      status: t.status,
      canons: t.canons,
      protocol: t.protocol,
      capabilities: t.capabilities,
      resultsSent: t.resultsSent,
      resultsStored: this.countedFor(t).stored,
      reason: t.reason,
      curveKey: this.curveKeyOf(t),
      firingFrom: t.firingFrom,
      firingUntil: t.firingUntil,
      canonsAbandoned: t.canonsAbandoned,
    };
  }

  private emitProgress(): void {
    if (this.phase === 'finished') return;
    const now = performance.now();
    const c = this.ingest.counts;
    // Results stored or about to be: once the file refused rows, what still arrives is not shown.
    // Failed setups are no transactions (as in the summary).
    const n = this.ingest.received - c.notStored - c.setupFailures;
    this.rateSamples.push({ t: now, n });
    while (this.rateSamples.length > 2 && now - this.rateSamples[0]!.t > 1500) this.rateSamples.shift();
    const first = this.rateSamples[0]!;
    const rate = now > first.t ? ((n - first.n) * 1000) / (now - first.t) : 0;
    this.emit('progress', {
      phase: this.phase,
      elapsed: this.startedAtMono ? ((this.stoppedAtMono || now) - this.startedAtMono) / 1000 : 0,
      sinceBind: (now - this.boundAt) / 1000,
      runTime: this.project.config.run_time,
      turrets: this.turrets(),
      transactions: n,
      errors: c.errors - c.setupFailures,
      rate,
      rejects: c.rejects,
    });
    this.judgeLive(now);
  }

  /** The thresholds' verdicts on the results stored so far. */
  private judge(): ReturnType<typeof judgeThresholds> {
    const setup = liveMetricsSetup(this.thresholds);
    if (setup === null) return [];
    return judgeThresholds(
      this.thresholds,
      liveSource(this.ingest.metrics ?? new LiveMetrics(setup).snapshot()),
    );
  }

  /**
   * abort_on_fail: while firing, each progress interval, a threshold past its delay_abort_eval whose
   * statistic is out of bounds stops the run (as a user stop) with outcome threshold_aborted. One
   * with nothing to judge yet (no result, a timer not seen yet) waits.
   */
  private judgeLive(now: number): void {
    if (this.phase !== 'running' || !this.thresholds.some((t) => t.abortOnFail)) return;
    const elapsed = (now - this.startedAtMono) / 1000;
    const due = this.thresholds.filter((t) => t.abortOnFail && elapsed >= t.delayAbortEval);
    if (due.length === 0 || this.ingest.metrics === null) return;
    const failed = judgeThresholds(due, liveSource(this.ingest.metrics)).find(
      (v) => !v.passed && v.actual !== null,
    );
    if (!failed) return;
    const message = `threshold thresholds[${failed.index}] failed during the run (abort_on_fail): ${failed.message}`;
    this.emit('log', message);
    this.stopAndDrain('threshold_aborted', message);
  }

  private every(ms: number, fn: () => void): void {
    this.timers.push(setInterval(fn, ms));
  }

  private after(ms: number, fn: () => void): void {
    this.timers.push(setTimeout(fn, ms));
  }
}

function closeQuietly(socket: zmq.Socket): void {
  try {
    if (!socket.closed) socket.close();
  } catch {
    // already closed
  }
}

/** The epoch seconds (this clock) of a performance.now() time `at`. */
function epochOf(at: number): number {
  return (Date.now() - (performance.now() - at)) / 1000;
}

function portOf(endpoint: string): number {
  const m = /:(\d+)$/.exec(endpoint);
  return m ? Number(m[1]) : 0;
}
