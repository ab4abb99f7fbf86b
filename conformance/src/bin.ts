#!/usr/bin/env node
/** oct-conformance: run the conformance scenarios against a turret and print the verdict. */
import { Command, Option } from 'commander';
import { runConformance, UsageError, type Level } from './run.js';
import { FixturesError } from './fixtures.js';
import { killAllTurrets } from './turret-process.js';

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllTurrets();
    process.exit(130);
  });
}

const program = new Command('oct-conformance')
  .description('Certify an OCT turret against spec/protocol.adoc: the kit plays HQ and launches the turret.')
  .option('--turret <command>', 'turret command line; {config} is replaced by the config path the kit writes')
  .option('--fixtures <file>', 'fixtures.json mapping each fixture behaviour (spec 10) to a script')
  .addOption(
    new Option('--level <level>', 'scenarios to run').choices(['must', 'should', 'all']).default('all'),
  )
  .option('--tags <expr>', 'Cucumber tag expression, e.g. "@clause-4.3 or @clause-4.4"')
  .option(
    '--format <type:file>',
    'Cucumber output, repeatable: html:out.html, junit:out.xml, json:out.json',
    (v: string, all: string[]) => [...all, v],
    [] as string[],
  )
  .option('--summary <file>', 'write the one-page verdict as Markdown')
  .option('--slack <seconds>', 'seconds added to every time bound', Number, 0.25)
  .option('--parallel <n>', 'scenarios run at once', Number, 1)
  .option(
    '--curve',
    'also run the curve scenarios (spec 11): the kit makes CURVE keys for its HQ and the turret',
  )
  .option('--dry-run', 'list the selected scenarios without running them')
  .option('--quiet', 'no Cucumber progress output');

program.parse();
const o = program.opts<{
  turret?: string;
  fixtures?: string;
  level: Level;
  tags?: string;
  format: string[];
  summary?: string;
  slack: number;
  parallel: number;
  curve?: boolean;
  dryRun?: boolean;
  quiet?: boolean;
}>();

try {
  const verdict = await runConformance({
    turret: o.turret,
    fixtures: o.fixtures,
    level: o.level,
    tags: o.tags,
    formats: o.format,
    summary: o.summary,
    slack: o.slack,
    parallel: o.parallel,
    curve: o.curve ?? false,
    dryRun: o.dryRun ?? false,
    ...(o.quiet ? {} : { stdout: process.stdout }),
  });
  if (o.dryRun)
    for (const s of verdict.scenarios)
      console.log(`${s.clauses.map((c) => `@clause-${c}`).join(' ')} @${s.level}  ${s.name}`);
  console.log(`\n${verdict.text}`);
  if (o.summary) console.log(`\nverdict written to ${o.summary}`);
  const failed = verdict.scenarios.some((s) => s.status === 'failed');
  // 3: nothing failed, but the kit met an error of its own (not a verdict on the turret).
  process.exitCode = verdict.passed || o.dryRun ? 0 : !failed && verdict.kitErrors > 0 ? 3 : 1;
} catch (e) {
  if (e instanceof UsageError || e instanceof FixturesError) {
    console.error(`oct-conformance: ${e.message}`);
    process.exitCode = 2;
  } else throw e;
}
