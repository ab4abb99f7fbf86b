/**
 * runConformance: runs the feature files against one turret through Cucumber's programmatic API
 * and turns Cucumber's message stream into a Verdict (clauses met and failed, with evidence).
 */
import { loadConfiguration, runCucumber, type IRunEnvironment } from '@cucumber/cucumber/api';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadFixtures, type Fixtures } from './fixtures.js';
import type { KitParameters } from './steps/world.js';
import { buildVerdict, type Envelope, type Verdict } from './verdict.js';

/** Which scenarios to run by level: MUST, SHOULD, or everything (MUST, SHOULD and extensions). */
export type Level = 'must' | 'should' | 'all';

/** Options of runConformance (and the flags of oct-conformance). */
export interface ConformanceOptions {
  /** The turret command line; `{config}` is replaced by the path of the config the kit writes. */
  turret?: string;
  /** Path of fixtures.json (spec 10). */
  fixtures?: string;
  /** Default 'all'. */
  level?: Level;
  /** A Cucumber tag expression ANDed with the level, e.g. "@clause-4.3". */
  tags?: string;
  /** Cucumber formats, e.g. ["html:verdict.html", "junit:verdict.xml", "json:verdict.json"]. */
  formats?: string[];
  /** Path of the one-page Markdown verdict to write. */
  summary?: string;
  /** List the selected scenarios without running anything. */
  dryRun?: boolean;
  /** Seconds added to every time bound (transport, a loaded machine); default 0.25. */
  slack?: number;
  /** Scenarios run at once (each in a Cucumber worker process); default 1. */
  parallel?: number;
  /** Where Cucumber's progress output goes; default nowhere. */
  stdout?: NodeJS.WritableStream;
  /**
   * Run the curve scenarios (spec 11, `@ext-curve`), adding them to any level: the kit makes CURVE
   * keys and names them in the turret config. Without it they are reported not tested.
   */
  curve?: boolean;
}

/** A user mistake in the options: one line, no stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const here = dirname(fileURLToPath(import.meta.url));
/** The feature files shipped with the kit. */
export const FEATURES_DIR = resolve(here, '../features');
/** Cucumber imports the built steps; run from src (tests under tsx), it still takes them from dist. */
const STEPS_ENTRY = existsSync(join(here, 'steps', 'index.js'))
  ? join(here, 'steps', 'index.js')
  : resolve(here, '../dist/steps/index.js');

/** Cucumber's loaded support code, reused by later serial runs in this process (ESM imports once). */
let supportLibrary: Awaited<ReturnType<typeof runCucumber>>['support'] | undefined;

/** Why the curve scenarios did not run without --curve (CURVE is configured, not advertised). */
export const CURVE_NOT_TESTED =
  'CURVE (spec 11) is set up by configuration, not advertised: run the kit with --curve to test it';

/** The tag expression for a level, an optional extra expression, and --curve. */
export function tagExpression(level: Level = 'all', tags?: string, curve = false): string {
  const only = level === 'must' ? '@must' : level === 'should' ? '@should' : '';
  // --curve adds the curve scenarios to a level that leaves the extensions out.
  const byLevel = only && curve ? `(${only} or @ext-curve)` : only;
  const parts = [byLevel, tags ? `(${tags})` : ''].filter((p) => p !== '');
  return parts.join(' and ');
}

/**
 * Runs the conformance scenarios against a turret and returns the verdict.
 * @example
 * const verdict = await runConformance({ turret: 'python3 turret.py {config}', fixtures: 'fixtures.json', level: 'must' });
 * if (!verdict.passed) console.log(verdict.markdown);
 */
export async function runConformance(options: ConformanceOptions): Promise<Verdict> {
  const level = options.level ?? 'all';
  if (!['must', 'should', 'all'].includes(level))
    throw new UsageError(`--level must be must, should or all, got "${level}"`);
  let fixtures: Fixtures | Record<string, never> = {};
  if (!options.dryRun) {
    if (!options.turret) throw new UsageError('--turret "<command line with {config}>" is required');
    if (!options.turret.includes('{config}'))
      throw new UsageError(
        `--turret must contain {config}, the config path placeholder; got "${options.turret}"`,
      );
    if (!options.fixtures) throw new UsageError('--fixtures <fixtures.json> is required');
    fixtures = loadFixtures(options.fixtures);
  }
  const parameters: KitParameters = {
    turret: options.turret ?? '',
    fixtures: fixtures as Fixtures,
    slack: options.slack ?? 0.25,
    curve: options.curve ?? false,
  };
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const environment: IRunEnvironment = {
    cwd: process.cwd(),
    stdout: (options.stdout ?? sink) as IRunEnvironment['stdout'],
    stderr: sink,
    env: process.env,
  };
  const tags = tagExpression(level, options.tags, options.curve);
  const { runConfiguration } = await loadConfiguration(
    {
      file: false,
      provided: {
        paths: [join(FEATURES_DIR, '*.feature')],
        import: [STEPS_ENTRY],
        tags,
        format: [...(options.stdout ? ['progress'] : []), ...(options.formats ?? [])],
        worldParameters: parameters as unknown as Record<string, never>,
        dryRun: options.dryRun ?? false,
        // 0 runs in this process; n > 1 starts n Cucumber worker processes.
        parallel: (options.parallel ?? 1) > 1 ? options.parallel : 0,
        strict: true,
        publish: false,
      },
    },
    environment,
  );
  const envelopes: Envelope[] = [];
  const started = performance.now();
  const serial = (options.parallel ?? 1) <= 1;
  const run = await runCucumber(
    { ...runConfiguration, support: serial && supportLibrary ? supportLibrary : runConfiguration.support },
    environment,
    (m) => envelopes.push(m as Envelope),
  );
  if (serial) supportLibrary = run.support;
  const verdict = buildVerdict(envelopes, {
    turret: options.turret ?? '(dry run)',
    fixtures: options.fixtures ? resolve(options.fixtures) : '(dry run)',
    selection: `${tags || 'all scenarios'}${options.curve ? ', with --curve' : ''}`,
    durationMs: performance.now() - started,
    dryRun: options.dryRun ?? false,
    notTested: options.curve ? {} : { 'ext-curve': CURVE_NOT_TESTED },
  });
  if (options.summary) writeFileSync(options.summary, verdict.markdown);
  return verdict;
}
