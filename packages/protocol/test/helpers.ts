// Shared by the protocol tests: repo paths and the test-vector loader (format: spec/vectors/README.md).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
export const specDir = join(repoRoot, 'spec');

export type Direction = 'turret->hq' | 'hq->turret';

export interface Vector {
  /** `valid/<name>.json` or `invalid/<name>.json`. */
  id: string;
  valid: boolean;
  description: string;
  direction: Direction;
  frame?: string;
  frame_hex?: string;
  expect: Record<string, unknown> & {
    kind?: string;
    error?: { code: string; path?: string; clause: string };
  };
}

/** Every vector file, sorted by id. */
export function loadVectors(): Vector[] {
  const out: Vector[] = [];
  for (const dir of ['valid', 'invalid'] as const) {
    for (const file of readdirSync(join(specDir, 'vectors', dir))
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const raw = JSON.parse(readFileSync(join(specDir, 'vectors', dir, file), 'utf8')) as Omit<
        Vector,
        'id' | 'valid'
      >;
      out.push({ ...raw, id: `${dir}/${file}`, valid: dir === 'valid' });
    }
  }
  return out;
}

/** The frame's bytes, as ZeroMQ delivers them. */
export function frameBytes(v: Vector): Buffer {
  return v.frame_hex !== undefined ? Buffer.from(v.frame_hex, 'hex') : Buffer.from(v.frame ?? '', 'utf8');
}

/** Every schema in spec/schemas, parsed. */
export function loadRawSchemas(): Map<string, Record<string, unknown>> {
  const dir = join(specDir, 'schemas');
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.schema.json'))
      .map((f) => [
        f.replace(/\.schema\.json$/, ''),
        JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>,
      ]),
  );
}
