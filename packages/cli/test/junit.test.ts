/** The JUnit file and the end summary's verdict lines, on awkward input. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fmtDur, verdictLines } from '../src/end-summary.js';
import { writeJunit } from '../src/junit.js';

const root = mkdtempSync(join(tmpdir(), 'oct-junit-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

const verdict = (metric: string, passed: boolean, message: string) => ({
  index: 0,
  metric,
  stat: 'p95',
  bound: '< 0.5',
  actual: passed ? 0.1 : null,
  passed,
  message,
  abort_on_fail: false,
});

void describe('--junit', () => {
  void it('escapes what XML must and drops what it cannot hold: a real parser reads it back', () => {
    const file = join(root, 'j.xml');
    const nasty = `a <b> & "c" 'd' \u0001 \ud800 end`;
    writeJunit(file, {
      project: 'p&q',
      outcome: 'all_turrets_dead',
      message: 'every turret is gone: <x> lost',
      duration: 1.5,
      startedAt: 1_700_000_000,
      verdicts: [verdict(`timer ${nasty}`, false, `bad ${nasty}`), verdict('transactions', true, 'ok')],
    });
    const script = `
import json, sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot().find('testsuite')
print(json.dumps({'name': s.get('name'), 'tests': s.get('tests'), 'failures': s.get('failures'),
  'cases': [[c.get('name'), None if c.find('failure') is None else c.find('failure').get('message')] for c in s.findall('testcase')]}))`;
    const parsed = JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as {
      name: string;
      tests: string;
      failures: string;
      cases: [string, string | null][];
    };
    assert.equal(parsed.name, 'oct p&q');
    assert.equal(parsed.tests, '3');
    assert.equal(parsed.failures, '2', 'the run outcome and the failed threshold');
    const clean = `a <b> & "c" 'd' \ufffd \ufffd end`;
    assert.deepEqual(parsed.cases, [
      ['run outcome', 'run all turrets dead: every turret is gone: <x> lost'],
      [`timer ${clean} p95 < 0.5`, `bad ${clean}`],
      ['transactions p95 < 0.5', null],
    ]);
  });
});

void describe('end summary', () => {
  void it('marks verdicts ✓ / ✗, aligned, with colour only when asked', () => {
    const lines = verdictLines(
      [verdict('transactions', true, 'fine'), verdict('checkout', false, 'slow')],
      false,
    );
    assert.deepEqual(lines, [
      'thresholds: 1 of 2 failed',
      '  ✓ transactions p95 < 0.5  fine',
      '  ✗ checkout p95 < 0.5      slow',
    ]);
    assert.ok(verdictLines([verdict('x', false, 'm')], true).some((l) => l.includes('\u001b[31m')));
    assert.deepEqual(verdictLines([], false), []);
  });

  void it('shows durations in ms below a second', () => {
    assert.deepEqual([0.00123, 0.0456, 0.789, 1.5, 42, null].map(fmtDur), [
      '1.23ms',
      '45.6ms',
      '789ms',
      '1.50s',
      '42.0s',
      '–',
    ]);
  });
});
