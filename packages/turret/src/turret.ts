/**
 * The turret: owns the SUB and PUSH sockets, the state machine of spec 4 and 6, and the worker pool
 * that fires the canons.
 *
 * ```
 * HQ PUB  -- commands -->  turret SUB  (subscribed to "", spec 2.2)
 * HQ PULL <-- statuses, results --  turret PUSH  (spec 2.3)
 * ```
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Push, Subscriber } from 'zeromq';
import {
  CAPABILITIES,
  PROTOCOL_VERSION,
  decodeCommand,
  encodeTurretMessage,
  isAddressedTo,
  type ResolvedTurretConfig,
  type StatusMessage,
  type TurretState,
} from '@oct/protocol';
import type { CurveClientKeys } from './config-file.js';
import { Outbox } from './outbox.js';
import { WorkerPool } from './pool.js';
import { ResultSink, type Extensions } from './results.js';
import type { TransactionContext } from './transaction.js';

/** Exit codes of a turret process (also what `stopped` resolves to). */
export const EXIT = {
  /** Closed by its owner (close(), or SIGINT/SIGTERM for the CLI). */
  closed: 0,
  /** Killed by the HQ (spec 4.4); 1 as the legacy turret does. */
  killed: 1,
  /** Bad command line or config (CLI only). */
  usage: 2,
  /** Could not go on, e.g. the script failed to load (spec 7.2). */
  aborted: 3,
} as const;

/** Canons get this long to finish their current transaction after `stop` (spec 4.3). */
export const STOP_GRACE_MS = 5000;
/**
 * Tear-downs get this long in all. With the grace time and a worker's replacement, `ready` still
 * comes within the 10 s of spec 4.3.1.
 */
export const TEARDOWN_MS = 3000;
/** While ready, the turret repeats its status this often (spec 6.2). */
export const READY_REPEAT_MS = 2000;
/**
 * Under a legacy HQ (spec 12.4) the turret says nothing while it loads, unless loading lasts this long:
 * then it says `initialized`, so that its first status still comes within the 5 s of spec 6.1.
 */
export const QUIET_LOAD_MS = 3000;
/**
 * A turret that must abort before it heard any status_request waits this long for one: a 1.x HQ
 * advertises itself (the reference HQ every second), and then it can say why (spec 12.1, 7.2).
 */
export const ABORT_LISTEN_MS = 1500;
/**
 * The first status waits this long at most for the SUB socket's handshake with the HQ: an OCT 0.4 HQ
 * answers a late turret's first status with its start, once, as a direct order (spec 12.6).
 */
export const SUB_WAIT_MS = 2000;
/** After the handshake, the subscription it carries gets this long to reach the HQ's PUB (spec 12.6). */
const SUBSCRIBE_MS = 50;
/** `hq_timeout` when the config has none: seconds without a frame from a `session` HQ (spec 8.11). */
export const DEFAULT_HQ_TIMEOUT_S = 30;
/**
 * ZeroMQ's own send queue (sndhwm), in frames: a frame is one result or a batch of up to 1000. The
 * outbox in front of it holds the rest and pauses the canons, so this only needs to keep the pipe full.
 */
const SEND_HWM = 100;
/** After a failed handshake, a socket connects again this much later (libzmq would not, spec 11.5). */
const RECONNECT_MS = 1000;
/** How long pending frames may take to leave at exit (kill must exit within 2 s, spec 4.4). */
const EXIT_FLUSH_MS = 800;

/** No extension in effect: the plain protocol (spec 8.3). */
const NO_EXTENSIONS: Extensions = { batch: false, protobuf: false, accounting: false };

/** The config names an HQ address ZeroMQ cannot connect to (thrown by startTurret). */
export class TurretConfigError extends Error {
  override name = 'TurretConfigError';
}

export interface TurretOptions {
  /** Directory the config's relative paths (`script`) are resolved against. */
  configDir: string;
  /** Where one-line diagnostics go; stderr by default. */
  log?: (line: string) => void;
  /** Connect as a CURVE client with these keys (spec 11.4); plain ZeroMQ when absent. */
  curve?: CurveClientKeys | null;
}

/** A running turret. */
export interface Turret {
  /** This process lifetime's identity; the topic of direct orders (spec 3.1). */
  readonly uuid: string;
  /** The current state (spec 5.2). */
  readonly state: TurretState;
  /** Resolves with the exit code once the turret is done: 1 killed, 3 aborted, 0 closed. */
  readonly stopped: Promise<number>;
  /** Shuts the turret down at once (no status sent); resolves when sockets and workers are closed. */
  close(): Promise<void>;
}

/**
 * Starts a turret: connects to the HQ, loads the script in the worker threads, then reports `ready`
 * and obeys commands. Never throws for a script problem: that ends in an `aborted` status (spec 7.2).
 * Throws TurretConfigError when `hq_address` is not an address at all.
 */
export function startTurret(config: ResolvedTurretConfig, options: TurretOptions): Turret {
  return new TurretImpl(config, options);
}

class TurretImpl implements Turret {
  readonly uuid = randomUUID();
  state: TurretState = 'initialized';
  readonly stopped: Promise<number>;

  private readonly log: (line: string) => void;
  private readonly sub: Subscriber;
  private readonly push: Push;
  private readonly outbox: Outbox;
  private readonly sink: ResultSink;
  private readonly pool: WorkerPool;
  private ext: Extensions = NO_EXTENSIONS;
  /**
   * An HQ advertised protocol 1.x (spec 8.2, 5.3). Until then, and again after a status_request without
   * an advertisement (8.15), the turret speaks the dialect an OCT 0.4 HQ stores (12.1, 12.2).
   */
  private modern = false;
  /** A status_request was received: the HQ's dialect is known (spec 8.2, 8.15). */
  private heardRequest = false;
  /** Why the turret aborted (spec 7.2); said only in protocol 1.x (`reason`, spec 12.1). */
  private abortReason: string | null = null;
  /** Pending last word of an abort that waits to hear the HQ first (abort()). */
  private abortTimer: NodeJS.Timeout | undefined;
  /** Resolves once the SUB socket has completed a handshake with the HQ (spec 12.6). */
  private subShaken!: () => void;
  private readonly subReady = new Promise<void>((r) => (this.subShaken = r));
  /** Some status went out already (spec 12.4: a quiet load says `initialized` only when it lasts). */
  private saidAnything = false;
  /** Canons abandoned after the grace time at the last stop (status `canons_abandoned`, spec 4.3). */
  private canonsAbandoned = 0;
  /** `session` in effect (spec 8.8 to 8.11): the HQ names its run and keeps a heartbeat. */
  private session = false;
  /** The run_id of the last start obeyed (spec 8.9); null when it had none or before any start. */
  private runId: string | null = null;
  /** The run_id of a start received while a stop was under way (obeyed once it is done). */
  private pendingRunId: string | null = null;
  /** Monotonic ms of the last frame received from the HQ (spec 8.11). */
  private lastHeardAt = performance.now();
  private readonly hqTimeoutMs: number;
  private watchdog: NodeJS.Timeout | undefined;
  private context: TransactionContext = {};
  private stopping = false;
  private pendingStart = false;
  private hasStarted = false;
  private finished = false;
  private readyTimer: NodeJS.Timeout | undefined;
  private resolveStopped!: (code: number) => void;
  private readonly loggedOnce = new Set<string>();
  /** Sockets waiting to connect again after a failed handshake (reconnectSoon). */
  private readonly reconnecting = new Map<Subscriber | Push, NodeJS.Timeout>();

  constructor(
    private readonly config: ResolvedTurretConfig,
    options: TurretOptions,
  ) {
    this.log = options.log ?? ((line) => process.stderr.write(`oct-turret: ${line}\n`));
    // With keys, both sockets are CURVE clients of the HQ holding `serverKey` (spec 11.4).
    const curve = options.curve
      ? {
          curveServerKey: options.curve.serverKey,
          curvePublicKey: options.curve.publicKey,
          curveSecretKey: options.curve.secretKey,
        }
      : {};
    this.sub = new Subscriber({ linger: 0, ...curve });
    this.push = new Push({ sendHighWaterMark: SEND_HWM, linger: EXIT_FLUSH_MS, ...curve });
    const host = config.hq_address.includes(':') ? `[${config.hq_address}]` : config.hq_address;
    const endpoints = { sub: `tcp://${host}:${config.hq_publisher}`, push: `tcp://${host}:${config.hq_rc}` };
    void this.watchHandshakes(this.sub, options.curve != null, endpoints.sub);
    void this.watchHandshakes(this.push, options.curve != null, endpoints.push);
    const timeout = config.hq_timeout;
    this.hqTimeoutMs = (typeof timeout === 'number' && timeout >= 0 ? timeout : DEFAULT_HQ_TIMEOUT_S) * 1000;
    this.stopped = new Promise((r) => (this.resolveStopped = r));
    this.outbox = new Outbox(
      this.push,
      (high) => (high ? this.pool.pause() : this.pool.resume()),
      (line) => this.log(line),
    );
    this.sink = new ResultSink(
      config.name,
      this.uuid,
      this.outbox,
      () => this.ext,
      () => !this.modern,
    );
    this.pool = new WorkerPool(
      Math.max(1, config.workers ?? 1),
      { scriptPath: resolve(options.configDir, config.script), config },
      {
        results: (results) => {
          if (this.state === 'running') this.sink.add(results);
        },
        log: (line) => this.log(line),
        fatal: (reason) => this.abort(reason),
      },
    );
    try {
      this.sub.connect(endpoints.sub);
      this.sub.subscribe(''); // broadcasts and direct orders alike (spec 2.2); the topic is checked below
      this.push.connect(endpoints.push);
    } catch (e) {
      this.sub.close();
      this.push.close();
      throw new TurretConfigError(
        `turret.hq_address "${config.hq_address}" (ports ${config.hq_publisher}, ${config.hq_rc}) is not a usable address: ${(e as Error).message}`,
      );
    }
    void this.receive();
    void this.boot();
  }

  /**
   * Says once per socket and kind why a handshake with the HQ failed (spec 11.5): a CURVE turret
   * facing an HQ with another key or none, or a plain one facing a CURVE HQ; and keeps trying.
   * libzmq itself gives up on an endpoint after a mechanism mismatch or a ZAP refusal, so the socket
   * is disconnected and connected again a second later (an HQ fixed or replaced is then joined).
   */
  private async watchHandshakes(socket: Subscriber | Push, curve: boolean, endpoint: string): Promise<void> {
    const which = socket === this.sub ? 'SUB (commands)' : 'PUSH (results)';
    const curveWhy = 'the HQ does not hold the secret key matching curve_server_key, or does not speak CURVE';
    // An HQ that cannot open a CURVE hello (another key) drops the connection without a word: only
    // connections that never complete a handshake show it.
    let unshaken = 0;
    try {
      for await (const event of socket.events) {
        if (event.type === 'handshake') {
          unshaken = 0;
          if (socket === this.sub) this.subShaken();
        } else if (event.type === 'connect' && curve && ++unshaken === 3)
          this.once(
            `handshake:${which}:silent`,
            `connected to the HQ on ${which} 3 times without a handshake: ${curveWhy}; retrying`,
          );
        // auth: the HQ's ZAP handler refused this key; protocol: the other side speaks another
        // mechanism. Broken pipes say nothing about the HQ.
        if (event.type !== 'handshake:error:protocol' && event.type !== 'handshake:error:auth') continue;
        const code = (event.error as { code?: string }).code ?? event.type;
        const why =
          event.type === 'handshake:error:auth'
            ? "the HQ refused this turret's key (not in its keys/turrets/)"
            : curve
              ? curveWhy
              : 'the HQ speaks CURVE (security.curve) and this turret has no keys: set curve_server_key and curve_secret_key';
        this.once(
          `handshake:${which}:${event.type}`,
          `handshake with the HQ on ${which} failed (${code}): ${why}; retrying`,
        );
        this.reconnectSoon(socket, endpoint);
      }
    } catch {
      // the socket closed
    }
  }

  /** Connects `socket` to `endpoint` afresh in a second, once however many failures come meanwhile. */
  private reconnectSoon(socket: Subscriber | Push, endpoint: string): void {
    if (this.reconnecting.has(socket)) return;
    const timer = setTimeout(() => {
      this.reconnecting.delete(socket);
      if (socket.closed || this.finished) return;
      try {
        socket.disconnect(endpoint);
      } catch {
        // not connected any more
      }
      socket.connect(endpoint);
    }, RECONNECT_MS);
    timer.unref();
    this.reconnecting.set(socket, timer);
  }

  private async boot(): Promise<void> {
    // No HQ advertised 1.x yet: an OCT 0.4 HQ takes any status for a turret it may start, so the
    // first one is `ready`, unless loading lasts (spec 12.4, 6.1).
    const quiet = setTimeout(() => {
      if (this.state === 'initialized' && !this.saidAnything) this.sendStatus();
    }, QUIET_LOAD_MS);
    try {
      await this.pool.load();
    } catch (e) {
      this.abort((e as Error).message);
      return;
    } finally {
      clearTimeout(quiet);
    }
    if (this.finished) return;
    // The first status waits for the subscription, so that a start sent in answer is heard (12.6).
    let wait: NodeJS.Timeout | undefined;
    const subscribed = this.subReady.then(() => new Promise<void>((r) => setTimeout(r, SUBSCRIBE_MS)));
    await Promise.race([subscribed, new Promise<void>((r) => (wait = setTimeout(r, SUB_WAIT_MS)))]);
    clearTimeout(wait);
    if (this.finished || this.state !== 'initialized') return;
    this.becomeReady();
    if (this.pendingStart) {
      // A start received while loading is obeyed now (spec 12.3).
      this.pendingStart = false;
      this.start(this.pendingRunId);
    }
  }

  private becomeReady(): void {
    this.state = 'ready';
    this.sendStatus();
    clearInterval(this.readyTimer);
    this.readyTimer = setInterval(() => {
      if (this.state === 'ready' && !this.stopping) this.sendStatus();
    }, READY_REPEAT_MS);
  }

  private async receive(): Promise<void> {
    while (!this.sub.closed) {
      let frame: Buffer;
      try {
        [frame] = (await this.sub.receive()) as [Buffer];
      } catch (e) {
        if (!this.sub.closed) this.log(`receiving commands failed: ${(e as Error).message}`);
        return;
      }
      try {
        this.onFrame(frame);
      } catch (e) {
        // A turret never dies of a command (spec 4.6, 4.7).
        this.once('handler', `error while handling a command: ${(e as Error).message}`);
      }
    }
  }

  private onFrame(frame: Buffer): void {
    // Any frame at all proves the HQ alive (spec 8.11), whoever it is for and whatever it holds.
    this.lastHeardAt = performance.now();
    const decoded = decodeCommand(frame);
    if (!decoded.ok) {
      this.once(
        `malformed:${decoded.error.code}`,
        `ignoring a malformed command frame: ${decoded.error.message} (spec 4.7)`,
      );
      return;
    }
    const { topic, command, known } = decoded.value;
    if (!isAddressedTo(topic, this.uuid)) return; // another turret's direct order (spec 3.1.2)
    if (!known) {
      this.once(`unknown:${command.command}`, `ignoring unknown command "${command.command}" (spec 4.6)`);
      return;
    }
    if (this.finished) return;
    if (this.state === 'aborted') {
      // Aborting, and listening for the HQ's dialect to say why (abort()): this answer is its last word.
      if (command.command !== 'status_request') return;
      clearTimeout(this.abortTimer);
      this.negotiate(command.msg);
      this.sendStatus();
      void this.finish(EXIT.aborted);
      return;
    }
    switch (command.command) {
      case 'status_request':
        this.heardRequest = true;
        this.negotiate(command.msg);
        this.sendStatus();
        return;
      case 'start':
        this.start(typeof command.run_id === 'string' && command.run_id !== '' ? command.run_id : null);
        return;
      case 'stop':
        if (this.state === 'running' && !this.stopping) void this.stop();
        else if (!this.stopping) this.sendStatus();
        this.pendingStart = false;
        return;
      case 'kill':
        void this.kill();
        return;
      case 'set_transaction_context':
        this.context = command.msg ?? {};
        this.sendStatus();
        return;
    }
  }

  /**
   * Uses the extensions both sides advertised (spec 8.2, 8.3). A status_request without a 1.x
   * advertisement (a legacy HQ's, which may have taken the ports) brings back the legacy dialect with
   * no extension (spec 8.15, section 12) and takes `session` out of effect: a legacy HQ sends no status_request
   * once its run goes on, so it must never make the turret stop (spec 8.11).
   */
  private negotiate(msg: unknown): void {
    const ad = (msg !== null && typeof msg === 'object' && !Array.isArray(msg) ? msg : {}) as {
      protocol?: unknown;
      capabilities?: unknown;
      run_id?: unknown;
    };
    if (typeof ad.protocol !== 'string' || !ad.protocol.startsWith('1.')) {
      this.sink.flush(); // a batch pending goes out as it was negotiated
      this.ext = NO_EXTENSIONS;
      this.modern = false;
      this.setSession(false);
      return;
    }
    if (!this.modern) {
      this.modern = true;
      // Results sent so far carried no uuid: seq and results_sent count from here (spec 12.5).
      this.sink.sent = 0;
    }
    const theirs = Array.isArray(ad.capabilities) ? ad.capabilities : [];
    const both = (c: string): boolean =>
      theirs.includes(c) && (CAPABILITIES as readonly string[]).includes(c);
    const next: Extensions = {
      batch: both('batch'),
      protobuf: both('batch') && both('protobuf'),
      accounting: both('accounting'),
    };
    if (next.batch !== this.ext.batch || next.protobuf !== this.ext.protobuf) this.sink.flush();
    this.ext = next;
    this.setSession(both('session'));
    const hqRun = typeof ad.run_id === 'string' && ad.run_id !== '' ? ad.run_id : null;
    if (
      this.session &&
      hqRun !== null &&
      hqRun !== this.runId &&
      this.state === 'running' &&
      !this.stopping
    ) {
      // Another HQ took the ports: this start is not its run's (spec 8.10).
      this.log(
        `a new HQ (run ${hqRun}) advertised itself while this turret fires for ${this.runId === null ? 'a start without run_id' : `run ${this.runId}`}: stopping (spec 8.10)`,
      );
      this.pendingStart = false;
      void this.stop();
    }
  }

  private setSession(on: boolean): void {
    this.session = on;
    this.armWatchdog();
  }

  /**
   * While running with `session` in effect, checks that the HQ was heard from within hq_timeout
   * (spec 8.11). Frames only move lastHeardAt; the timer wakes at the earliest moment silence could
   * have lasted long enough, and sleeps again if something was heard since.
   */
  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    if (!this.session || this.hqTimeoutMs <= 0 || this.state !== 'running' || this.stopping || this.finished)
      return;
    const due = this.lastHeardAt + this.hqTimeoutMs - performance.now();
    this.watchdog = setTimeout(() => this.onWatchdog(), Math.max(0, due) + 1);
  }

  private onWatchdog(): void {
    this.watchdog = undefined;
    if (!this.session || this.state !== 'running' || this.stopping || this.finished) return;
    const silent = performance.now() - this.lastHeardAt;
    if (silent < this.hqTimeoutMs) {
      this.armWatchdog();
      return;
    }
    this.log(
      `nothing heard from the HQ for ${Math.round(silent / 1000)} s (hq_timeout ${this.hqTimeoutMs / 1000} s): stopping, results are sent and the turret returns to ready (spec 8.11)`,
    );
    this.pendingStart = false;
    void this.stop();
  }

  private start(runId: string | null): void {
    if (this.stopping || this.state === 'initialized') {
      // Obeyed once the stop is done, as the legacy turret does, or once loaded (spec 12.3).
      if (this.state === 'initialized') this.sendStatus();
      this.pendingStart = true;
      this.pendingRunId = runId;
      return;
    }
    if (this.state !== 'ready') {
      this.sendStatus(); // a start while running is ignored (spec 4.2.1)
      return;
    }
    this.state = 'running';
    this.hasStarted = true;
    this.canonsAbandoned = 0;
    this.runId = runId;
    this.sink.reset();
    const startAbsMs = performance.timeOrigin + performance.now();
    this.pool.start(this.config.canons, this.config.rampup, this.context, startAbsMs);
    // The running status (with this start's run_id) goes before any of its results (spec 8.9).
    this.sendStatus();
    this.lastHeardAt = performance.now(); // the start itself came from the HQ
    this.armWatchdog();
  }

  private async stop(): Promise<void> {
    this.stopping = true;
    this.armWatchdog(); // off while stopping
    this.sendStatus();
    try {
      this.canonsAbandoned = await this.pool.stop(STOP_GRACE_MS, TEARDOWN_MS);
    } catch (e) {
      this.abort(`stopping the canons failed: ${(e as Error).message}`);
      return;
    }
    if (this.finished) return;
    this.sink.flush();
    this.stopping = false;
    this.becomeReady(); // results in flight are queued before this status (spec 4.3, 4.3.1)
    if (this.pendingStart) {
      this.pendingStart = false;
      this.start(this.pendingRunId);
    }
  }

  private async kill(): Promise<void> {
    this.sink.discard();
    // The queue is in order, so the dropped results are the last ones: the sent seqs stay gapless.
    this.sink.sent -= this.outbox.dropResults();
    this.state = 'killed';
    this.sendStatus();
    await this.finish(EXIT.killed);
  }

  private abort(reason: string): void {
    if (this.finished || this.state === 'aborted') return;
    this.log(`aborting: ${reason}`);
    this.state = 'aborted';
    this.abortReason = reason;
    this.sink.flush();
    if (this.modern || this.heardRequest) {
      this.sendStatus();
      void this.finish(EXIT.aborted);
      return;
    }
    // No status_request heard yet: a 1.x HQ advertises itself within a second or two, and then hears
    // the reason, which the legacy dialect has no key for (spec 12.1). A status_request answered with
    // this `aborted` is the last word (onFrame); else it is said in the legacy dialect.
    this.abortTimer = setTimeout(() => {
      this.sendStatus();
      void this.finish(EXIT.aborted);
    }, ABORT_LISTEN_MS);
  }

  private status(): StatusMessage {
    // OCT 0.4's HQ makes a table row of every key: exactly these, `cannons` spelt so (spec 12.1).
    if (!this.modern)
      return {
        turret: this.config.name,
        uuid: this.uuid,
        cannons: this.config.canons,
        script: this.config.script,
        rampup: this.config.rampup,
        status: this.state,
      };
    const s: StatusMessage = {
      turret: this.config.name,
      status: this.state,
      uuid: this.uuid,
      rampup: this.config.rampup,
      script: this.config.script,
      canons: this.config.canons,
      protocol: PROTOCOL_VERSION,
      capabilities: [...CAPABILITIES],
    };
    // Only once a run is over: while running the count still moves (spec 8.6).
    if (this.ext.accounting && this.hasStarted && this.state !== 'running') s.results_sent = this.sink.sent;
    if (this.state === 'aborted' && this.abortReason !== null) s.reason = this.abortReason;
    // Which start this status (and its results_sent) belongs to; only to an HQ that asked (spec 8.9).
    if (this.session && this.runId !== null) s.run_id = this.runId;
    // Canons left behind at the last stop (spec 4.3); said only when some were.
    if (this.canonsAbandoned > 0 && this.state !== 'running') s.canons_abandoned = this.canonsAbandoned;
    return s;
  }

  private sendStatus(): void {
    if (this.finished) return;
    this.sink.flush(); // so that results_sent counts every result before this status
    this.saidAnything = true;
    this.outbox.push(encodeTurretMessage(this.status()));
  }

  private once(key: string, line: string): void {
    if (this.loggedOnce.has(key)) return;
    this.loggedOnce.add(key);
    this.log(line);
  }

  /** Sends what is queued (bounded), then closes sockets and workers. */
  private async finish(code: number): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.readyTimer);
    clearTimeout(this.watchdog);
    clearTimeout(this.abortTimer);
    const workers = this.pool.close().catch(() => undefined);
    await this.outbox.drained(EXIT_FLUSH_MS);
    this.closeSockets();
    await workers;
    this.resolveStopped(code);
  }

  private closeSockets(): void {
    this.outbox.close();
    this.sub.close();
    this.push.close();
  }

  async close(): Promise<void> {
    if (this.finished) {
      await this.stopped;
      return;
    }
    this.finished = true;
    clearInterval(this.readyTimer);
    clearTimeout(this.watchdog);
    clearTimeout(this.abortTimer);
    this.sink.discard();
    this.push.linger = 0;
    this.closeSockets();
    await this.pool.close().catch(() => undefined);
    this.resolveStopped(EXIT.closed);
  }
}
