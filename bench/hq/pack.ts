/**
 * What a pack of results costs to hand from the receive thread to the ingest thread, per row: cloning
 * (v8 serialize + deserialize, as postMessage does) of the pack as ResultPacker builds it against the
 * former form (four strings per row: turret_name, uuid, error, custom_timers JSON), and timersJson
 * against JSON.stringify. Usage: node --import tsx bench/hq/pack.ts (after `npx nx run hq:build`).
 * Bounded: fixed repetitions.
 */
import { randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { ResultPacker, timersJson, type PackedResults } from '@oct/hq';
import type { Result } from '@oct/protocol';
import { benchResult } from './common.js';

const ROWS = 4096;
const uuid = randomUUID();
const t0 = Date.now() / 1000;
const rows: Result[] = Array.from({ length: ROWS }, (_, i) => benchResult(i, t0, uuid, i));

/** Microseconds per row of `fn`, which handles all ROWS rows, best of 5 rounds of `reps` calls. */
function perRow(fn: () => unknown, reps = 100): number {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, ((performance.now() - start) * 1000) / (reps * ROWS));
  }
  return best;
}

const threeTimers = rows.map((r, i) => ({ ...r.custom_timers, search: i / 7, checkout: 3 / (i + 1) }));

const packer = new ResultPacker(ROWS);
const pack = (): PackedResults => {
  for (const r of rows) packer.add(r);
  return packer.take()!;
};
const fourStrings = rows.flatMap((r) => [r.turret_name, r.uuid, r.error, JSON.stringify(r.custom_timers)]);
const packed = pack();
const clone = (value: unknown): unknown => deserialize(serialize(value));

console.log('us per row (best of 5)');
console.log(`pack rows (ResultPacker)             ${perRow(pack).toFixed(3)}`);
console.log(
  `clone the pack's text and turrets    ${perRow(() => clone([packed.text, packed.turrets])).toFixed(3)}`,
);
console.log(`clone four strings per row (former)  ${perRow(() => clone(fourStrings)).toFixed(3)}`);
console.log(
  `timersJson                           ${perRow(() => rows.map((r) => timersJson(r.custom_timers))).toFixed(3)}`,
);
console.log(
  `timersJson, three timers             ${perRow(() => threeTimers.map((t) => timersJson(t))).toFixed(3)}`,
);
console.log(
  `JSON.stringify, three timers         ${perRow(() => threeTimers.map((t) => JSON.stringify(t))).toFixed(3)}`,
);
console.log(
  `JSON.stringify                       ${perRow(() => rows.map((r) => JSON.stringify(r.custom_timers))).toFixed(3)}`,
);
