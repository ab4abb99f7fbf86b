/**
 * A turret's last words: its `aborted` or `killed` status takes effect once the turret has gone quiet
 * (spec 7.4). A turret that ends sends nothing after its terminal status and exits within 2 s (4.4,
 * 7.2), so another status from its uuid after it, or a result arriving later than that bound, shows
 * the status was not the turret's: it was forged, and the turret keeps its state. All times are
 * arrival times (the receive thread's clock, ms), so a backlog of results never decides either way.
 */
import type { TurretStatus } from '@oct/protocol';

/** A turret that ends has exited this long after its terminal status (spec 4.4). */
export const EXIT_BOUND_MS = 2000;
/** A terminal status is confirmed once this much time after it has been received and judged. */
export const SETTLE_MS = 3000;

/** A terminal status waiting to be confirmed or refuted. */
export interface LastWords {
  status: TurretStatus;
  /** When it arrived. */
  at: number;
  /** What showed it forged (a status, or results past the exit bound), else null. */
  evidence: string | null;
}

export const isTerminal = (s: Pick<TurretStatus, 'status'>): boolean =>
  s.status === 'aborted' || s.status === 'killed';

export class LastWordsCheck {
  private readonly held = new Map<string, LastWords>();

  /** Whether a terminal status of `uuid` is waiting. */
  holds(uuid: string): boolean {
    return this.held.has(uuid);
  }

  /** Holds a terminal status that arrived at `at` until `settle` confirms or refutes it. */
  hold(status: TurretStatus, at: number): void {
    if (!this.held.has(status.uuid)) this.held.set(status.uuid, { status, at, evidence: null });
  }

  /**
   * Notes a frame from `uuid` that arrived at `at`: a status (other than the same last words
   * repeated) or a result past the exit bound, arriving after a held status, refutes it.
   */
  heard(uuid: string, at: number, status: TurretStatus | null): void {
    const h = this.held.get(uuid);
    if (!h || h.evidence !== null || at <= h.at) return;
    const after = Math.round(at - h.at);
    if (status !== null) {
      if (status.status !== h.status.status)
        h.evidence = `a \`${status.status}\` status ${after} ms after it`;
    } else if (at - h.at > EXIT_BOUND_MS) {
      h.evidence = `results ${after} ms after it, past the ${EXIT_BOUND_MS / 1000} s exit bound`;
    }
  }

  /**
   * Takes the held statuses that are settled once every frame received up to `judgedAt` has been
   * looked at: refuted ones at once, the others SETTLE_MS after they arrived (all of them when
   * `judgedAt` is Infinity, at the end of a run).
   */
  settle(judgedAt: number): { confirmed: LastWords[]; forged: LastWords[] } {
    const confirmed: LastWords[] = [];
    const forged: LastWords[] = [];
    for (const [uuid, h] of this.held) {
      if (h.evidence !== null) forged.push(h);
      else if (judgedAt - h.at >= SETTLE_MS) confirmed.push(h);
      else continue;
      this.held.delete(uuid);
    }
    return { confirmed, forged };
  }
}
