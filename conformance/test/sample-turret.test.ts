/** The kit's own sample turret (faulty/turret.mjs, no fault) passes every scenario. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explain, referenceFixtures, run, sampleCommand } from './helpers.js';

test('the sample turret passes every MUST, SHOULD and extension scenario', async () => {
  const verdict = await run({
    turret: sampleCommand(),
    fixtures: referenceFixtures,
    level: 'all',
    curve: true,
  });
  assert.equal(verdict.passed, true, explain(verdict));
  assert.ok(verdict.scenarios.length >= 50, `${verdict.scenarios.length} scenarios`);
  // It has no initializing phase, so 12.3 (a start received while initializing) is not observable on it.
  assert.ok(
    verdict.scenarios.every(
      (s) => s.status === 'passed' || (s.status === 'not-applicable' && s.clauses.includes('12.3')),
    ),
    explain(verdict),
  );
});
