/** Reading a turret config file: JSON, checked against the spec (9.1), script present. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkTurretConfig, type ResolvedTurretConfig } from '@oct/protocol';

/** A user mistake: one line per problem, shown without a stack trace. */
export class UsageError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'UsageError';
  }
}

export interface LoadedConfig {
  config: ResolvedTurretConfig;
  /** Directory relative paths in the config are resolved against (the config file's). */
  configDir: string;
  /** Optional keys left to their default (as OCT printed them). */
  warnings: string[];
}

/** Reads and checks `file` (shown as `shownAs` in messages). Throws UsageError for any mistake. */
export function loadTurretConfig(file: string, shownAs = file): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError([
      `${shownAs}: cannot read the turret config: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    ]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError([`${shownAs}: not valid JSON: ${(e as Error).message} (spec 9.1)`]);
  }
  const checked = checkTurretConfig(data, shownAs);
  if (!checked.ok) throw new UsageError(checked.errors);
  const configDir = dirname(resolve(file));
  const script = resolve(configDir, checked.config.script);
  if (!existsSync(script) || !statSync(script).isFile()) {
    throw new UsageError([
      `${shownAs}: turret.script "${checked.config.script}" not found (looked for ${script}) (spec 9.1)`,
    ]);
  }
  return { config: checked.config, configDir, warnings: checked.warnings };
}
