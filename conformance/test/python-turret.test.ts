/** examples/python-turret, a third-party turret in Python, passes every MUST and curve scenario. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { explain, pythonDir, run } from './helpers.js';

const python = '/usr/bin/python3';
const hasZmq = spawnSync(python, ['-c', 'import zmq']).status === 0;

test(
  'the Python turret passes every MUST and curve scenario',
  // CI installs python3-zmq, so there its absence is a failure; elsewhere the skip names the package.
  {
    skip:
      hasZmq || process.env.CI
        ? false
        : 'needs /usr/bin/python3 with python3-zmq (apt-get install python3-zmq)',
  },
  async () => {
    assert.ok(hasZmq, `${python} cannot import zmq: apt-get install python3-zmq (.ci/run does)`);
    const verdict = await run({
      turret: `${python} ${join(pythonDir, 'turret.py')} {config}`,
      fixtures: join(pythonDir, 'fixtures.json'),
      level: 'must',
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
  },
);
