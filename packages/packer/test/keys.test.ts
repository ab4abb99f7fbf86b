/**
 * security.curve (spec 11.3): each packed turret carries the HQ's public key and its own key pair
 * (mode 0600), and its turret.json names them; start.cjs gives the secret back its 0600 after npm
 * (which installs every file 0644); missing keys stop the packing with one line saying what to run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { extract } from 'tar';
import { readCertificate, writeCertificates } from '@oct/protocol/curve-keys';
import { PackError, packTurrets } from '../src/index.js';
import { entryJson, makeProject, readArchive } from './helpers.js';

const run = promisify(execFile);

void describe('pack-turrets with security.curve', () => {
  void it('packs the HQ public key and the turret key pair (0600), named in turret.json', async () => {
    const project = await makeProject({
      security: { curve: true },
      turrets: [{ name: 'navigation', canons: 1, script: 'v_user.js' }],
    });
    try {
      await mkdir(path.join(project.dir, 'keys', 'turrets'), { recursive: true });
      writeCertificates(path.join(project.dir, 'keys', 'hq'), 'hq');
      writeCertificates(path.join(project.dir, 'keys', 'turrets', 'navigation'), 'navigation');
      const [archive] = await packTurrets(project.dir, { outDir: project.root });
      const entries = await readArchive(archive!);
      const mode = (p: string): number => entries.find((e) => e.path === `package/${p}`)!.mode & 0o777;
      assert.equal(mode('keys/hq.key'), 0o644);
      assert.equal(mode('keys/turret.key_secret'), 0o600);
      const config = entryJson(entries, 'turret.json');
      assert.equal(config.curve_server_key, 'keys/hq.key');
      assert.equal(config.curve_secret_key, 'keys/turret.key_secret');
      const packedSecret = entries
        .find((e) => e.path === 'package/keys/turret.key_secret')!
        .content.toString();
      const own = readCertificate(path.join(project.dir, 'keys', 'turrets', 'navigation.key_secret'), {
        secret: true,
      });
      assert.ok(packedSecret.includes(own.secretKey!), 'its own secret key');

      // As npm installs it (every file 0644), then started through start.cjs: 0600 again.
      const installed = path.join(project.root, 'firing', 'node_modules', 'oct-turret-navigation');
      await mkdir(installed, { recursive: true });
      await extract({ file: archive!, cwd: installed, strip: 1 });
      const secret = path.join(installed, 'keys', 'turret.key_secret');
      await chmod(secret, 0o644);
      const turretDir = path.join(project.root, 'firing', 'node_modules', '@oct', 'turret');
      await mkdir(turretDir, { recursive: true });
      await writeFile(
        path.join(turretDir, 'package.json'),
        JSON.stringify({ name: '@oct/turret', version: '0.1.0', bin: { 'oct-turret': 'bin.cjs' } }),
      );
      await writeFile(path.join(turretDir, 'bin.cjs'), 'console.log("started")\n');
      const { stdout } = await run(process.execPath, [path.join(installed, 'start.cjs')]);
      assert.equal(stdout.trim(), 'started');
      assert.equal((await stat(secret)).mode & 0o777, 0o600);
    } finally {
      await project.cleanup();
    }
  });

  void it('refuses to pack without the keys, saying what to run, and writes nothing', async () => {
    const project = await makeProject({
      security: { curve: true },
      turrets: [{ name: 'navigation', canons: 1, script: 'v_user.js' }],
    });
    try {
      await assert.rejects(packTurrets(project.dir, { outDir: project.root }), (err: Error) => {
        assert.ok(err instanceof PackError);
        assert.match(
          err.message,
          /turrets\[0\]: security\.curve: .*keys\/hq\.key: key file not found \(make them with: oct keys .*\)$/,
        );
        return true;
      });
    } finally {
      await project.cleanup();
    }
  });
});
