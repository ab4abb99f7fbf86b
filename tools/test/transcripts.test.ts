/**
 * The reference transcripts in spec/transcripts/ are what the reference turret says today: each flow
 * is played again against a fresh turret process (packages/turret/dist, built first) and compared,
 * line by line, after the same normalisation (tools/transcripts/flows.ts).
 *
 *   this test's HQ XPUB -- commands -->  turret SUB
 *   this test's HQ PULL <-- statuses, results --  turret PUSH
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FLOWS, PLACEHOLDERS, runFlow, transcriptsDir } from '../transcripts/flows.js';

test('every transcript file is a flow, and every flow has its file', () => {
  const files = readdirSync(transcriptsDir).filter((f) => f.endsWith('.ndjson'));
  assert.deepEqual(files.sort(), FLOWS.map((f) => `${f.name}.ndjson`).sort());
});

test('the README names every placeholder and every transcript', () => {
  const readme = readFileSync(join(transcriptsDir, 'README.md'), 'utf8');
  for (const key of Object.keys(PLACEHOLDERS))
    assert.ok(readme.includes(`<${key === 'custom_timers' ? 'seconds' : key}>`), `README lacks <${key}>`);
  for (const flow of FLOWS) assert.ok(readme.includes(`${flow.name}.ndjson`), `README lacks ${flow.name}`);
});

for (const flow of FLOWS) {
  test(`transcript ${flow.name} is what the reference turret says`, { timeout: 120_000 }, async () => {
    const file = join(transcriptsDir, `${flow.name}.ndjson`);
    assert.ok(existsSync(file), `${file} is missing: run npm run transcripts`);
    const expected = readFileSync(file, 'utf8').split('\n');
    const actual = (await runFlow(flow)).split('\n');
    assert.deepEqual(
      actual,
      expected,
      `spec/transcripts/${flow.name}.ndjson differs from what the reference turret says now: if the turret's change is meant, run npm run transcripts and commit the transcript`,
    );
  });
}
