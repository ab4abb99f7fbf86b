/** The reference turret (packages/turret) passes every MUST, SHOULD and extension scenario, curve included. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { explain, referenceFixtures, referenceTurretBin, run } from './helpers.js';

const built = existsSync(referenceTurretBin);

test(
  'the reference turret passes every scenario',
  { skip: built ? false : `build packages/turret first (${referenceTurretBin})` },
  async () => {
    const verdict = await run({
      turret: `node ${referenceTurretBin} start --config {config}`,
      fixtures: referenceFixtures,
      level: 'all',
      curve: true,
    });
    assert.equal(verdict.passed, true, explain(verdict));
    assert.ok(
      verdict.scenarios.every((s) => s.status === 'passed'),
      explain(verdict),
    );
    assert.ok(
      verdict.scenarios.some((s) => s.level === 'ext-curve'),
      `no curve scenario ran:\n${explain(verdict)}`,
    );
    const must = verdict.scenarios.filter((s) => s.level === 'must').reduce((t, s) => t + s.durationMs, 0);
    assert.ok(must < 120_000, `the MUST scenarios took ${(must / 1000).toFixed(1)} s, over 2 minutes`);
  },
);
