// `npm run generate`: regenerates every derived file from spec/schemas.
// `--check`: regenerates in memory and fails (exit 1) naming each stale file; used by the tests.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { generateSchemaModule } from './schema-module.js';
import { loadSchemas, repoRoot } from './schemas.js';
import { generateTypes } from './types.js';
import { generateValidators } from './validators.js';
import { generateProto } from './proto.js';
import { generateReference } from './reference.js';

export async function generateAll(): Promise<Map<string, string>> {
  const schemas = loadSchemas();
  const gen = join(repoRoot, 'packages', 'protocol', 'src', 'generated');
  const proto = generateProto(schemas);
  const files = new Map<string, string>();
  files.set(join(gen, 'types.ts'), await generateTypes(schemas));
  files.set(join(gen, 'validators.ts'), generateValidators(schemas));
  files.set(
    join(gen, 'config-validators.ts'),
    generateValidators(schemas, true, ['config', 'turret-config']),
  );
  files.set(join(gen, 'schemas.ts'), generateSchemaModule(schemas));
  files.set(join(repoRoot, 'spec', 'oct.proto'), proto.file);
  files.set(join(gen, 'proto.ts'), proto.module);
  // The protocol package ships the schemas and the proto, so third parties validate against the same bytes.
  for (const { file } of schemas) {
    files.set(
      join(repoRoot, 'packages', 'protocol', 'schemas', file),
      readFileSync(join(repoRoot, 'spec', 'schemas', file), 'utf8'),
    );
  }
  files.set(join(repoRoot, 'packages', 'protocol', 'oct.proto'), proto.file);
  for (const [path, text] of generateReference(schemas)) files.set(join(repoRoot, path), text);
  return files;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const files = await generateAll();
  const stale: string[] = [];
  for (const [path, text] of files) {
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === text) continue;
    if (check) stale.push(relative(repoRoot, path));
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      console.log(`wrote ${relative(repoRoot, path)}`);
    }
  }
  if (stale.length) {
    console.error(`Stale generated files (run \`npm run generate\`):\n  ${stale.join('\n  ')}`);
    process.exitCode = 1;
  } else if (check) console.log(`${files.size} generated files are fresh.`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
