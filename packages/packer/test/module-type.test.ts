/** The "type" a packed package declares: what the script was in its project (module-type.ts). */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasModuleSyntax, moduleTypeOf } from '../src/module-type.js';

const ESM = "import { readFileSync } from 'node:fs';\nexport class Transaction { run() {} }\n";
const CJS = "const fs = require('node:fs');\nmodule.exports.Transaction = class { run() {} };\n";

void describe('moduleTypeOf', () => {
  let root = '';
  const script = async (rel: string, text: string, packageJson?: object): Promise<string> => {
    const file = path.join(root, rel);
    await mkdir(path.dirname(file), { recursive: true });
    if (packageJson)
      await writeFile(path.join(path.dirname(file), 'package.json'), JSON.stringify(packageJson));
    await writeFile(file, text);
    return file;
  };
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'oct-module-type-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  void it('takes the type of the nearest package.json, even against the syntax', async () => {
    assert.equal(await moduleTypeOf(await script('cjs-project/v.js', ESM, { type: 'commonjs' })), 'commonjs');
    assert.equal(await moduleTypeOf(await script('esm-project/sub/v.js', CJS, { type: 'module' })), 'module');
  });

  void it('without a declared type, detects ES module syntax as Node does', async () => {
    assert.equal(await moduleTypeOf(await script('untyped/esm.js', ESM, { name: 'x' })), 'module');
    assert.equal(await moduleTypeOf(await script('untyped2/cjs.js', CJS, { name: 'x' })), 'commonjs');
    assert.equal(hasModuleSyntax('const x = import.meta.url;'), true);
    assert.equal(hasModuleSyntax('await fetch("http://127.0.0.1");'), true);
    assert.equal(hasModuleSyntax('return 1;'), false, 'a CommonJS body may return');
    assert.equal(hasModuleSyntax('this is not javascript'), false);
  });

  void it('follows the extension where it decides (.mjs, .cjs) and takes TypeScript as a module', async () => {
    assert.equal(await moduleTypeOf(await script('ext/a.mjs', CJS, { type: 'commonjs' })), 'module');
    assert.equal(await moduleTypeOf(await script('ext2/a.cjs', ESM, { type: 'module' })), 'commonjs');
    assert.equal(
      await moduleTypeOf(await script('ts/a.ts', 'export const x: number = 1;\n', { name: 'x' })),
      'module',
    );
  });
});
