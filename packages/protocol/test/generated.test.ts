// Generated files must match what `npm run generate` would write from spec/schemas today.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { repoRoot } from './helpers.js';

void it('generated files are fresh (tools/generate/index.ts --check exits 0)', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tools/generate/index.ts', '--check'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(run.status, 0, `generator check failed:\n${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /generated files are fresh/);
});
