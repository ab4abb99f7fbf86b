/**
 * Scripts `import { timed } from '@oct/turret'` wherever they are: in a directory under the system
 * temp dir (outside this repository, no node_modules above it), started with --config or --tar,
 * JavaScript and TypeScript, ES modules and CommonJS (as tsx runs a .ts with no "type": "module").
 * A project's own copy of @oct/turret comes first.
 *
 * harness PUB  -- start -->  turret SUB
 * harness PULL <-- statuses, results (custom timer set by timed) --  turret PUSH
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tar from 'tar';
import { Harness, spawnTurret, tempDir, type Received } from './harness.js';

/** A script using timed(): sets the custom timer `work`. */
const JS_SCRIPT = `import { timed } from '@oct/turret';

export class Transaction {
  constructor() {
    this.customTimers = {};
  }

  async run() {
    await timed(this.customTimers, 'work', () => new Promise((r) => setTimeout(r, 5)));
  }
}
`;

/** The same in TypeScript, as a default function, with the package's types. */
const TS_FUNCTION = `import { timed, type TransactionArgs } from '@oct/turret';

export default async function run({ customTimers }: TransactionArgs): Promise<void> {
  const n: number = await timed(customTimers, 'work', () => new Promise<number>((r) => setTimeout(() => r(42), 5)));
  if (n !== 42) throw new Error('timed returned ' + n);
}
`;

/** CommonJS: require() gets the same fallback. */
const CJS_SCRIPT = `const { timed } = require('@oct/turret');

class Transaction {
  constructor() {
    this.customTimers = {};
  }

  async run() {
    await timed(this.customTimers, 'work', () => new Promise((r) => setTimeout(r, 5)));
  }
}

module.exports = { Transaction };
`;

/** A TypeScript Transaction class. */
const TS_CLASS = `import { timed, type CustomTimers } from '@oct/turret';

export class Transaction {
  customTimers: CustomTimers = {};

  async run(): Promise<void> {
    await timed(this.customTimers, 'work', () => new Promise<void>((r) => setTimeout(r, 5)));
  }
}
`;

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** No node_modules/@oct/turret in `dir` or above it: only the turret itself can provide it. */
function assertNothingAbove(dir: string): void {
  for (let d = dir; ; d = dirname(d)) {
    assert.ok(!existsSync(join(d, 'node_modules', '@oct', 'turret')), `${d} has node_modules/@oct/turret`);
    if (dirname(d) === d) return;
  }
}

describe("scripts import '@oct/turret' wherever they are", () => {
  let h: Harness;
  let tmp: ReturnType<typeof tempDir>;
  before(async () => {
    h = await Harness.create();
    tmp = tempDir();
  });
  after(() => {
    h.close();
    tmp.cleanup();
  });

  /** Starts `oct-turret <args>` (turret `name`), fires and returns a few results and the stderr. */
  async function fire(args: string[], name: string): Promise<{ results: Received[]; stderr: string }> {
    const t = spawnTurret(args);
    try {
      const died = t.exited.then((code) => {
        throw new Error(`oct-turret exited with ${code}:\n${t.stderr()}`);
      });
      const s = await Promise.race([h.ready(name), died]);
      await h.send('start');
      const results = await Promise.race([h.waitResults(s.uuid, 4, 0, 60_000), died]);
      return { results, stderr: t.stderr() };
    } finally {
      await t.stop();
    }
  }

  function assertTimed(results: Received[], timer = 'work'): void {
    for (const r of results) {
      assert.equal(r.error, '', `a transaction failed: ${r.error}`);
      assert.equal(typeof r.custom_timers[timer], 'number', `timer ${timer} in ${JSON.stringify(r)}`);
    }
  }

  it('--config: a JavaScript script in a directory with no package.json (two workers)', async () => {
    const dir = join(tmp.dir, 'js-bare');
    write(join(dir, 'v_user.js'), JS_SCRIPT);
    assertNothingAbove(dir);
    const cfg = h.writeConfig(dir, { name: 'js-bare', canons: 2, workers: 2, script: 'v_user.js' });
    assertTimed((await fire(['start', '--config', cfg], 'js-bare')).results);
  });

  it('--config: a TypeScript script with no package.json (tsx runs it as CommonJS)', async () => {
    const dir = join(tmp.dir, 'ts-bare');
    write(join(dir, 'v_user.ts'), TS_FUNCTION);
    assertNothingAbove(dir);
    const cfg = h.writeConfig(dir, { name: 'ts-bare', canons: 1, script: 'v_user.ts' });
    assertTimed((await fire(['start', '--config', cfg], 'ts-bare')).results);
  });

  it('--config: a TypeScript script in a "type": "module" project (tsx runs it as an ES module)', async () => {
    const dir = join(tmp.dir, 'ts-module');
    write(join(dir, 'package.json'), JSON.stringify({ name: 'ts-module', private: true, type: 'module' }));
    write(join(dir, 'v_user.ts'), TS_CLASS);
    assertNothingAbove(dir);
    const cfg = h.writeConfig(dir, { name: 'ts-module', canons: 1, script: 'v_user.ts' });
    const { results, stderr } = await fire(['start', '--config', cfg], 'ts-module');
    assertTimed(results);
    assert.doesNotMatch(stderr, /MODULE_TYPELESS/);
  });

  it('--config: a CommonJS script (.cjs) that requires it', async () => {
    const dir = join(tmp.dir, 'cjs-bare');
    write(join(dir, 'v_user.cjs'), CJS_SCRIPT);
    assertNothingAbove(dir);
    const cfg = h.writeConfig(dir, { name: 'cjs-bare', canons: 1, script: 'v_user.cjs' });
    assertTimed((await fire(['start', '--config', cfg], 'cjs-bare')).results);
  });

  it('--tar: a packed package without node_modules', async () => {
    const src = join(tmp.dir, 'tar-src');
    const pkg = join(src, 'package');
    write(join(pkg, 'package.json'), JSON.stringify({ name: 'tar-js', version: '1.0.0', type: 'module' }));
    write(join(pkg, 'lib', 'v_user.js'), JS_SCRIPT);
    h.writeConfig(pkg, { name: 'tar-js', canons: 1, script: 'lib/v_user.js' });
    const tgz = join(tmp.dir, 'tar-js-1.0.0.tgz');
    await tar.c({ gzip: true, file: tgz, cwd: src }, ['package']);
    const { results, stderr } = await fire(['start', '--tar', tgz], 'tar-js');
    assertTimed(results);
    assert.doesNotMatch(stderr, /MODULE_TYPELESS/);
  });

  it("a project's own @oct/turret comes first (import and tsx's CommonJS require)", async () => {
    const dir = join(tmp.dir, 'own-copy');
    const own = join(dir, 'node_modules', '@oct', 'turret');
    write(
      join(own, 'package.json'),
      JSON.stringify({ name: '@oct/turret', version: '0.0.0', type: 'module', exports: './index.js' }),
    );
    write(
      join(own, 'index.js'),
      `export function timed(timers, name, fn) { timers.own_copy = 1; timers[name] = 0; return fn(); }\n`,
    );
    write(join(dir, 'v_user.js'), JS_SCRIPT);
    write(join(dir, 'v_user.ts'), TS_FUNCTION);
    for (const script of ['v_user.js', 'v_user.ts']) {
      const name = `own-${script.slice(-2)}`;
      const cfg = h.writeConfig(dir, { name, canons: 1, script }, `${name}.json`);
      assertTimed((await fire(['start', '--config', cfg], name)).results, 'own_copy');
    }
  });
});
