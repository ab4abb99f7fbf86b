/** User mistakes: one clear line naming the file and key, and no archive (not even a partial one). */
import assert from 'node:assert/strict';
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PackError, packTurrets } from '../src/index.js';
import { writeArchive } from '../src/archive.js';
import { makeProject, writeConfig } from './helpers.js';

/** Archives and temp files anywhere under `dir`. */
async function leftovers(dir: string): Promise<string[]> {
  const all = await readdir(dir, { recursive: true });
  return all.filter((f) => f.endsWith('.tgz') || f.endsWith('.tmp'));
}

/** Packs the project with `overrides` and expects a PackError whose message matches `pattern`. */
async function expectRefused(
  overrides: Record<string, unknown>,
  pattern: RegExp,
  prepare?: (dir: string, root: string) => Promise<void>,
): Promise<string> {
  const project = await makeProject(overrides);
  try {
    await prepare?.(project.dir, project.root);
    let message = '';
    await assert.rejects(packTurrets(project.dir, {}), (err: unknown) => {
      assert.ok(err instanceof PackError, `expected a PackError, got ${String(err)}`);
      message = err.message;
      assert.match(err.message, pattern);
      for (const line of err.errors) assert.doesNotMatch(line, /\n|    at /, 'one line each, no stack');
      return true;
    });
    assert.deepEqual(await leftovers(project.root), [], 'no archive left behind');
    return message;
  } finally {
    await project.cleanup();
  }
}

void describe('missing keys and files', () => {
  void it('names a missing required key of an inline turret', async () => {
    const message = await expectRefused(
      { turrets: [{ name: 'navigation', canons: 2 }, 'turrets/checkout.json'] },
      /config\.json: config\.turrets\.0\.script is required \(spec 9\.2\)/,
    );
    assert.ok(message.includes('project/config.json'), message);
  });

  void it('names a missing required key of the project', async () => {
    await expectRefused({ run_time: undefined }, /config\.json: config\.run_time is required \(spec 9\.2\)/);
  });

  void it('names a missing required key of a turret config file', async () => {
    await expectRefused(
      {},
      /turrets\/checkout\.json: turret\.script is required \(spec 9\.1\)/,
      async (dir) => {
        await writeFile(
          path.join(dir, 'turrets', 'checkout.json'),
          JSON.stringify({ name: 'checkout', canons: 1 }),
        );
      },
    );
  });

  void it('names a missing script file, and writes no archive even for the valid turret', async () => {
    await expectRefused(
      {},
      /turrets\/checkout\.json: script "\.\.\/v_user2\.js": file not found/,
      async (dir) => {
        await writeFile(
          path.join(dir, 'turrets', 'checkout.json'),
          JSON.stringify({ name: 'checkout', canons: 1, script: '../v_user2.js' }),
        );
      },
    );
  });

  void it('names a missing extra file', async () => {
    await expectRefused(
      { turrets: [{ name: 'navigation', canons: 2, script: 'v_user.js', extra_files: ['data/nope.csv'] }] },
      /config\.json turrets\[0\]: extra_files\[0\] "data\/nope\.csv": file not found/,
    );
  });

  void it('names a missing turret config file', async () => {
    await expectRefused(
      { turrets: ['turrets/missing.json'] },
      /config\.json: turrets\[0\] "turrets\/missing\.json": file not found/,
    );
  });

  void it('names a missing or broken config.json', async () => {
    const project = await makeProject();
    try {
      await rm(path.join(project.dir, 'config.json'));
      await assert.rejects(packTurrets(project.dir, {}), /project\/config\.json: file not found/);
      await writeFile(path.join(project.dir, 'config.json'), '{ "run_time": ');
      await assert.rejects(
        packTurrets(project.dir, {}),
        /project\/config\.json:1:15: not valid JSON: Unexpected end of JSON input/,
      );
    } finally {
      await project.cleanup();
    }
  });

  void it('refuses a requirement that is not an npm spec', async () => {
    await expectRefused(
      { turrets_requirements: ['requests==2.31'] },
      /turrets_requirements\[0\] "requests==2\.31" is not an npm dependency spec/,
    );
  });

  void it('refuses a file that would overwrite a generated one', async () => {
    await expectRefused({}, /package\.json is written by the packer/, async (dir) => {
      await writeFile(path.join(dir, 'package.json'), '{}');
      await writeConfig(dir, {
        run_time: 5,
        results_ts_interval: 1,
        turrets: [{ name: 'n', canons: 1, script: 'v_user.js', extra_files: ['package.json'] }],
      });
    });
  });

  void it('says in one line that an archive cannot be written', async () => {
    const project = await makeProject();
    try {
      const outDir = path.join(project.root, 'not-a-dir');
      await writeFile(outDir, 'a file where the output directory should be');
      await assert.rejects(packTurrets(project.dir, { outDir }), (err: unknown) => {
        assert.ok(err instanceof PackError);
        assert.match(err.message, /^.*not-a-dir\/navigation\.tgz: cannot write the archive \(.*\)$/);
        return true;
      });
      assert.deepEqual(await leftovers(project.root), []);
    } finally {
      await project.cleanup();
    }
  });

  void it('--bundle: says in a few lines that npm could not install the runtime, and writes nothing', async () => {
    const project = await makeProject();
    const saved = { ...process.env };
    // No registry answers on port 9 of loopback, and an empty cache has nothing to offer instead.
    process.env.npm_config_registry = 'http://127.0.0.1:9/';
    process.env.npm_config_cache = path.join(project.root, 'empty-cache');
    process.env.npm_config_fetch_retries = '0';
    process.env.npm_config_userconfig = path.join(project.root, 'no-npmrc');
    try {
      const err = await packTurrets(project.dir, { bundle: true }).then(
        () => assert.fail('packed without a runtime'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof PackError, String(err));
      assert.match(
        err.errors[0] ?? '',
        /^--bundle: npm install @oct\/turret@\^\d+\.\d+\.\d+ undici@\^7 @scope\/pkg@1\.2\.3 failed \(npm exit code \d+\)$/,
      );
      assert.ok(
        err.errors.slice(1).some((l) => /^npm error .*(ECONNREFUSED|127\.0\.0\.1:9)/.test(l)),
        err.message,
      );
      const left = (await readdir(project.dir)).filter((n) => /\.(tgz|tmp)$/.test(n));
      assert.deepEqual(left, []);
    } finally {
      process.env = saved;
      await project.cleanup();
    }
  });

  void it('removes the temporary file when writing an archive fails', async () => {
    const project = await makeProject();
    try {
      const destination = path.join(project.root, 'out', 'broken.tgz');
      await assert.rejects(
        writeArchive(destination, [
          { packedPath: 'turret.json', content: '{}' },
          { packedPath: 'zz.js', source: path.join(project.dir, 'vanished.js') },
        ]),
        /ENOENT/,
      );
      await mkdir(path.join(project.root, 'out'), { recursive: true });
      assert.deepEqual(await leftovers(project.root), []);
    } finally {
      await project.cleanup();
    }
  });
});

void describe('paths that escape the project', () => {
  void it('refuses an absolute script path', async () => {
    await expectRefused(
      { turrets: [{ name: 'n', canons: 1, script: '/etc/hostname' }] },
      /turrets\[0\]: script "\/etc\/hostname" must be a path relative to the project, not an absolute path/,
    );
  });

  void it('refuses a script path with .. leaving the project', async () => {
    await expectRefused(
      { turrets: [{ name: 'n', canons: 1, script: '../outside.js' }] },
      /turrets\[0\]: script "\.\.\/outside\.js" points outside the project/,
      async (_dir, root) => writeFile(path.join(root, 'outside.js'), '// outside\n'),
    );
  });

  void it('refuses an extra file that is a symlink to a file outside the project', async () => {
    await expectRefused(
      { turrets: [{ name: 'n', canons: 1, script: 'v_user.js', extra_files: ['data/secret.txt'] }] },
      /extra_files\[0\] "data\/secret\.txt" is a symlink to .*outside\.txt, outside the project/,
      async (dir, root) => {
        await writeFile(path.join(root, 'outside.txt'), 'secret\n');
        await symlink(path.join(root, 'outside.txt'), path.join(dir, 'data', 'secret.txt'));
      },
    );
  });

  void it('refuses a symlink to outside found inside an extra directory', async () => {
    await expectRefused(
      { turrets: [{ name: 'n', canons: 1, script: 'v_user.js', extra_files: ['data'] }] },
      /extra_files\[0\] "data\/zz-link" is a symlink to .*, outside the project/,
      async (dir, root) => {
        await mkdir(path.join(root, 'elsewhere'));
        await symlink(path.join(root, 'elsewhere'), path.join(dir, 'data', 'zz-link'));
      },
    );
  });

  void it('refuses a turret config path outside the project', async () => {
    await expectRefused(
      { turrets: ['../other.json'] },
      /config\.json: turrets\[0\] "\.\.\/other\.json" points outside the project/,
    );
  });

  void it('refuses the project directory itself as an extra file', async () => {
    await expectRefused(
      { turrets: [{ name: 'n', canons: 1, script: 'v_user.js', extra_files: ['.'] }] },
      /extra_files\[0\] "\." is the project directory itself/,
    );
  });
});
