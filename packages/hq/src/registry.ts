/**
 * The turret registry: the HQ learns turrets from their status messages only (spec 6.1, 6.2: PUB/SUB
 * drops what is published before a subscriber joins), keeps each one's last known state and when it
 * was last heard from, and marks a turret `lost` when it stops answering status_request (spec 8.7).
 *
 * It also tells whose start a turret fires for (spec 8.12, 8.13): with `session`, the run_id its
 * status echoes (8.9); without, a turret is firing for this run when this HQ saw it not running and
 * has sent a start since. Only this run's starts count: `results_sent` reported for any other start
 * (a reused turret's previous run, a turret that outlived another HQ) is never taken.
 */
import type { TurretState, TurretStatus } from '@oct/protocol';

/** A turret's state as the HQ shows it: a canonical state, or `lost`. */
export type ShownState = TurretState | 'lost';

/** What the HQ knows about one turret. */
export interface TurretInfo {
  uuid: string;
  name: string;
  canons: number;
  script: string;
  rampup: number;
  status: ShownState;
  /** Advertised protocol; null for a legacy (OCT 0.4) turret. */
  protocol: string | null;
  capabilities: string[];
  /** accounting: results_sent from the last status that carried it. */
  resultsSent: number | null;
  /** Monotonic ms of the status that carried results_sent (to tell it came after the stop). */
  resultsSentAt: number | null;
  resultsStored: number;
  /** Monotonic ms when last heard from. */
  lastHeard: number;
  /** Epoch seconds of the last status. */
  updatedAt: number;
  /** Monotonic ms of the first status. */
  joinedAt: number;
  reason: string | null;
  /** session: the run_id its last status named (spec 8.9); null when none. */
  runId: string | null;
  /** Whose start its last `running` status was for; null when its last status was not `running`. */
  firing: 'ours' | 'foreign' | null;
  /** It has fired for a start of this run (acknowledged one with a `running` status). */
  inRun: boolean;
  /** This HQ has seen it not running (without session, a start can be ours only after that). */
  seenIdle: boolean;
  /** accounting: results_sent of this run's earlier starts, when it was started more than once. */
  sentDone: number;
  /**
   * Monotonic ms of the first status_request this HQ sent after first hearing from it; null until
   * one is sent (spec 8.14).
   */
  probedAt: number | null;
  /**
   * It hears this HQ: a status of its arrived after `probedAt`, or it fired for a start of this run.
   * Only then does it count toward min_turrets and get a late start (spec 8.14): its first status
   * proves only that its PUSH socket is connected, not that its SUB socket has joined.
   */
  hearsUs: boolean;
  /** Epoch seconds (HQ clock) when it began firing for this run: its running status or first result. */
  firingFrom: number | null;
  /** Epoch seconds of its last result or of its first status not `running` since, whichever is later. */
  firingUntil: number | null;
  /** Canons it abandoned after the stop grace time, from its status after the stop (spec 4.3.6); null if it said none. */
  canonsAbandoned: number | null;
  /**
   * Results received from it before its first start of this run (stored, and received but not
   * stored): another start's, e.g. of an HQ that went away. Measured until that start's `running`
   * status (spec 8.9, 8.12); not counted as its results in this run.
   */
  before: { stored: number; notStored: number };
}

/** Whether this turret speaks protocol 1.x (so it may get direct orders, spec 3.1.3). */
export function isModern(t: Pick<TurretInfo, 'protocol'>): boolean {
  return typeof t.protocol === 'string' && /^1\./.test(t.protocol);
}

/** Whether the turret advertised the accounting extension (spec 8.6). */
export function hasAccounting(t: Pick<TurretInfo, 'protocol' | 'capabilities'>): boolean {
  return isModern(t) && t.capabilities.includes('accounting');
}

/** Dead: gone for good in this run (aborted, killed) or not answering (lost). */
export function isDead(t: Pick<TurretInfo, 'status'>): boolean {
  return t.status === 'aborted' || t.status === 'killed' || t.status === 'lost';
}

export interface StatusUpdate {
  turret: TurretInfo;
  isNew: boolean;
  previous: ShownState | null;
  /** This status acknowledges a start of this run (a `running` status after not firing for it). */
  started: boolean;
  /** It reports `running` for a start this HQ did not send (spec 8.13). */
  foreign: boolean;
}

export class TurretRegistry {
  private readonly byUuid = new Map<string, TurretInfo>();
  /** Set once this HQ has sent a start: a turret seen not running, then running, fires for this run. */
  startSent = false;

  /** `runId`: the run_id this HQ advertises (session, spec 8.8); null when it advertises none. */
  constructor(readonly runId: string | null = null) {}

  /** Records a status message received at monotonic time `now` (ms). */
  update(s: TurretStatus, now: number, epochNow = Date.now() / 1000): StatusUpdate {
    const known = this.byUuid.get(s.uuid);
    const previous = known ? known.status : null;
    const t: TurretInfo = known ?? {
      uuid: s.uuid,
      name: s.turret,
      canons: s.canons,
      script: s.script,
      rampup: s.rampup,
      status: s.status,
      protocol: s.protocol,
      capabilities: s.capabilities,
      resultsSent: null,
      resultsSentAt: null,
      resultsStored: 0,
      lastHeard: now,
      updatedAt: epochNow,
      joinedAt: now,
      reason: null,
      runId: null,
      firing: null,
      inRun: false,
      seenIdle: false,
      sentDone: 0,
      probedAt: null,
      hearsUs: false,
      firingFrom: null,
      firingUntil: null,
      canonsAbandoned: null,
      before: { stored: 0, notStored: 0 },
    };
    const wasFiring = known ? known.firing : null;
    t.name = s.turret;
    t.canons = s.canons;
    t.script = s.script;
    t.rampup = s.rampup;
    t.status = s.status;
    t.protocol = s.protocol;
    t.capabilities = s.capabilities;
    t.lastHeard = Math.max(t.lastHeard, now);
    t.updatedAt = epochNow;
    if (s.reason !== null) t.reason = s.reason;
    t.runId = s.run_id ?? null;
    // Whose start: with session the status says (8.9); without, a running turret stays on the start
    // it was on, and is on one of ours only if seen not running before a start was sent (8.13).
    const named = s.run_id !== undefined && this.runId !== null ? s.run_id === this.runId : null;
    let started = false;
    let foreign = false;
    if (s.status === 'running') {
      const ours = named ?? (wasFiring !== null ? wasFiring === 'ours' : this.startSent && t.seenIdle);
      t.firing = ours ? 'ours' : 'foreign';
      foreign = !ours;
      started = ours && wasFiring !== 'ours';
    } else {
      t.firing = null;
      if (s.status === 'ready' || s.status === 'initialized') t.seenIdle = true;
      // A status naming this run from a turret never seen running for it: it ran a start of ours
      // and stopped in between (its running status unseen); count it all the same.
      if (named === true && !t.inRun) started = true;
    }
    if (started) {
      if (t.inRun) t.sentDone = t.resultsSent ?? t.sentDone; // a second start within this run
      t.inRun = true;
      t.hearsUs = true;
    }
    // Its own firing window in this run: from its running status (or first result, see firedAt)
    // to its first status that no longer says running (or last result).
    if (t.firing === 'ours') t.firingFrom ??= epochNow;
    else if (wasFiring === 'ours' && t.firingFrom !== null)
      t.firingUntil = Math.max(t.firingUntil ?? 0, epochNow);
    // results_sent counts since the turret's last start: take it only when that start is this run's
    // (8.12). A turret that fired for someone else since keeps what it had.
    const forThisRun = named ?? (t.inRun && (wasFiring === 'ours' || (wasFiring === null && !foreign)));
    if (s.canons_abandoned !== undefined && s.status !== 'running' && forThisRun)
      t.canonsAbandoned = s.canons_abandoned;
    if (s.results_sent !== null && s.status !== 'running' && forThisRun) {
      t.resultsSent = t.sentDone + s.results_sent;
      t.resultsSentAt = now;
    }
    if (!known) this.byUuid.set(s.uuid, t);
    return { turret: t, isNew: !known, previous, started, foreign };
  }

  /**
   * Notes that a turret was heard from at `now` (one of its results arrived then, at `epoch` seconds
   * on the HQ's clock). A result of a turret firing for this run, or of one seen ready before a start
   * was sent and not (yet) seen running for another, is part of its firing window in this run: a
   * turret without session may say running only when asked (4.8 is a SHOULD), after its first results.
   */
  heard(uuid: string, now: number, epoch?: number): void {
    const t = this.byUuid.get(uuid);
    if (!t) return;
    t.lastHeard = Math.max(t.lastHeard, now);
    if (epoch === undefined) return;
    const ours = t.firing === 'ours' || (t.firing === null && this.startSent && t.seenIdle && !isDead(t));
    if (!ours) return;
    t.firingFrom ??= epoch;
    t.firingUntil = Math.max(t.firingUntil ?? 0, epoch);
  }

  get(uuid: string): TurretInfo | undefined {
    return this.byUuid.get(uuid);
  }

  /** Marks as lost every live turret not heard from for `lostAfterMs`; returns those newly lost. */
  markLost(now: number, lostAfterMs: number): TurretInfo[] {
    const lost: TurretInfo[] = [];
    for (const t of this.byUuid.values()) {
      if (isDead(t)) continue;
      if (now - t.lastHeard > lostAfterMs) {
        // Firing for this run until it fell silent: its last status (a legacy turret's results carry
        // no uuid, so its statuses are all that is heard of it) or last result, the later.
        if (t.firing === 'ours' && t.firingFrom !== null)
          t.firingUntil = Math.max(t.firingUntil ?? 0, t.updatedAt);
        t.status = 'lost';
        lost.push(t);
      }
    }
    return lost;
  }

  list(): TurretInfo[] {
    return [...this.byUuid.values()];
  }

  /** Turrets not aborted, killed or lost. */
  alive(): TurretInfo[] {
    return this.list().filter((t) => !isDead(t));
  }

  get size(): number {
    return this.byUuid.size;
  }
}
