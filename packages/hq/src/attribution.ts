/**
 * Who may speak for a turret (spec 7.3). A PULL socket does not say which peer sent a frame (nor does
 * zeromq.js expose ZeroMQ's per-message metadata), so the HQ ties each uuid to the name of the first
 * status that carried it, in the order frames arrived: a later status naming that uuid otherwise is a
 * rename, never applied; a result must name an announced turret, and by the name its uuid announced.
 * What this cannot tell apart, a frame under a real turret's uuid and name, only a CURVE-authenticated
 * channel (spec 11) keeps out.
 */

/** Why results are kept aside instead of stored as a turret's. */
export type QuarantineReason = 'unannounced' | 'name_conflict';

export class Attribution {
  private readonly nameOf = new Map<string, string>();
  private readonly names = new Set<string>();

  /** Whether no status has carried `uuid` yet (announcing it would bind it). */
  isNew(uuid: string): boolean {
    return !this.nameOf.has(uuid);
  }

  /**
   * Records a status of turret `name` with `uuid`: binds an unknown uuid to the name and returns null,
   * or returns the name `uuid` is bound to when this status names it otherwise (a rename, refused).
   */
  announce(uuid: string, name: string): string | null {
    const bound = this.nameOf.get(uuid);
    if (bound === undefined) {
      this.nameOf.set(uuid, name);
      this.names.add(name);
      return null;
    }
    return bound === name ? null : bound;
  }

  /**
   * Why a result naming `name` and `uuid` cannot be stored as a turret's, or null when it can. A
   * result with neither is an unattributed legacy one (spec 5.6); with a name only (legacy turrets
   * send no uuid), that name must have been announced.
   */
  fault(name: string | null, uuid: string | null): QuarantineReason | null {
    if (uuid === null) return name === null || this.names.has(name) ? null : 'unannounced';
    const bound = this.nameOf.get(uuid);
    if (bound === undefined) return 'unannounced';
    return name === null || name === bound ? null : 'name_conflict';
  }
}
