import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { layerViolations, packageDirs } from '../layers.js';

const root = join(import.meta.dirname, '..', '..');

test('the workspace follows the dependency direction of the README', () => {
  assert.deepEqual(layerViolations(root), []);
});

test('a conformance kit importing the turret is reported', () => {
  const fake = mkdtempSync(join(tmpdir(), 'oct-layers-'));
  try {
    for (const dir of Object.values(packageDirs)) {
      mkdirSync(join(fake, dir, 'src'), { recursive: true });
      writeFileSync(join(fake, dir, 'package.json'), '{}');
    }
    writeFileSync(
      join(fake, 'conformance', 'src', 'steps.ts'),
      "import { startTurret } from '@oct/turret';\n",
    );
    writeFileSync(join(fake, 'packages', 'protocol', 'package.json'), '{"dependencies":{"@oct/hq":"*"}}');
    assert.deepEqual(layerViolations(fake).sort(), [
      'conformance/src/steps.ts: imports @oct/turret',
      'packages/protocol/package.json: dependencies names @oct/hq',
    ]);
  } finally {
    rmSync(fake, { recursive: true, force: true });
  }
});
