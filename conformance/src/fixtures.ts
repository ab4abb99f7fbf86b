/**
 * fixtures.json: the turret author's fixture scripts, one per behaviour of spec section 10.
 * Paths are resolved relative to the fixtures file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The fixture behaviours of spec section 10, with their clause. */
export const FIXTURES = {
  succeed_with_timer: '10.1',
  fail_with_message: '10.2',
  slow: '10.3',
  echo_context: '10.4',
  fail_to_load: '10.5',
  tear_down_mark: '10.6',
  hang: '10.7',
  fail_setup: '10.8',
} as const;

/**
 * Fixtures a fixtures.json may leave out (added after the first five): the scenarios that need one
 * are then reported not tested.
 */
export const OPTIONAL_FIXTURES = ['tear_down_mark', 'hang', 'fail_setup'] as const;

export type FixtureName = keyof typeof FIXTURES;

/** Absolute script path for every fixture behaviour (the optional ones when given). */
export type Fixtures = Record<Exclude<FixtureName, OptionalFixture>, string> &
  Partial<Record<OptionalFixture, string>>;

type OptionalFixture = (typeof OPTIONAL_FIXTURES)[number];

/** A user mistake in fixtures.json: one line naming the file and key. */
export class FixturesError extends Error {
  override name = 'FixturesError';
}

/** Reads and checks fixtures.json; throws FixturesError with a one-line message. */
export function loadFixtures(file: string): Fixtures {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FixturesError(
      `${path}: cannot read the fixtures file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new FixturesError(`${path}: not JSON (${(e as Error).message})`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new FixturesError(
      `${path}: must be an object mapping each fixture behaviour (spec 10) to a script path`,
    );
  }
  const map = doc as Record<string, unknown>;
  const out: Partial<Fixtures> = {};
  for (const [name, clause] of Object.entries(FIXTURES) as [FixtureName, string][]) {
    const value = map[name];
    if (value === undefined && (OPTIONAL_FIXTURES as readonly string[]).includes(name)) continue;
    if (typeof value !== 'string' || value === '') {
      throw new FixturesError(
        `${path}: key "${name}" must be the path of the fixture script (spec ${clause})`,
      );
    }
    const script = resolve(dirname(path), value);
    if (!existsSync(script)) {
      throw new FixturesError(
        `${path}: key "${name}" names ${script}, which does not exist (spec ${clause})`,
      );
    }
    out[name] = script;
  }
  for (const key of Object.keys(map)) {
    if (!(key in FIXTURES)) {
      throw new FixturesError(
        `${path}: unknown key "${key}"; expected ${Object.keys(FIXTURES).join(', ')} (spec 10)`,
      );
    }
  }
  return out as Fixtures;
}
