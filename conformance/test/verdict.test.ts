/**
 * The verdict's bookkeeping, on Cucumber messages made by hand: a failure counts against the clause
 * its evidence names, the scenario's other clauses are blocked by it, a kit fault is a kit error
 * (never the turret's failure), and a turret that never advertised protocol 1.x is judged legacy.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOTE_MEDIA, buildVerdict, evidenceClauses, type Envelope } from '../src/verdict.js';

const t0 = { seconds: 1, nanos: 0 };

interface Step {
  text?: string; // undefined: a hook
  status: 'PASSED' | 'FAILED' | 'SKIPPED';
  message?: string;
}

/** The envelopes of one scenario run: its pickle, test case, steps and notes. */
function scenario(
  id: string,
  tags: string[],
  steps: Step[],
  notes: { mediaType: string; body: string }[] = [],
): Envelope[] {
  const pickleSteps = steps.map((s, i) => ({ id: `${id}-ps${i}`, text: s.text ?? '' }));
  const testSteps = steps.map((s, i) => ({
    id: `${id}-ts${i}`,
    ...(s.text !== undefined ? { pickleStepId: `${id}-ps${i}` } : {}),
  }));
  return [
    {
      pickle: {
        id: `${id}-p`,
        name: `scenario ${id}`,
        uri: 'features/x.feature',
        tags: tags.map((name) => ({ name })),
        astNodeIds: [],
        steps: pickleSteps.filter((_, i) => steps[i]!.text !== undefined),
      },
    },
    { testCase: { id: `${id}-tc`, pickleId: `${id}-p`, testSteps } },
    { testCaseStarted: { id: `${id}-s`, testCaseId: `${id}-tc`, timestamp: t0 } },
    ...steps.map((s, i): Envelope => ({
      testStepFinished: {
        testCaseStartedId: `${id}-s`,
        testStepId: `${id}-ts${i}`,
        testStepResult: { status: s.status, ...(s.message ? { message: s.message } : {}) },
      },
    })),
    ...notes.map((n): Envelope => ({ attachment: { testCaseStartedId: `${id}-s`, ...n } })),
    { testCaseFinished: { testCaseStartedId: `${id}-s`, timestamp: t0 } },
  ];
}

const ctx = { turret: 't', fixtures: 'f', selection: 's', durationMs: 1, dryRun: false };
const profile = (advertised1x: boolean) => ({
  mediaType: NOTE_MEDIA.profile,
  body: JSON.stringify({ advertised1x }),
});
const clause = (v: ReturnType<typeof buildVerdict>, c: string) => v.clauses.find((x) => x.clause === c);

test('the clauses a failure names are read from the start of its evidence', () => {
  assert.deepEqual(evidenceClauses('(spec 4.3.1) expected: x'), ['4.3.1']);
  assert.deepEqual(evidenceClauses('(spec 4.3.1, 6.1) expected: x'), ['4.3.1', '6.1']);
  assert.deepEqual(evidenceClauses('Error: bind EADDRINUSE 127.0.0.1:5000'), []);
});

test('a setup failure counts against the clause its evidence names; the scenario clauses are blocked', () => {
  const v = buildVerdict(
    [
      ...scenario(
        'a',
        ['@clause-3.2', '@clause-8.3', '@must'],
        [
          { text: 'a running turret', status: 'PASSED' },
          {
            text: 'the HQ waits for a "ready" status within 10 seconds',
            status: 'FAILED',
            message: '(spec 4.3.1) expected: a "ready" status\nobserved: aborted',
          },
          { text: 'verify every frame is one UTF-8 JSON object', status: 'SKIPPED' },
        ],
        [profile(true)],
      ),
      ...scenario('b', ['@clause-4.3.1', '@must'], [{ text: 'x', status: 'PASSED' }], [profile(true)]),
    ],
    ctx,
  );
  assert.equal(v.passed, false);
  assert.equal(clause(v, '4.3.1')?.status, 'failed', 'counted against 4.3.1, though 4.3.1 met elsewhere');
  assert.equal(clause(v, '3.2')?.status, 'blocked');
  assert.deepEqual(clause(v, '3.2')?.blockedBy, ['4.3.1']);
  assert.equal(clause(v, '8.3')?.status, 'blocked');
  assert.match(v.text, /3\.2 +MUST +blocked by 4\.3\.1/);
  assert.match(v.markdown, /### \(spec 4\.3\.1\) MUST: scenario a \[blocks 3\.2, 8\.3\]/);
  assert.match(v.text, /1 of them blocked by another clause's failure/);
});

test("a failure of the checks run after a scenario's steps leaves its own clauses met", () => {
  const v = buildVerdict(
    scenario(
      'a',
      ['@clause-5.4', '@must'],
      [
        { text: 'verify every result carries the custom timer', status: 'PASSED' },
        { status: 'FAILED', message: '(spec 6.5) expected: each result once\nobserved: twice' },
      ],
    ),
    ctx,
  );
  assert.equal(clause(v, '6.5')?.status, 'failed');
  assert.equal(clause(v, '5.4')?.status, 'met');
  assert.match(v.scenarios[0]!.failure!.step, /after the steps/);
});

test('an exception in the kit is a kit error, never a failure of the turret', () => {
  const v = buildVerdict(
    [
      ...scenario(
        'a',
        ['@clause-2.4', '@must'],
        [
          {
            text: 'the turret is launched 2 seconds before the HQ listens',
            status: 'FAILED',
            message:
              'KitError: the kit could not bind its HQ on ports 1 and 2: Error: Address already in use',
          },
        ],
      ),
      ...scenario('b', ['@clause-4.2', '@must'], [{ text: 'x', status: 'PASSED' }]),
    ],
    ctx,
  );
  assert.equal(v.passed, false);
  assert.equal(v.kitErrors, 1);
  assert.equal(v.scenarios[0]!.status, 'kit-error');
  assert.equal(clause(v, '2.4')?.status, 'kit-error');
  assert.ok(
    v.clauses.every((c) => c.status !== 'failed'),
    v.text,
  );
  assert.match(v.text, /^KIT ERROR: 1 passed, 0 failed/);
  assert.match(v.scenarios[0]!.failure!.evidence, /^kit error \(not a verdict on the turret\)/);
});

test('a turret that never advertised protocol 1.x is judged by the legacy profile, said at the top', () => {
  const na = { mediaType: NOTE_MEDIA.notApplicable, body: 'legacy turret' };
  const v = buildVerdict(
    [
      ...scenario(
        'a',
        ['@clause-8.2', '@must'],
        [
          { text: 'a ready turret', status: 'PASSED' },
          { text: 'the turret is judged as a protocol 1.x turret', status: 'SKIPPED' },
        ],
        [na, profile(false)],
      ),
      ...scenario('b', ['@clause-5.3', '@must'], [{ text: 'x', status: 'PASSED' }], [na, profile(false)]),
    ],
    ctx,
  );
  assert.equal(v.passed, true);
  assert.equal(v.profile, 'legacy');
  assert.equal(clause(v, '8.2')?.status, 'not-applicable');
  assert.match(v.text, /8\.2 +MUST +not applicable \(legacy turret\)/);
  assert.match(v.text, /5\.3 +MUST +met \(in part not applicable: legacy turret\)/);
  assert.match(v.text.split('\n')[1]!, /LEGACY turret/);
  assert.match(v.markdown, /\*\*Judged as a LEGACY turret/);
  const modern = buildVerdict(
    scenario('a', ['@clause-4.2', '@must'], [{ text: 'x', status: 'PASSED' }], [profile(true)]),
    ctx,
  );
  assert.equal(modern.profile, 'protocol-1.x');
  assert.doesNotMatch(modern.text, /LEGACY/);
});
