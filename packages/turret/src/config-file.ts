/** Reading a turret config file: JSON, checked against the spec (9.1), script present. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkTurretConfig, parseJsonText, type ResolvedTurretConfig } from '@oct/protocol';
import { KeyFileError, readCertificate } from '@oct/protocol/curve-keys';

/** A CURVE client's keys (spec 11.4), Z85. */
export interface CurveClientKeys {
  /** The HQ's public key. */
  serverKey: string;
  publicKey: string;
  secretKey: string;
}

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
  /** Its CURVE keys when the config gives `curve_server_key` and `curve_secret_key`, else null. */
  curve: CurveClientKeys | null;
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
  const parsed = parseJsonText(text, shownAs);
  if (!parsed.ok) throw new UsageError([`${parsed.message} (spec 9.1)`]);
  const data = parsed.value;
  const checked = checkTurretConfig(data, shownAs);
  if (!checked.ok) throw new UsageError(checked.errors);
  const configDir = dirname(resolve(file));
  const script = resolve(configDir, checked.config.script);
  if (!existsSync(script) || !statSync(script).isFile()) {
    throw new UsageError([
      `${shownAs}: turret.script "${checked.config.script}" not found (looked for ${script}) (spec 9.1)`,
    ]);
  }
  return {
    config: checked.config,
    configDir,
    warnings: checked.warnings,
    curve: loadCurveKeys(checked.config, configDir, shownAs),
  };
}

/** Reads the key files the config names (both or neither, the schema says). */
function loadCurveKeys(
  config: ResolvedTurretConfig,
  configDir: string,
  shownAs: string,
): CurveClientKeys | null {
  const { curve_server_key: serverFile, curve_secret_key: secretFile } = config;
  if (typeof serverFile !== 'string' || typeof secretFile !== 'string') return null;
  const read = (key: string, file: string, secret: boolean): ReturnType<typeof readCertificate> => {
    try {
      return readCertificate(resolve(configDir, file), { secret });
    } catch (e) {
      if (e instanceof KeyFileError)
        throw new UsageError([`${shownAs}: turret.${key}: ${e.message} (spec 11.3)`]);
      throw e;
    }
  };
  const server = read('curve_server_key', serverFile, false);
  const own = read('curve_secret_key', secretFile, true);
  return { serverKey: server.publicKey, publicKey: own.publicKey, secretKey: own.secretKey! };
}
