/** Same input, same bytes: two packs of one project are byte-identical, whatever the files' mtimes and modes. */
import assert from 'node:assert/strict';
import { chmod, readFile, utimes } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { packTurrets } from '../src/index.js';
import { makeProject } from './helpers.js';

void describe('deterministic archives', () => {
  void it('gives the same bytes twice, even after the files are touched and re-moded', async () => {
    const project = await makeProject();
    try {
      const first = await packTurrets(project.dir, { outDir: path.join(project.root, 'one') });
      await utimes(path.join(project.dir, 'v_user.js'), new Date('2020-01-01'), new Date('2020-01-01'));
      await chmod(path.join(project.dir, 'data', 'users.csv'), 0o600);
      await chmod(path.join(project.dir, 'v_user.js'), 0o775);
      const second = await packTurrets(project.dir, { outDir: path.join(project.root, 'two') });
      assert.equal(first.length, 2);
      for (const [i, file] of first.entries()) {
        const a = await readFile(file);
        const b = await readFile(second[i] ?? '');
        assert.ok(a.equals(b), `${path.basename(file)} differs between two packs`);
        // gzip header: no timestamp (bytes 4-7), OS byte "unknown" (byte 9), so no machine leaks in.
        assert.deepEqual([...a.subarray(4, 8)], [0, 0, 0, 0]);
        assert.equal(a[9], 0xff);
      }
    } finally {
      await project.cleanup();
    }
  });

  void it('changes bytes when a packed file changes (the comparison can fail)', async () => {
    const project = await makeProject();
    try {
      const [first] = await packTurrets(project.dir, { outDir: path.join(project.root, 'one') });
      const { writeFile } = await import('node:fs/promises');
      await writeFile(path.join(project.dir, 'data', 'users.csv'), 'id,name\n1,bob\n');
      const [second] = await packTurrets(project.dir, { outDir: path.join(project.root, 'two') });
      assert.ok(!(await readFile(first ?? '')).equals(await readFile(second ?? '')));
    } finally {
      await project.cleanup();
    }
  });
});

void describe('portable archives', () => {
  void it('gives the same bytes for the same project at another place on disk', async () => {
    const a = await makeProject();
    const b = await makeProject();
    try {
      const [fromA] = await packTurrets(a.dir, {});
      const [fromB] = await packTurrets(b.dir, {});
      assert.notEqual(fromA, fromB);
      assert.ok((await readFile(fromA ?? '')).equals(await readFile(fromB ?? '')));
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });
});
