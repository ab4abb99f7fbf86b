/**
 * `oct keys <project>`: the CURVE key pairs of a project (spec 11.3): the HQ's and one per turret,
 * as ZeroMQ certificates in `security.keys` (default `keys/`). Existing pairs are kept unless
 * `--force`; secret keys are written with mode 0600 and never printed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadProject } from '@oct/hq';
import { writeCertificates } from '@oct/protocol/curve-keys';
import { CliError, EXIT } from './errors.js';

/** Makes the missing key pairs; returns one line per pair (made or kept). */
export function makeKeys(projectDir: string, options: { force?: boolean } = {}): string[] {
  const loaded = loadProject(projectDir);
  if (!loaded.ok) throw new CliError(loaded.errors.join('\n'), EXIT.usage);
  const { project } = loaded;
  const dir = resolve(project.dir, project.config.security.keys ?? 'keys');
  mkdirSync(join(dir, 'turrets'), { recursive: true });
  // Relative when under the working directory, else absolute: never a chain of `../`.
  const shown = (path: string): string => {
    const rel = relative(process.cwd(), path);
    return rel && !rel.startsWith('..') ? rel : path;
  };
  const lines: string[] = [];
  const pairs: [base: string, name: string][] = [
    [join(dir, 'hq'), 'hq'],
    ...project.turrets.map((t): [string, string] => [join(dir, 'turrets', t.config.name), t.config.name]),
  ];
  for (const [base, name] of pairs) {
    if (!options.force && existsSync(`${base}.key`) && existsSync(`${base}.key_secret`)) {
      lines.push(`kept ${shown(base)}.key and .key_secret (they exist; --force makes new ones)`);
      continue;
    }
    writeCertificates(base, name);
    lines.push(`created ${shown(base)}.key and ${shown(base)}.key_secret (mode 0600)`);
  }
  if (project.config.security.curve !== true)
    lines.push(`next: set "security": { "curve": true } in ${shown(project.configPath)} to use them`);
  lines.push(
    `give each turret hq.key and its own .key_secret (oct pack-turrets does); keep hq.key_secret on the HQ`,
  );
  return lines;
}
