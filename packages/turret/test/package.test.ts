/**
 * `oct-turret start --tar`: packer-made tarballs (files under package/, config at package/turret.json),
 * and tarballs that try to write outside the extraction directory, which are refused.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tar from 'tar';
import { unsafeEntry } from '../src/package-file.js';
import { FIXTURES, Harness, spawnTurret, tempDir } from './harness.js';

describe('oct-turret start --tar', () => {
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

  it('runs the turret of a packed package', async () => {
    const src = join(tmp.dir, 'good');
    mkdirSync(join(src, 'package', 'lib'), { recursive: true });
    copyFileSync(join(FIXTURES, 'ok.js'), join(src, 'package', 'lib', 'v_user.js'));
    h.writeConfig(join(src, 'package'), { name: 'packed', canons: 1, script: 'lib/v_user.js' });
    writeFileSync(
      join(src, 'package', 'package.json'),
      JSON.stringify({ name: 'packed-turret', version: '1.0.0' }),
    );
    const tgz = join(tmp.dir, 'packed-turret-1.0.0.tgz');
    await tar.c({ gzip: true, file: tgz, cwd: src }, ['package']);
    const t = spawnTurret(['start', '--tar', tgz]);
    try {
      const s = await h.ready('packed');
      assert.equal(s.script, 'lib/v_user.js');
      await h.send('start');
      const rs = await h.waitResults(s.uuid, 5);
      assert.ok(rs.every((r) => r.error === ''));
    } finally {
      await t.stop();
    }
  });

  it('refuses a tarball with a ".." entry, writing nothing outside', async () => {
    const src = join(tmp.dir, 'evil', 'inner');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(tmp.dir, 'evil', 'escape.txt'), 'gotcha');
    const tgz = join(tmp.dir, 'evil.tgz');
    await tar.c({ gzip: true, file: tgz, cwd: src, preservePaths: true }, ['../escape.txt']);
    const t = spawnTurret(['start', '--tar', tgz]);
    assert.equal(await t.exited, 2);
    assert.match(t.stderr(), /evil\.tgz: refusing the package: entry "\.\.\/escape\.txt" is unsafe/);
    assert.doesNotMatch(t.stderr(), /\n\s+at /);
  });

  it('refuses a tarball with a symlink pointing outside', async () => {
    const src = join(tmp.dir, 'links');
    mkdirSync(join(src, 'package'), { recursive: true });
    symlinkSync('/etc/passwd', join(src, 'package', 'passwd'));
    symlinkSync('../../outside', join(src, 'package', 'up'));
    const tgz = join(tmp.dir, 'links.tgz');
    await tar.c({ gzip: true, file: tgz, cwd: src }, ['package']);
    const t = spawnTurret(['start', '--tar', tgz]);
    assert.equal(await t.exited, 2);
    assert.match(
      t.stderr(),
      /entry "package\/passwd" is unsafe \(link to an absolute path "\/etc\/passwd"\)/,
    );
    assert.match(t.stderr(), /entry "package\/up" is unsafe \(link pointing outside the package/);
  });

  it('says so when the package has no turret.json, or is not a tarball', async () => {
    const src = join(tmp.dir, 'noconf');
    mkdirSync(join(src, 'package'), { recursive: true });
    writeFileSync(join(src, 'package', 'x.js'), 'export default () => {}');
    const tgz = join(tmp.dir, 'noconf.tgz');
    await tar.c({ gzip: true, file: tgz, cwd: src }, ['package']);
    let t = spawnTurret(['start', '--tar', tgz]);
    assert.equal(await t.exited, 2);
    assert.match(t.stderr(), /noconf\.tgz:package\/turret\.json: cannot read the turret config: ENOENT/);

    const notTar = join(tmp.dir, 'not.tgz');
    writeFileSync(notTar, 'hello');
    t = spawnTurret(['start', '--tar', notTar]);
    assert.equal(await t.exited, 2);
    assert.match(t.stderr(), /not\.tgz: /);
  });

  it('classifies entries (unit)', () => {
    assert.equal(unsafeEntry('package/a.js', 'File', undefined), null);
    assert.equal(unsafeEntry('package/lib/link', 'SymbolicLink', '../a.js'), null);
    assert.match(unsafeEntry('/etc/x', 'File', undefined)!, /absolute/);
    assert.match(unsafeEntry('package/../../x', 'File', undefined)!, /\.\./);
    assert.match(unsafeEntry('package/h', 'Link', '../x')!, /outside/);
    assert.match(unsafeEntry('package/dev', 'CharacterDevice', undefined)!, /unsupported/);
  });
});
