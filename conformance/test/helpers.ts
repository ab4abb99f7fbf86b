/** Shared by the kit's tests: where things are, and a quiet runConformance. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runConformance, type ConformanceOptions } from '../src/run.js';
import type { Verdict } from '../src/verdict.js';

export const kitDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = resolve(kitDir, '..');
export const sampleTurret = join(kitDir, 'test', 'faulty', 'turret.mjs');
export const referenceFixtures = join(kitDir, 'fixtures', 'reference', 'fixtures.json');
export const referenceTurretBin = join(repoDir, 'packages', 'turret', 'dist', 'bin.js');
export const pythonDir = join(repoDir, 'examples', 'python-turret');

/** The kit's own sample turret, optionally with one fault. */
export function sampleCommand(fault?: string): string {
  return `node ${sampleTurret} {config}${fault ? ` --fault=${fault}` : ''}`;
}

/** Runs the kit from the built dist (as a user would), so Cucumber imports the built steps. */
export async function run(options: ConformanceOptions): Promise<Verdict> {
  if (!existsSync(join(kitDir, 'dist', 'steps', 'index.js')))
    throw new Error('build the kit first: npm run build');
  return runConformance({ slack: 0.5, ...options });
}

/** A readable account of a verdict for assertion messages. */
export function explain(v: Verdict): string {
  return v.text;
}
