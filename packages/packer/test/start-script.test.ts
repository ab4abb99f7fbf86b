/**
 * start.cjs, the bin of a packed turret, on its own: laid out as npm installs it, beside a stand-in
 * @oct/turret whose oct-turret bin only reports its arguments. (The real turret is exercised by
 * install.e2e.test.ts; this checks how start.cjs finds and calls it, even where that cannot run.)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { extract } from 'tar';
import { packTurrets } from '../src/index.js';
import { makeProject } from './helpers.js';

const run = promisify(execFile);

void describe('start.cjs', () => {
  void it('runs the oct-turret bin of the installed @oct/turret with start --config <its dir>/turret.json', async () => {
    const project = await makeProject({ turrets: [{ name: 'navigation', canons: 1, script: 'v_user.js' }] });
    try {
      const [archive] = await packTurrets(project.dir, { outDir: project.root });
      const modules = path.join(project.root, 'firing', 'node_modules');
      const installed = path.join(modules, 'oct-turret-navigation');
      await mkdir(installed, { recursive: true });
      await extract({ file: archive ?? '', cwd: installed, strip: 1 });
      const startJs = path.join(installed, 'start.cjs');

      // Without @oct/turret: a one-line error, exit code 1.
      await assert.rejects(run(process.execPath, [startJs]), (err: { code?: number; stderr?: string }) => {
        assert.equal(err.code, 1);
        assert.match(
          err.stderr ?? '',
          /^ERROR: @oct\/turret \(its oct-turret command\) is not installed beside .*: run npm install\n$/,
        );
        return true;
      });

      const turretDir = path.join(modules, '@oct', 'turret');
      await mkdir(path.join(turretDir, 'bin'), { recursive: true });
      await writeFile(
        path.join(turretDir, 'package.json'),
        JSON.stringify({
          name: '@oct/turret',
          version: '0.1.0',
          type: 'module',
          bin: { 'oct-turret': 'bin/oct-turret.js' },
        }),
      );
      await writeFile(
        path.join(turretDir, 'bin', 'oct-turret.js'),
        'console.log(JSON.stringify(process.argv.slice(2)));\n',
      );
      const { stdout } = await run(process.execPath, [startJs, '--verbose'], { cwd: project.root });
      assert.deepEqual(JSON.parse(stdout), [
        'start',
        '--config',
        path.join(installed, 'turret.json'),
        '--verbose',
      ]);
    } finally {
      await project.cleanup();
    }
  });
});
