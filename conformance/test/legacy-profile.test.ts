/**
 * A turret that speaks as OCT 0.4's does (the sample turret's `--fault=legacy`: no `protocol` in its
 * statuses, no `turret_name` or `uuid` in its results) is judged by the legacy profile: the rules of
 * protocol 1.x turrets are not applicable to it, and the verdict says so at its top.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explain, referenceFixtures, run, sampleCommand } from './helpers.js';

test('a legacy turret is judged by the legacy profile: 5.3 and 8.2 apply in their legacy reading', async () => {
  const verdict = await run({
    turret: sampleCommand('legacy'),
    fixtures: referenceFixtures,
    tags: '@clause-5.3 or @clause-8.2 or @clause-8.3',
  });
  assert.equal(verdict.passed, true, explain(verdict));
  assert.equal(verdict.profile, 'legacy', explain(verdict));
  const clause = (c: string) => verdict.clauses.find((x) => x.clause === c);
  assert.equal(clause('8.2')?.status, 'not-applicable', explain(verdict));
  assert.equal(clause('8.2')?.notApplicable, 'legacy turret');
  assert.equal(clause('5.3')?.status, 'met', explain(verdict));
  assert.equal(clause('5.3')?.notApplicable, 'legacy turret');
  assert.match(verdict.text.split('\n')[1] ?? '', /LEGACY turret/);
  assert.match(verdict.markdown, /not applicable \(legacy turret\)/);
});

test('a 1.x turret that forgot to advertise (its results carry uuid) is not judged legacy', async () => {
  const verdict = await run({
    turret: sampleCommand('no-protocol'),
    fixtures: referenceFixtures,
    tags: '@clause-8.2',
  });
  assert.equal(verdict.profile, 'protocol-1.x', explain(verdict));
  assert.equal(verdict.clauses.find((x) => x.clause === '8.2')?.status, 'failed', explain(verdict));
});
