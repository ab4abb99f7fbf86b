/**
 * Deliberately faulty turrets: the kit's sample turret (faulty/turret.mjs) with one fault each.
 * The kit runs only the scenarios of the clause at fault (by tag) and must fail exactly that
 * clause, with evidence. Split over two test files so they run side by side.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explain, referenceFixtures, run, sampleCommand } from '../helpers.js';

/**
 * fault -> the clause it breaks, and, for a fault that only some scenarios of its clause can see, the
 * ends of their names: exactly those must fail, the clause's others must pass.
 */
export const FAULTS: [fault: string, clause: string, what: string, only?: string[]][] = [
  ['ignore-stop', '4.3', 'ignores stop'],
  ['no-status', '6.1', 'never sends a status'],
  ['late-status', '6.1', 'sends its first status after 7 s'],
  ['malformed-results', '5.3', 'sends results whose scriptrun_time is a word'],
  ['no-turret-name', '5.3', 'sends results without turret_name'],
  ['die-on-unknown', '4.6', 'dies on an unknown command'],
  ['die-on-malformed', '4.7', 'dies on a malformed frame'],
  ['obey-other', '3.1.2', "obeys another turret's direct order"],
  ['ignore-direct', '3.1.1', 'ignores its own direct orders'],
  ['slow-kill', '4.4', 'exits 5 s after kill'],
  ['no-kill-status', '4.4', 'sends no killed status'],
  ['no-status-running', '4.1', 'ignores status_request while running'],
  ['empty-error', '7.1', 'reports script errors with an empty error'],
  ['error-kills-canon', '7.1', 'stops a canon after a script error'],
  ['error-on-success', '5.3.1', 'writes "none" as the error of a success'],
  ['drop-timers', '5.4', 'drops custom timers'],
  ['one-canon', '6.3', 'runs one canon whatever the config says'],
  ['no-context', '4.5', 'ignores the transaction context'],
  ['no-ready-after-stop', '4.3.1', 'never becomes ready after a stop'],
  ['restart-on-start', '4.2.1', 'restarts on a second start'],
  ['abort-exit-zero', '7.2', 'exits with code 0 after aborting'],
  ['bad-status', '5.1', 'sends statuses without rampup'],
  ['bad-word', '5.2', 'says "busy" instead of running'],
  ['no-protocol', '8.2', 'does not advertise protocol and capabilities'],
  ['strict-fields', '8.1', 'ignores commands with unknown fields'],
  ['batch-always', '8.3', 'sends batches to an HQ that did not advertise batch'],
  ['duplicate-results', '6.5', 'sends every result twice'],
  ['seq-gap', '8.6', 'skips a seq number'],
  ['bad-batch', '8.4', 'sends batches without uuid'],
  ['uppercase', '5.2.1', 'spells status words in upper case (SHOULD)'],
  ['no-heartbeat', '6.2', 'does not repeat ready (SHOULD)'],
  ['no-rampup', '6.4', 'ignores rampup (SHOULD)'],
  ['stays-ready', '4.2', 'still says ready after start'],
  ['whole-epoch', '5.7', 'sends epochs in whole seconds (SHOULD)'],
  ['need-hq', '2.4', 'exits when the HQ is not listening yet'],
  ['silent-start', '4.8', 'sends no status after start (SHOULD)'],
  ['untagged-protobuf', '3.3', 'sends protobuf batches without the tag byte'],
  ['array-status', '3.2', 'wraps a status in a JSON array'],
  ['no-broadcast', '2.2', 'subscribes only to its own uuid, missing broadcasts'],
  ['no-run-id', '8.9', 'does not name the run of its start (session)'],
  ['ignore-new-run', '8.10', 'keeps firing for the old run when another run is advertised (session)'],
  ['outlive-hq', '8.11', 'keeps firing when its HQ falls silent (session)'],
  ['curve-ignore-keys', '11.4', 'ignores its CURVE keys and speaks plain ZeroMQ (curve)'],
  ['curve-plain-sub', '11.4', 'makes only its PUSH socket a CURVE client (curve)'],
  ['curve-lax-mode', '11.3', 'uses a secret key file that others may read (curve)'],
  ['curve-stack-trace', '11.3', 'refuses a bad key file with a stack trace (curve)'],
  ['curve-silent', '11.5', 'says nothing when its CURVE handshake fails (curve)'],
  ['curve-give-up', '11.5', 'exits when its CURVE handshake fails (curve)'],
  [
    'curve-no-reconnect',
    '11.5',
    'leaves reconnecting to ZeroMQ, which gives up after a plain HQ or a ZAP refusal (curve)',
    ['joins the CURVE HQ that takes over its ports', 'joins the HQ that admits it'],
  ],
];

/** Registers the tests for every other fault, starting at `offset` (0 or 1). */
export function faultTests(offset: number): void {
  for (const [fault, clause, what, only] of FAULTS.filter((_, i) => i % 2 === offset)) {
    test(`a turret that ${what} fails clause ${clause}`, async () => {
      const verdict = await run({
        turret: sampleCommand(fault),
        fixtures: referenceFixtures,
        tags: `@clause-${clause}`,
        curve: true, // the curve faults need it; other clauses' scenarios are unaffected
      });
      assert.equal(verdict.passed, false, `the kit passed a turret that ${what}:\n${explain(verdict)}`);
      const failed = verdict.clauses.find((c) => c.clause === clause);
      assert.equal(failed?.status, 'failed', `clause ${clause} is not failed:\n${explain(verdict)}`);
      const failure = verdict.scenarios.find(
        (s) => s.status === 'failed' && s.clauses.includes(clause),
      )?.failure;
      assert.ok(failure, 'a failure with evidence');
      assert.match(failure.evidence, /\(spec [0-9.]+/, 'the evidence names a clause');
      assert.match(failure.evidence, /observed: /, 'the evidence says what was observed');
      assert.match(
        verdict.markdown,
        new RegExp(`\\(spec [0-9., ]*${clause.replace(/\./g, '\\.')}`),
        'the summary names the clause',
      );
      if (only) {
        const failing = verdict.scenarios.filter((s) => s.status === 'failed').map((s) => s.name);
        const expected = verdict.scenarios
          .filter((s) => only.some((end) => s.name.endsWith(end)))
          .map((s) => s.name);
        assert.equal(
          expected.length,
          only.length,
          `scenarios ending in ${only.join(', ')}:\n${explain(verdict)}`,
        );
        assert.deepEqual(failing.sort(), expected.sort(), `exactly those fail:\n${explain(verdict)}`);
      }
    });
  }
}
