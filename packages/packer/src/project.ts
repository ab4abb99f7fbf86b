/**
 * Reading a project for packing: config.json checked (spec 9.2), each turret entry (inline, or a
 * path to a turret config file) checked (spec 9.1), every file it needs located inside the project.
 * Nothing is written here: a project with a mistake anywhere produces no archive at all.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  checkProjectConfig,
  checkTurretConfig,
  parseJsonText,
  turretExtraConfig,
  type TurretConfig,
} from '@oct/protocol';
import { KeyFileError, readCertificate } from '@oct/protocol/curve-keys';
import { PackError } from './errors.js';
import { filesAt, packedPathOf, resolveInProject, type PackedFile } from './paths.js';
import { requirementsToDependencies } from './requirements.js';

/** Keys the packer sets from the project: warnings about their defaults would only mislead. */
const FILLED_KEYS = ['hq_address', 'hq_publisher', 'hq_rc'];
/** Where a package holds the HQ's public key and its own key pair (security.curve, spec 11.3). */
export const PACKED_KEYS = { server: 'keys/hq.key', secret: 'keys/turret.key_secret' } as const;
/** Files the packer writes. */
const GENERATED_FILES = [
  'package.json',
  'start.cjs',
  'oct-turret.cjs',
  'turret.json',
  ...Object.values(PACKED_KEYS),
];

/** Everything needed to write one turret package. */
export interface TurretPlan {
  name: string;
  /** The turret.json to pack: the checked config, pointed at this HQ, with packed paths. */
  turretConfig: Record<string, unknown>;
  /** The script and extra files, by packed path. */
  files: PackedFile[];
  /** The script in the project (absolute), whose module type the package declares. */
  scriptSource: string;
  /** security.curve: the key files to pack (PACKED_KEYS), the secret one with mode 0600; else null. */
  keys: { server: string; secret: string } | null;
}

/**
 * The keys of a checked project config that the packer reads, defaults filled in. (Spelled out here
 * because protocol's ResolvedProjectConfig, an Omit over an index-signature type, types them unknown.)
 */
interface PackedProjectConfig {
  turrets: ReadonlyArray<TurretConfig | string>;
  turrets_requirements: string[];
  extra_turret_config: Record<string, unknown>;
  hq_address: string;
  publish_port: number;
  rc_port: number;
  security: { curve?: boolean; keys?: string };
}

/** A project ready to pack. */
export interface ProjectPlan {
  /** npm dependencies from `turrets_requirements`. */
  requirements: Record<string, string>;
  turrets: TurretPlan[];
  warnings: string[];
}

async function readJson(file: string, shown: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PackError(
      code === 'ENOENT' ? `${shown}: file not found` : `${shown}: cannot read (${String(code)})`,
    );
  }
  const parsed = parseJsonText(text, shown);
  if (!parsed.ok) throw new PackError(parsed.message);
  return parsed.value;
}

/** Reads and checks the project at `projectDir`; throws PackError naming every mistake found. */
export async function planProject(projectDir: string): Promise<ProjectPlan> {
  const configSource = path.join(projectDir, 'config.json');
  const checked = checkProjectConfig(await readJson(configSource, configSource), configSource);
  if (!checked.ok) throw new PackError(checked.errors);
  // checkProjectConfig validated these keys against the schema and filled in their defaults.
  const config = checked.config as unknown as PackedProjectConfig;
  const warnings = [...checked.warnings];
  const requirements = requirementsToDependencies(config.turrets_requirements, configSource);

  const { extra, warnings: extraWarnings } = turretExtraConfig(config.extra_turret_config, configSource);
  warnings.push(...extraWarnings);

  const turrets: TurretPlan[] = [];
  const errors: string[] = [];
  for (const [index, entry] of config.turrets.entries()) {
    try {
      turrets.push(await planTurret(projectDir, configSource, config, extra, entry, index, warnings));
    } catch (err) {
      if (!(err instanceof PackError)) throw err;
      errors.push(...err.errors);
    }
  }
  if (errors.length > 0) throw new PackError(errors);
  return { requirements, turrets, warnings };
}

async function planTurret(
  projectDir: string,
  configSource: string,
  project: PackedProjectConfig,
  extra: Readonly<Record<string, unknown>>,
  entry: unknown,
  index: number,
  warnings: string[],
): Promise<TurretPlan> {
  // An inline turret lives in config.json; a path names a turret config file inside the project.
  let raw: unknown = entry;
  let source = `${configSource} turrets[${index}]`;
  let baseDir = projectDir;
  if (typeof entry === 'string') {
    const file = await resolveInProject(projectDir, projectDir, entry, {
      source: configSource,
      key: `turrets[${index}]`,
    });
    source = path.join(projectDir, packedPathOf(projectDir, file));
    raw = await readJson(file, source);
    baseDir = path.dirname(file);
  }
  const first = checkTurretConfig(raw, source);
  if (!first.ok) throw new PackError(first.errors);
  // No default warning for a key that the packer or extra_turret_config sets.
  const setLater = [...FILLED_KEYS, ...Object.keys(extra)];
  warnings.push(...first.warnings.filter((w) => !setLater.some((k) => w.includes(`"${k}"`))));

  // The turret is pointed at this project's HQ; extra_turret_config comes last so that it can say
  // where turrets reach the HQ when that differs from the address it binds (e.g. 0.0.0.0).
  const merged = {
    ...(raw as Record<string, unknown>),
    hq_address: project.hq_address,
    hq_publisher: project.publish_port,
    hq_rc: project.rc_port,
    ...extra,
  };
  const final = checkTurretConfig(merged, `${source} (with extra_turret_config)`);
  if (!final.ok) throw new PackError(final.errors);
  const turret = final.config;

  const script = await resolveInProject(projectDir, baseDir, turret.script, { source, key: 'script' });
  if (!(await stat(script)).isFile())
    throw new PackError(`${source}: script ${JSON.stringify(turret.script)} is not a file`);
  const files: PackedFile[] = [
    { source: await realpath(script), packedPath: packedPathOf(projectDir, script) },
  ];
  const scriptPacked = packedPathOf(projectDir, script);
  const extraPacked: string[] = [];
  for (const [i, extraFile] of turret.extra_files.entries()) {
    const origin = { source, key: `extra_files[${i}]` };
    const lexical = await resolveInProject(projectDir, projectDir, extraFile, origin);
    extraPacked.push(packedPathOf(projectDir, lexical));
    files.push(...(await filesAt(projectDir, lexical, origin, extraFile)));
  }

  const unique = new Map<string, PackedFile>();
  for (const f of files) {
    if (GENERATED_FILES.includes(f.packedPath)) {
      throw new PackError(
        `${source}: ${f.packedPath} is written by the packer and cannot be packed from the project`,
      );
    }
    unique.set(f.packedPath, f);
  }
  const keys =
    project.security.curve === true
      ? turretKeys(projectDir, project.security.keys ?? 'keys', turret.name, source)
      : null;
  return {
    name: turret.name,
    turretConfig: {
      ...turret,
      script: scriptPacked,
      extra_files: extraPacked,
      ...(keys ? { curve_server_key: PACKED_KEYS.server, curve_secret_key: PACKED_KEYS.secret } : {}),
    },
    files: [...unique.values()],
    scriptSource: script,
    keys,
  };
}

/** The HQ's public key and the turret's own pair, checked (spec 11.3), as `oct keys` wrote them. */
function turretKeys(
  projectDir: string,
  keysDir: string,
  name: string,
  source: string,
): { server: string; secret: string } {
  const dir = path.resolve(projectDir, keysDir);
  const server = path.join(dir, 'hq.key');
  const secret = path.join(dir, 'turrets', `${name}.key_secret`);
  try {
    readCertificate(server, { secret: false });
    readCertificate(secret, { secret: true });
  } catch (err) {
    if (err instanceof KeyFileError)
      throw new PackError(
        `${source}: security.curve: ${err.message.replace('(make the keys with `oct keys`)', `(make them with: oct keys ${projectDir})`)}`,
      );
    throw err;
  }
  return { server, secret };
}
