/**
 * Loading a project directory: config.json checked against spec 9.2, each turret (inline, or a
 * path to a turret config file) checked against spec 9.1, scripts resolved to absolute paths.
 * Every mistake becomes one line naming the file and key; nothing here throws for a user mistake.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import {
  checkProjectConfig,
  checkTurretConfig,
  parseJsonText,
  turretExtraConfig,
  type ResolvedTurretConfig,
} from '@oct/protocol';

/**
 * A checked project config with its keys typed. (@oct/protocol's ResolvedProjectConfig is built with
 * Omit over an index-signature type, which erases the known keys to `unknown`.)
 */
export interface ProjectConfig {
  run_time: number;
  results_ts_interval: number;
  progress_bar: boolean;
  console_logging: boolean;
  testing: boolean;
  publish_port: number;
  rc_port: number;
  min_turrets: number;
  hq_address: string;
  turrets: (Record<string, unknown> | string)[];
  turrets_requirements: string[];
  extra_turret_config: Record<string, unknown>;
  results_database: { db_uri: string; insert_limit: number; [k: string]: unknown };
  /** OCT's port number (bound on every interface), or a ZeroMQ endpoint; see external-publisher.ts. */
  external_publisher: false | number | string;
  /** spec 11: CURVE on both sockets, keys in `keys` (relative to the project). */
  security: { curve?: boolean; keys?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** One turret of a project, with its script resolved. */
export interface ProjectTurret {
  /** Where it is declared, for messages: `config.json: turrets[0]` or the turret file path. */
  source: string;
  /** The turret config, `extra_turret_config` merged over it (identity keys aside), defaults applied. */
  config: ResolvedTurretConfig;
  /** Absolute path of the transaction script. */
  scriptPath: string;
}

/** A checked project. */
export interface Project {
  dir: string;
  name: string;
  configPath: string;
  config: ProjectConfig;
  turrets: ProjectTurret[];
  /** One `WARNING: ...` line per optional key left to its default. */
  warnings: string[];
}

export type ProjectLoad = { ok: true; project: Project } | { ok: false; errors: string[] };

/** Reads and checks `<projectDir>/config.json` and the turrets it names. */
export function loadProject(projectDir: string): ProjectLoad {
  const dir = resolve(projectDir);
  const configPath = join(dir, 'config.json');
  const shown = (p: string): string => relative(process.cwd(), p) || p;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return { ok: false, errors: [`${shown(dir)}: project directory not found`] };
  }
  const read = readJson(configPath, shown(configPath), '9.2');
  if (!read.ok) return read;
  return checkProject(dir, read.value, configPath);
}

/** Checks an already-parsed project config whose project lives in `dir`. */
export function checkProject(dir: string, data: unknown, configPath = join(dir, 'config.json')): ProjectLoad {
  const shown = (p: string): string => relative(process.cwd(), p) || p;
  const source = shown(configPath);
  const checked = checkProjectConfig(data, source);
  if (!checked.ok) return { ok: false, errors: checked.errors };
  const config = checked.config as unknown as ProjectConfig;
  const errors: string[] = [];
  const warnings = [...checked.warnings];
  const turrets: ProjectTurret[] = [];
  const { extra, warnings: extraWarnings } = turretExtraConfig(config.extra_turret_config ?? {}, source);
  warnings.push(...extraWarnings);
  // Keys the local runner sets (hq_*), that the HQ does not use, or that extra_turret_config sets:
  // no default warning for them.
  const quiet = ['hq_address', 'hq_publisher', 'hq_rc', 'extra_files', 'workers', ...Object.keys(extra)];
  config.turrets.forEach((entry, i) => {
    let raw: unknown = entry;
    let where = `${source}: turrets[${i}]`;
    let base = dir;
    if (typeof entry === 'string') {
      const file = resolve(dir, entry);
      const parsed = readJson(file, `${source}: turrets[${i}] ${JSON.stringify(entry)}`, '9.1', shown(file));
      if (!parsed.ok) {
        errors.push(...parsed.errors);
        return;
      }
      raw = parsed.value;
      where = shown(file);
      base = dirname(file);
    }
    const own = checkTurretConfig(raw, where);
    if (!own.ok) {
      errors.push(...own.errors);
      return;
    }
    // extra_turret_config goes over the turret's own keys (spec 9.2), as when packed: check the result.
    const turret =
      Object.keys(extra).length === 0
        ? own
        : checkTurretConfig(
            { ...(raw as Record<string, unknown>), ...extra },
            `${where} (with extra_turret_config)`,
          );
    if (!turret.ok) {
      errors.push(...turret.errors);
      return;
    }
    warnings.push(...own.warnings.filter((w) => !quiet.some((key) => w.includes(`"${key}"`))));
    const scriptPath = resolve(base, turret.config.script);
    if (!existsSync(scriptPath)) {
      errors.push(
        `${where}: turret.script ${JSON.stringify(turret.config.script)} not found at ${shown(scriptPath)} (spec 9.1)`,
      );
      return;
    }
    turrets.push({ source: where, config: turret.config, scriptPath });
  });
  const names = new Map<string, number>();
  for (const t of turrets) names.set(t.config.name, (names.get(t.config.name) ?? 0) + 1);
  for (const [name, n] of names) {
    if (n > 1)
      warnings.push(
        `WARNING: ${source}: turret name ${JSON.stringify(name)} is used by ${n} turrets; results are told apart by uuid only`,
      );
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, project: { dir, name: basename(dir), configPath, config, turrets, warnings } };
}

/** Reads a JSON file; `label` names it in messages, `at` (default `label`) in file:line:column. */
function readJson(
  file: string,
  label: string,
  clause: string,
  at = label,
): { ok: true; value: unknown } | { ok: false; errors: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      ok: false,
      errors: [
        `${label}: cannot read ${file}${code === 'ENOENT' ? ' (file not found)' : `: ${code ?? String(e)}`}`,
      ],
    };
  }
  const parsed = parseJsonText(text, at);
  if (parsed.ok) return { ok: true, value: parsed.value };
  const named = at === label ? '' : `, named by ${label}`;
  return { ok: false, errors: [`${parsed.message} (spec ${clause}${named})`] };
}
