/** The oct-conformance command: dry run, verdict files, exit codes, one-line usage errors. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { kitDir, referenceFixtures, sampleCommand } from './helpers.js';

const bin = join(kitDir, 'dist', 'bin.js');
const cli = (args: string[]) =>
  spawnSync(process.execPath, [bin, '--quiet', ...args], { encoding: 'utf8', timeout: 120_000 });

test('--dry-run lists the selected scenarios by clause', () => {
  const r = cli(['--dry-run', '--level', 'must']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /@clause-4\.3 @clause-4\.3\.4 @must\s+stop makes results cease/);
  assert.doesNotMatch(r.stdout, /@should/);
});

test('--curve adds the curve scenarios (spec 11) to the level', () => {
  const r = cli(['--dry-run', '--level', 'must', '--curve']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /@clause-11\.4 @ext-curve\s+a CURVE turret exchanges no frame with a plain HQ/);
  assert.match(r.stdout, /@clause-4\.3 @clause-4\.3\.4 @must/);
  assert.doesNotMatch(cli(['--dry-run', '--level', 'must']).stdout, /@ext-curve/);
});

test('a passing run exits 0 and writes the summary, HTML and JUnit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oct-conformance-cli-'));
  try {
    const r = cli([
      '--turret',
      sampleCommand(),
      '--fixtures',
      referenceFixtures,
      '--tags',
      '@clause-4.2 or @clause-4.4',
      '--slack',
      '0.5',
      '--summary',
      join(dir, 'verdict.md'),
      '--format',
      `html:${join(dir, 'out.html')}`,
      '--format',
      `junit:${join(dir, 'out.xml')}`,
    ]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(readFileSync(join(dir, 'verdict.md'), 'utf8'), /\| 4\.4 \| MUST \| met \|/);
    assert.match(readFileSync(join(dir, 'out.xml'), 'utf8'), /<testsuite/);
    assert.match(readFileSync(join(dir, 'out.html'), 'utf8'), /<html/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing run exits 1 and the summary shows the clause text and the evidence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oct-conformance-cli-'));
  try {
    const r = cli([
      '--turret',
      sampleCommand('slow-kill'),
      '--fixtures',
      referenceFixtures,
      '--tags',
      '@clause-4.4',
      '--summary',
      join(dir, 'v.md'),
    ]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const md = readFileSync(join(dir, 'v.md'), 'utf8');
    assert.match(md, /\| 4\.4 \| MUST \| FAILED \|/);
    assert.match(md, /> Spec 4\.4 \(MUST\): "On `kill` a turret MUST send a `killed` status/);
    assert.match(md, /still running .* after "kill"/);
    assert.match(md, /<< \+[0-9.]+s \{"turret":"conformance","status":"killed"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad fixtures file gives one line naming the file and key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oct-conformance-cli-'));
  try {
    const file = join(dir, 'fixtures.json');
    writeFileSync(file, JSON.stringify({ succeed_with_timer: 'missing.js' }));
    const r = cli(['--turret', 'x {config}', '--fixtures', file]);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(
      r.stderr,
      /fixtures\.json: key "succeed_with_timer" names .*missing\.js, which does not exist \(spec 10\.1\)/,
    );
    const r2 = cli(['--turret', 'no placeholder', '--fixtures', referenceFixtures]);
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /--turret must contain \{config\}/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
