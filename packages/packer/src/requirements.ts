/**
 * `turrets_requirements` (spec 9.2) as npm dependencies: `"undici@^7"` -> `{"undici": "^7"}`,
 * `"@scope/pkg@1.2.3"` -> `{"@scope/pkg": "1.2.3"}`, a bare name -> `"*"`. Written by hand: the
 * grammar needed is `name[@range]`, and npm itself checks the range when the package is installed.
 */
import { PackError } from './errors.js';

// npm package names: lower case, URL-safe, optionally scoped (rules of validate-npm-package-name).
const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** Parses one requirement; `where` names it in errors, e.g. `p/config.json: turrets_requirements[0]`. */
export function parseRequirement(spec: string, where: string): [name: string, range: string] {
  const trimmed = spec.trim();
  const at = trimmed.indexOf('@', trimmed.startsWith('@') ? 1 : 0);
  const name = at === -1 ? trimmed : trimmed.slice(0, at);
  const range = at === -1 ? '*' : trimmed.slice(at + 1).trim();
  if (!NPM_NAME.test(name) || name.length > 214 || range === '') {
    throw new PackError(
      `${where} ${JSON.stringify(spec)} is not an npm dependency spec "<name>@<range>" (e.g. "undici@^7")`,
    );
  }
  return [name, range];
}

/** Parses every requirement of a project; later entries override earlier ones for the same name. */
export function requirementsToDependencies(specs: readonly string[], source: string): Record<string, string> {
  const out: Record<string, string> = {};
  specs.forEach((spec, i) => {
    const [name, range] = parseRequirement(spec, `${source}: turrets_requirements[${i}]`);
    out[name] = range;
  });
  return out;
}
