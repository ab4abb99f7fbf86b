/**
 * Legacy forms -> canonical forms (spec 5.6): numeric strings become numbers, `cannons` becomes
 * `canons`, status words are lower-cased, a missing `turret_name` becomes null (unattributed).
 * Input must already be schema-valid.
 */
import { TURRET_STATES, type TurretState } from './constants.js';
import type { ResultMessage, StatusMessage } from './generated/types.js';

/** A status message in canonical form. */
export interface TurretStatus {
  turret: string;
  status: TurretState;
  uuid: string;
  rampup: number;
  script: string;
  canons: number;
  /** Protocol version advertised; null for a legacy (OCT 0.4) turret. */
  protocol: string | null;
  capabilities: string[];
  /** accounting: results sent since the last start; null when not reported. */
  results_sent: number | null;
  reason: string | null;
  /** session: the run_id of the start the turret last obeyed (spec 8.9); absent when not reported. */
  run_id?: string;
  /** Canons abandoned after the stop grace time at the last stop (spec 4.3); absent when not reported. */
  canons_abandoned?: number;
}

/** A result in canonical form. */
export interface Result {
  /** null for an unattributed result (legacy canons send none). */
  turret_name: string | null;
  uuid: string | null;
  elapsed: number;
  epoch: number;
  scriptrun_time: number;
  error: string;
  custom_timers: Record<string, number>;
  /** accounting: sequence number, null when absent. */
  seq: number | null;
  /** True when the result reports a failed setup, not a transaction (spec 5.3); absent otherwise. */
  setup_failed?: true;
}

const toNumber = (v: number | string): number => (typeof v === 'number' ? v : Number(v));

/** Canonical state for a status word, compared case-insensitively (spec 5.2). */
export function canonicalState(word: string): TurretState | undefined {
  const lower = word.toLowerCase();
  return (TURRET_STATES as readonly string[]).includes(lower) ? (lower as TurretState) : undefined;
}

export function normaliseStatus(m: StatusMessage): TurretStatus {
  return {
    turret: m.turret,
    status: canonicalState(m.status) as TurretState,
    uuid: m.uuid,
    rampup: toNumber(m.rampup),
    script: m.script,
    canons: toNumber((m.canons ?? m.cannons) as number | string),
    protocol: m.protocol ?? null,
    capabilities: m.capabilities ?? [],
    results_sent: m.results_sent === undefined ? null : toNumber(m.results_sent),
    reason: m.reason ?? null,
    ...(m.run_id === undefined ? {} : { run_id: m.run_id }),
    ...(m.canons_abandoned === undefined ? {} : { canons_abandoned: m.canons_abandoned }),
  };
}

export function normaliseResult(
  m: ResultMessage,
  turretName: string | null = null,
  uuid: string | null = null,
): Result {
  const timers = m.custom_timers;
  let custom: Record<string, number> = timers as Record<string, number>;
  for (const key in timers) {
    if (typeof timers[key] !== 'number') {
      // fromEntries defines each name as its own property: assigning would drop one named __proto__.
      custom = Object.fromEntries(
        Object.entries(timers).map(([k, v]) => [k, toNumber(v as number | string)]),
      );
      break;
    }
  }
  const out: Result = {
    turret_name: m.turret_name ?? turretName,
    uuid: m.uuid ?? uuid,
    elapsed: toNumber(m.elapsed),
    epoch: toNumber(m.epoch),
    scriptrun_time: toNumber(m.scriptrun_time),
    error: m.error,
    custom_timers: custom,
    seq: m.seq ?? null,
  };
  if (m.setup_failed === true) out.setup_failed = true;
  return out;
}
