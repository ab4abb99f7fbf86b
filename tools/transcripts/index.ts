/**
 * `npm run transcripts`: regenerates spec/transcripts/*.ndjson from the reference turret (built:
 * packages/turret/dist). `--only <name>` runs one flow. tools/test/transcripts.test.ts regenerates
 * them the same way and compares.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLOWS, runFlow, transcriptsDir } from './flows.js';

const only = process.argv.indexOf('--only');
const flows = only >= 0 ? FLOWS.filter((f) => f.name === process.argv[only + 1]) : FLOWS;
if (flows.length === 0) {
  process.stderr.write(
    `transcripts: no flow named ${process.argv[only + 1]} (${FLOWS.map((f) => f.name).join(', ')})\n`,
  );
  process.exit(2);
}
mkdirSync(transcriptsDir, { recursive: true });
for (const flow of flows) {
  const text = await runFlow(flow);
  writeFileSync(join(transcriptsDir, `${flow.name}.ndjson`), text);
  process.stdout.write(`spec/transcripts/${flow.name}.ndjson\n`);
}
