/**
 * `oct run` command-line overrides of config.json, for CI: `--run-time`, `--canons` (every turret, by
 * way of extra_turret_config), `--min-turrets` and `--set key=value` (dotted keys for nested objects,
 * e.g. results_database.db_uri; the value is JSON when it parses, else a string). They are applied in
 * order to the config as written and checked as the file is, each in turn, so a mistake names the
 * flag that made it.
 */
import { readFileSync } from 'node:fs';
import { checkProject, type Project } from '@oct/hq';

/** One override: the flag as typed (for messages), the key path and the value. */
export interface Override {
  flag: string;
  path: string[];
  value: unknown;
}

/** `--set key=value` -> an Override; throws a one-line Error for a malformed one. */
export function parseSet(arg: string): Override {
  const eq = arg.indexOf('=');
  const flag = `--set ${arg}`;
  if (eq <= 0) throw new Error(`${flag}: expected key=value (e.g. --set run_time=30)`);
  const key = arg.slice(0, eq).trim();
  const path = key.split('.');
  if (path.some((p) => p === '')) throw new Error(`${flag}: "${key}" is not a key (dotted keys: a.b.c)`);
  const text = arg.slice(eq + 1);
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // not JSON: the value is the string as typed
  }
  return { flag, path, value };
}

/** The overrides of the dedicated flags, in the order the guide lists them. */
export function flagOverrides(o: { runTime?: number; canons?: number; minTurrets?: number }): Override[] {
  const out: Override[] = [];
  if (o.runTime !== undefined)
    out.push({ flag: `--run-time ${o.runTime}`, path: ['run_time'], value: o.runTime });
  if (o.canons !== undefined)
    out.push({ flag: `--canons ${o.canons}`, path: ['extra_turret_config', 'canons'], value: o.canons });
  if (o.minTurrets !== undefined)
    out.push({ flag: `--min-turrets ${o.minTurrets}`, path: ['min_turrets'], value: o.minTurrets });
  return out;
}

/** Sets `path` in `data` (objects made as needed; an array index when the parent is an array). */
function setPath(data: Record<string, unknown>, o: Override): void {
  let at: Record<string, unknown> | unknown[] = data;
  for (let i = 0; i < o.path.length - 1; i++) {
    const key = o.path[i]!;
    const next = Array.isArray(at) ? at[Number(key)] : at[key];
    if (next !== null && typeof next === 'object') {
      at = next as Record<string, unknown>;
      continue;
    }
    if (next !== undefined)
      throw new Error(
        `${o.flag}: ${o.path.slice(0, i + 1).join('.')} is ${JSON.stringify(next)}, not an object`,
      );
    const made: Record<string, unknown> = {};
    if (Array.isArray(at)) at[Number(key)] = made;
    else at[key] = made;
    at = made;
  }
  const last = o.path[o.path.length - 1]!;
  if (Array.isArray(at)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= at.length)
      throw new Error(`${o.flag}: ${o.path.slice(0, -1).join('.')} has no item ${last}`);
    at[i] = o.value;
  } else at[last] = o.value;
}

/**
 * The project with `overrides` applied to its config.json, checked like the file; or the lines of
 * the first override that makes it invalid, each naming the flag.
 */
export function applyOverrides(
  project: Project,
  overrides: readonly Override[],
): { ok: true; project: Project } | { ok: false; errors: string[] } {
  if (overrides.length === 0) return { ok: true, project };
  // loadProject read and parsed it a moment ago.
  const data = JSON.parse(readFileSync(project.configPath, 'utf8')) as Record<string, unknown>;
  let checked: Project = project;
  for (const o of overrides) {
    try {
      setPath(data, o);
    } catch (e) {
      return { ok: false, errors: [`oct run: ${(e as Error).message}`] };
    }
    const result = checkProject(project.dir, structuredClone(data), project.configPath);
    if (!result.ok) return { ok: false, errors: result.errors.map((e) => `oct run: ${o.flag}: ${e}`) };
    checked = result.project;
  }
  return { ok: true, project: checked };
}
