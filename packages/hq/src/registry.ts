/**
 * The turret registry: the HQ learns turrets from their status messages only (DESIGN §2: PUB/SUB
 * drops what is published before a subscriber joins), keeps each one's last known state and when it
 * was last heard from, and marks a turret `lost` when it stops answering status_request (spec 8.7).
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
}

export class TurretRegistry {
  private readonly byUuid = new Map<string, TurretInfo>();

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
    };
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
    if (s.results_sent !== null) {
      t.resultsSent = s.results_sent;
      t.resultsSentAt = now;
    }
    if (!known) this.byUuid.set(s.uuid, t);
    return { turret: t, isNew: !known, previous };
  }

  /** Notes that a turret was heard from at `now` (one of its results arrived then). */
  heard(uuid: string, now: number): void {
    const t = this.byUuid.get(uuid);
    if (t) t.lastHeard = Math.max(t.lastHeard, now);
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
