/**
 * The scenario's world: the fake HQ, the turret process and what the steps learnt (the turret's
 * uuid, when each command was sent). Parameters come from runConformance via worldParameters.
 */
import { randomUUID } from 'node:crypto';
import { World, type IWorldOptions } from '@cucumber/cucumber';
import {
  newScenarioKeys,
  writeTurretKeyFiles,
  KEY_FILES,
  type KeyFileFault,
  type ScenarioKeys,
} from '../curve.js';
import { FakeHq, type HqCurve } from '../fake-hq.js';
import { TurretProcess, type KitTurretConfig } from '../turret-process.js';
import { VerifyFailure, secs, showFrame } from '../evidence.js';
import { NOTE_MEDIA } from '../verdict.js';
import type { Fixtures, FixtureName } from '../fixtures.js';

/** What runConformance hands every scenario (JSON-serialisable). */
export interface KitParameters {
  /** The turret command line with a `{config}` placeholder. */
  turret: string;
  /** Absolute fixture script paths. */
  fixtures: Fixtures;
  /** Seconds added to every time bound, for transport and a loaded machine. */
  slack: number;
  /** Run the @ext-curve scenarios (spec 11); without it they are reported not tested. */
  curve?: boolean;
}

/**
 * Which HQ the kit plays: plain ZeroMQ, CURVE with the key given to the turret, with another, or
 * with the turret's server key but a ZAP handler that refuses the turret's key (spec 11.5).
 */
export type HqSecurity = 'plain' | 'curve' | 'curve-other-key' | 'curve-refusing';

/** The world of one scenario. */
export class ConformanceWorld extends World<KitParameters> {
  hq: FakeHq | undefined;
  turret: TurretProcess | undefined;
  config: KitTurretConfig | undefined;
  /** The uuid from the turret's first status. */
  uuid: string | undefined;
  /** Capabilities the HQ advertises in status_request (spec 8.2). */
  hqCapabilities: string[] = [];
  /**
   * The kit is a protocol 1.x HQ: it advertises protocol 1.0 in every status_request, so a 1.x
   * turret speaks 1.x (spec 8.2, 8.15); false plays an HQ that advertises nothing (msg null).
   */
  hqAdvertises = true;
  /** session: the run_id of the HQ's run, in its advertisement and its starts (spec 8.8). */
  hqRunId: string = randomUUID();
  /** Keys the scenario adds to the turret config (e.g. hq_timeout). */
  configExtra: Partial<KitTurretConfig> = {};
  /** curve: how the next fake HQ secures its sockets (spec 11). */
  hqSecurity: HqSecurity = 'plain';
  /** curve: the config names key files, spoiled this way; undefined when it names none. */
  turretKeys: KeyFileFault | undefined;
  /** Fake HQs that listened before the current one (an HQ taking over the same ports). */
  readonly formerHqs: FakeHq[] = [];
  private scenarioKeys: ScenarioKeys | undefined;
  /** performance.now() at the start of the scenario: transcript times are relative to it. */
  readonly origin = performance.now();
  /** When each command was last sent. */
  readonly lastSent = new Map<string, number>();
  /** When any command was last sent. */
  lastCommandAt = 0;
  /**
   * Arrival of the turret's answer to the last status_request of its setup (a ready turret): every
   * status from it on was sent after the turret had heard the HQ's advertisement (PUSH keeps order).
   */
  readyAt = 0;
  /** tear_down_mark: the marks already made when the stop was sent (spec 10.6). */
  marksAtStop: number | undefined;
  /** 4.1.1: when the first status_request with an invalid advertisement was sent. */
  invalidAdvertAt: number | undefined;
  /** 8.15: arrival of the turret's answer to the second status_request with msg null. */
  plainSince: number | undefined;
  /** The clauses this scenario checks (from its @clause- tags), e.g. "4.3, 6.1". */
  clause = '?';

  constructor(options: IWorldOptions<KitParameters>) {
    super(options);
  }

  /** Slack in ms. */
  get slackMs(): number {
    return (this.parameters.slack ?? 0.25) * 1000;
  }

  /** curve: the scenario's key pairs, made on first use. */
  get keys(): ScenarioKeys {
    return (this.scenarioKeys ??= newScenarioKeys());
  }

  /** The CURVE options of a fake HQ with `security`, undefined for plain ZeroMQ. */
  private hqCurve(security: HqSecurity): HqCurve | undefined {
    if (security === 'plain') return undefined;
    const pair = security === 'curve-other-key' ? this.keys.other : this.keys.hq;
    // A refusing HQ admits only the other pair's key, never presented by the turret.
    const admit = security === 'curve-refusing' ? this.keys.other.publicKey : this.keys.turret.publicKey;
    return { secretKey: pair.secretKey, admit };
  }

  /** Binds the fake HQ if it is not yet listening. */
  async ensureHq(ports?: { publish: number; rc: number }): Promise<FakeHq> {
    if (!this.hq) {
      const hq = new FakeHq(this.hqCurve(this.hqSecurity));
      try {
        await hq.listen(ports);
      } catch (e) {
        await hq.close();
        throw e;
      }
      this.hq = hq;
    }
    return this.hq;
  }

  /** Another HQ, with `security`, takes over the current one's ports (it closes first). */
  async takeOver(security: HqSecurity): Promise<FakeHq> {
    const old = this.requireHq();
    await old.close();
    this.formerHqs.push(old);
    this.hqSecurity = security;
    this.hq = undefined;
    return this.ensureHq({ publish: old.publishPort, rc: old.rcPort });
  }

  /** The turret config for a fixture, with the ports of the fake HQ filled in later. */
  configure(canons: number, rampup: number, fixture: string): void {
    const script = this.parameters.fixtures[fixture as FixtureName];
    if (!script) throw new Error(`the kit has no fixture named "${fixture}"`);
    this.config = {
      name: 'conformance',
      canons,
      rampup,
      script,
      hq_address: '127.0.0.1',
      hq_publisher: 0,
      hq_rc: 0,
      ...this.configExtra,
    };
  }

  /** Writes the config with the given ports and launches the turret command. */
  launch(publish: number, rc: number): TurretProcess {
    if (!this.config) throw new Error('no turret configured');
    this.turret = new TurretProcess(this.parameters.turret);
    const keys: Partial<KitTurretConfig> = {};
    if (this.turretKeys !== undefined) {
      writeTurretKeyFiles(this.turret.dir, this.keys, this.turretKeys);
      Object.assign(keys, { curve_server_key: KEY_FILES.server, curve_secret_key: KEY_FILES.secret });
    }
    this.turret.writeConfig({ ...this.config, ...keys, hq_publisher: publish, hq_rc: rc });
    this.turret.launch();
    return this.turret;
  }

  /**
   * The msg of a status_request: the HQ's advertisement of protocol 1.0 and its capabilities (none
   * unless the scenario says), or null for an HQ that advertises nothing, as OCT 0.4's.
   */
  statusRequestMsg(): unknown {
    if (!this.hqAdvertises) return null;
    const runId = this.session ? { run_id: this.hqRunId } : {};
    return { protocol: '1.0', capabilities: this.hqCapabilities, ...runId };
  }

  /** The HQ advertises `session`: its advertisement and starts name its run (spec 8.8). */
  get session(): boolean {
    return this.hqCapabilities.includes('session');
  }

  /** Default msg of each command, as the OCT HQ sends it. */
  defaultMsg(command: string): unknown {
    switch (command) {
      case 'status_request':
        return this.statusRequestMsg();
      case 'start':
        return 'open fire';
      case 'stop':
        return 'premature stop';
      case 'set_transaction_context':
        return {};
      default:
        return null;
    }
  }

  /** Sends a command (broadcast unless topic) and records when. */
  async command(command: string, topic = '', extra: Record<string, unknown> = {}): Promise<number> {
    const hq = this.requireHq();
    const at = performance.now();
    const runId = command === 'start' && this.session ? { run_id: this.hqRunId } : {};
    if (command === 'stop') this.marksAtStop = this.turret?.marks().length;
    await hq.send(command, this.defaultMsg(command), topic, { ...runId, ...extra });
    this.lastSent.set(command, at);
    this.lastCommandAt = at;
    return at;
  }

  requireHq(): FakeHq {
    if (!this.hq) throw new Error('the HQ is not listening (a Given step is missing)');
    return this.hq;
  }

  requireTurret(): TurretProcess {
    if (!this.turret) throw new Error('no turret was launched (a Given step is missing)');
    return this.turret;
  }

  /** Time of the last `command`, or fails the step. */
  sentAt(command: string): number {
    const at = this.lastSent.get(command);
    if (at === undefined) throw new Error(`the scenario never sent "${command}"`);
    return at;
  }

  /** Fails with the clause, what was expected, and the evidence. */
  fail(clause: string, expected: string, observed: string): never {
    throw new VerifyFailure(`(spec ${clause}) expected: ${expected}\nobserved: ${observed}`);
  }

  /** The last few frames received, as evidence of what did arrive instead. */
  lastFrames(n = 3, since = 0): string {
    const hq = this.requireHq();
    const frames = hq.received.filter((r) => r.at >= since).slice(-n);
    // With CURVE in play, the handshakes tell why nothing arrived.
    const connections =
      hq.curve || this.turretKeys !== undefined ? `\nconnections: ${hq.connectionSummary()}` : '';
    if (frames.length === 0)
      return `${since > 0 ? 'nothing was received in that time' : 'nothing was ever received'}${connections}`;
    return `last received:\n  ${frames.map((r) => showFrame(r, this.origin)).join('\n  ')}${connections}`;
  }

  /**
   * True when the turret speaks protocol 1.x: a status carried `protocol`, or a result carried
   * `uuid` (a 1.x field). A turret that never did is judged by the legacy profile.
   */
  get advertised1x(): boolean {
    const hq = this.requireHq();
    const status = hq.received.some((r) => {
      const j = r.json as Record<string, unknown> | undefined;
      return j !== null && typeof j === 'object' && 'status' in j && typeof j.protocol === 'string';
    });
    return status || hq.results().some((r) => r.result.uuid !== null);
  }

  /** Tells the verdict that (part of) this scenario does not apply to the turret, and why. */
  notApplicable(why: string): void {
    this.attach(why, { mediaType: NOTE_MEDIA.notApplicable });
  }

  /**
   * Why the first frame since `since` that is neither a valid status nor a valid result was
   * rejected, and the clause it breaks; undefined when there is none.
   */
  rejection(since = 0): { clause: string; why: string } | undefined {
    for (const r of this.requireHq().invalidFrames(since)) {
      if (r.decoded.ok) continue;
      const j = r.json as Record<string, unknown> | undefined;
      if (j && typeof j === 'object' && !Array.isArray(j) && typeof j.status === 'string') continue;
      const clause =
        r.raw[0] === 0x01
          ? '3.3'
          : j === undefined || j === null || typeof j !== 'object' || Array.isArray(j)
            ? '3.2'
            : Array.isArray(j.results)
              ? '8.4'
              : '5.3';
      return {
        clause,
        why: `${r.decoded.error.message}
in ${showFrame(r, this.origin)}`,
      };
    }
    return undefined;
  }

  /** A note about the process having exited, when it has. */
  exitNote(): string {
    const exit = this.turret?.exit;
    if (!exit) return '';
    return `\nthe turret process exited at +${secs(exit.at - this.origin)} with ${exit.signal ?? `code ${String(exit.code)}`}`;
  }
}
