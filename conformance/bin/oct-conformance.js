#!/usr/bin/env node
// `oct-conformance`: runs the compiled CLI. This launcher is committed (dist/ is not), so npm links the bin as
// soon as the workspace is installed, before the first build.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'oct-conformance: the package is not built (dist/bin.js missing): run npm run build\n',
  );
  process.exit(1);
}
await import(cli.href);
