/**
 * Checks of the project config (spec 9.2) and turret config (spec 9.1) as parsed JSON: every
 * mistake named by file and key, defaults filled in from the schema, one WARNING per optional key
 * left to its default (as OCT did). Reading files is the caller's business (no I/O here).
 */
import { describeSchemaError, type SchemaError } from './errors.js';
import * as generated from './generated/config-validators.js';
import { ConfigSchema, TurretConfigSchema } from './generated/schemas.js';
import type { ProjectConfig, TurretConfig } from './generated/types.js';
import { unknownKeyWarnings } from './json-text.js';
import { checkThresholds } from './thresholds.js';

/** The keys a project config defines (its schema's properties); others are kept as written. */
type KnownProjectKeys = keyof (typeof ConfigSchema)['properties'];

/** A project config with every optional key resolved. Turret entries stay as written. */
export type ResolvedProjectConfig = {
  [K in Exclude<KnownProjectKeys, 'results_database'>]-?: Exclude<ProjectConfig[K], undefined>;
} & {
  results_database: { db_uri: string; insert_limit: number; [k: string]: unknown };
  [k: string]: unknown;
};

/** A turret config with defaults applied and `cannons` folded into `canons`. */
export type ResolvedTurretConfig = Required<
  Pick<TurretConfig, 'name' | 'script' | 'hq_address' | 'hq_publisher' | 'hq_rc' | 'extra_files' | 'workers'>
> & {
  canons: number;
  rampup: number;
  [k: string]: unknown;
};

export type ConfigCheck<T> = { ok: true; config: T; warnings: string[] } | { ok: false; errors: string[] };

interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

function schemaErrors(
  fn: unknown,
  doc: string,
  clause: string,
  data: unknown,
  source: string,
): string[] | null {
  const validate = fn as GeneratedValidator;
  if (validate(data)) return null;
  // Report each failing field once (anyOf branches add noise for the same path).
  const byPath = new Map<string, SchemaError[]>();
  for (const e of validate.errors ?? []) {
    if (e.keyword === 'if') continue; // always accompanied by the failing `then` branch's own error
    const key =
      e.keyword === 'required' ? `${e.instancePath}/${String(e.params.missingProperty)}` : e.instancePath;
    byPath.set(key, [...(byPath.get(key) ?? []), e]);
  }
  // An anyOf failure at a path with more precise errors below it (e.g. a turret entry that is neither
  // a turret config nor a path, with a missing key) only repeats them: keep the precise ones.
  const keys = [...byPath.keys()];
  return [...byPath.entries()]
    .filter(
      ([key, errs]) =>
        !(errs.some((e) => e.keyword === 'anyOf') && keys.some((k) => k.startsWith(`${key}/`))),
    )
    .map(([, errs]) => `${source}: ${describeSchemaError(doc, clause, data, errs).message}`);
}

function applyDefaults(
  data: Record<string, unknown>,
  properties: Readonly<Record<string, object>>,
  source: string,
  warnings: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  for (const [key, prop] of Object.entries(properties)) {
    const fallback = (prop as { default?: unknown }).default;
    if (fallback === undefined || key in data) continue;
    out[key] = structuredClone(fallback);
    warnings.push(
      `WARNING: ${source}: optional key "${key}" not set, using default ${JSON.stringify(fallback)}`,
    );
  }
  return out;
}

/** Checks a parsed project config. `source` names the file in messages (e.g. `myproj/config.json`). */
export function checkProjectConfig(
  data: unknown,
  source = 'config.json',
): ConfigCheck<ResolvedProjectConfig> {
  const schema = schemaErrors(generated.validateConfig, 'config', '9.2', data, source);
  // Thresholds are checked by checkThresholds, whose lines name the threshold and say what to write.
  const thresholds = checkThresholds((data as Record<string, unknown> | null)?.thresholds, source);
  if (schema || !thresholds.ok) {
    const errors = (schema ?? []).filter((e) => !e.startsWith(`${source}: config.thresholds`));
    return { ok: false, errors: [...errors, ...(thresholds.ok ? [] : thresholds.errors)] };
  }
  const warnings = unknownKeyWarnings(data, Object.keys(ConfigSchema.properties), source);
  const config = applyDefaults(data as Record<string, unknown>, ConfigSchema.properties, source, warnings);
  const db = config.results_database as Record<string, unknown>;
  config.results_database = { db_uri: 'default', insert_limit: 150, ...db };
  return { ok: true, config: config as ResolvedProjectConfig, warnings };
}

/** Checks a parsed turret config (inline in a project, or its own file). */
export function checkTurretConfig(
  data: unknown,
  source = 'turret config',
): ConfigCheck<ResolvedTurretConfig> {
  const errors = schemaErrors(generated.validateTurretConfig, 'turret', '9.1', data, source);
  if (errors) return { ok: false, errors };
  const raw = data as TurretConfig;
  // A turret config's own keys for its script are expected: warn only about near misses of known keys.
  const warnings = unknownKeyWarnings(raw, Object.keys(TurretConfigSchema.properties), source, true);
  const withDefaults = applyDefaults(raw, TurretConfigSchema.properties, source, warnings);
  const { cannons, ...rest } = withDefaults;
  return {
    ok: true,
    warnings,
    config: {
      ...rest,
      canons: Number(raw.canons ?? cannons),
      rampup: Number(withDefaults.rampup),
    } as ResolvedTurretConfig,
  };
}

/** Keys that say which turret an entry is and what it runs: `extra_turret_config` cannot change them. */
const TURRET_IDENTITY_KEYS: readonly string[] = ['name', 'script', 'extra_files'];

/**
 * What of a project's `extra_turret_config` goes over each turret's own config (spec 9.2). It is
 * merged last, as OCT did (`turret.update(extra_turret_config)`), so its keys win over the turret's,
 * except the identity keys: each of those is left out with one WARNING. `source` names the project
 * config file. The HQ (local runs) and the packer both merge through this, so a turret runs the same
 * config whether started by `oct run --local` or packed.
 */
export function turretExtraConfig(
  extra: Readonly<Record<string, unknown>>,
  source = 'config.json',
): { extra: Record<string, unknown>; warnings: string[] } {
  const applied: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(extra)) {
    if (TURRET_IDENTITY_KEYS.includes(key)) {
      warnings.push(
        `WARNING: ${source}: extra_turret_config.${key} ignored (set it on each turret: it says which turret this is and what it runs)`,
      );
    } else applied[key] = value;
  }
  return { extra: applied, warnings };
}
