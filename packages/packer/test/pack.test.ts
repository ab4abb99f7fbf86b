/** packTurrets on a real project in a temp dir: archive layout, turret.json, package.json, output lines. */
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NPM_MTIME, PackError, archiveName, packTurrets } from '../src/index.js';
import { entryJson, makeProject, readArchive, type ArchiveFile } from './helpers.js';

void describe('packTurrets', () => {
  let project: Awaited<ReturnType<typeof makeProject>>;
  let archives: string[];
  const lines: string[] = [];

  before(async () => {
    project = await makeProject();
    archives = await packTurrets(project.dir, { log: (l) => lines.push(l) });
  });
  after(async () => project.cleanup());

  void it('writes <name>.tgz per turret into the project directory', async () => {
    assert.deepEqual(archives, [
      path.join(project.dir, 'navigation.tgz'),
      path.join(project.dir, 'checkout.tgz'),
    ]);
    const names = (await readdir(project.dir)).filter((n) => n.endsWith('.tgz') || n.endsWith('.tmp')).sort();
    assert.deepEqual(names, ['checkout.tgz', 'navigation.tgz']);
  });

  void it('packs every file under package/, sorted, with npm mtime, fixed modes and no owner', async () => {
    for (const file of archives) {
      const entries = await readArchive(file);
      assert.deepEqual(
        entries.map((e) => e.path),
        [
          'package/data/users.csv',
          'package/package.json',
          'package/start.cjs',
          'package/turret.json',
          'package/v_user.js',
        ],
      );
      for (const e of entries) {
        assert.equal(e.type, 'File');
        assert.equal(e.mtime?.getTime(), NPM_MTIME.getTime(), e.path);
        assert.equal(e.mode, e.path === 'package/start.cjs' ? 0o755 : 0o644, e.path);
        assert.ok(e.uid === undefined || e.uid === 0, `${e.path} uid ${String(e.uid)}`);
      }
      const byPath = new Map<string, ArchiveFile>(entries.map((e) => [e.path, e]));
      assert.equal(
        byPath.get('package/v_user.js')?.content.toString(),
        await readFile(path.join(project.dir, 'v_user.js'), 'utf8'),
      );
      assert.equal(byPath.get('package/data/users.csv')?.content.toString(), 'id,name\n1,alice\n');
    }
  });

  void it('writes turret.json pointed at the project HQ, with extra_turret_config merged and packed paths', async () => {
    const nav = entryJson(await readArchive(archives[0] ?? ''), 'turret.json');
    assert.deepEqual(nav, {
      name: 'navigation',
      canons: 2,
      rampup: 0,
      script: 'v_user.js',
      extra_files: ['data/users.csv'],
      hq_address: '10.1.2.3',
      hq_publisher: 6100,
      hq_rc: 6101,
      think_time: 0.5,
      workers: 1,
      hq_timeout: 30,
      transaction_timeout: 60,
    });
    // The file turret names its script relative to its own directory (turrets/../v_user.js).
    const checkout = entryJson(await readArchive(archives[1] ?? ''), 'turret.json');
    assert.equal(checkout.name, 'checkout');
    assert.equal(checkout.canons, 3);
    assert.equal(checkout.script, 'v_user.js');
    assert.equal(checkout.hq_publisher, 6100);
    assert.equal(checkout.think_time, 0.5);
  });

  void it('writes a private package.json with the turret dependency, the requirements, a bin and a start script', async () => {
    const manifest = entryJson(await readArchive(archives[0] ?? ''), 'package.json');
    const turretManifest = JSON.parse(
      await readFile(new URL('../../turret/package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    assert.deepEqual(manifest.dependencies, {
      '@oct/turret': `^${turretManifest.version}`,
      '@scope/pkg': '1.2.3',
      undici: '^7',
    });
    assert.equal(manifest.name, 'oct-turret-navigation');
    assert.equal(manifest.version, '1.0.0');
    assert.equal(manifest.private, true);
    assert.deepEqual(manifest.bin, { 'start-navigation': 'start.cjs' });
    assert.deepEqual(manifest.scripts, { start: 'node start.cjs' });
    // The project has no package.json and the script is an ES module: the package says so.
    assert.equal(manifest.type, 'module');
    assert.equal(manifest.bundleDependencies, undefined);
  });

  void it('ships a start.cjs that runs oct-turret start --config on its own turret.json', async () => {
    const start = (await readArchive(archives[0] ?? '')).find((e) => e.path === 'package/start.cjs');
    const text = start?.content.toString() ?? '';
    assert.match(text, /^#!\/usr\/bin\/env node/);
    assert.match(text, /'start', '--config', path\.join\(__dirname, 'turret\.json'\)/);
  });

  void it('prints the Added and Archive lines OCT users know, and the WARNING lines', () => {
    const navigation = lines.slice(
      lines.findIndex((l) => l.startsWith('Added')),
      lines.findIndex((l) => l.startsWith('Archive')) + 1,
    );
    assert.deepEqual(navigation, [
      'Added data/users.csv',
      'Added package.json',
      'Added start.cjs',
      'Added turret.json',
      'Added v_user.js',
      `Archive ${path.join(project.dir, 'navigation.tgz')} created`,
    ]);
    assert.ok(
      lines.some((l) => /^WARNING: .*turrets\[0\]: optional key "workers" not set/.test(l)),
      lines.join('\n'),
    );
    assert.ok(
      !lines.some((l) => /"hq_address"|"hq_rc"|"hq_publisher"/.test(l)),
      'no warning about keys the packer fills',
    );
  });

  void it('writes into outDir when given, creating it', async () => {
    const outDir = path.join(project.root, 'out', 'nested');
    const written = await packTurrets(project.dir, { outDir });
    assert.deepEqual(written, [path.join(outDir, 'navigation.tgz'), path.join(outDir, 'checkout.tgz')]);
  });
});

void describe('extra_turret_config', () => {
  void it("wins over each turret's own keys but name, script and extra_files, one WARNING per ignored key", async () => {
    const project = await makeProject({
      extra_turret_config: {
        canons: 7,
        hq_address: 'hq.example.org',
        think_time: 0.5,
        name: 'renamed',
        script: 'other.js',
        extra_files: [],
      },
    });
    const lines: string[] = [];
    try {
      const archives = await packTurrets(project.dir, { log: (l) => lines.push(l) });
      const nav = entryJson(await readArchive(archives[0] ?? ''), 'turret.json');
      const checkout = entryJson(await readArchive(archives[1] ?? ''), 'turret.json');
      for (const [turret, name] of [
        [nav, 'navigation'],
        [checkout, 'checkout'],
      ] as const) {
        assert.equal(turret.name, name);
        assert.equal(turret.canons, 7, `${name}: extra_turret_config.canons over the turret's own`);
        assert.equal(turret.hq_address, 'hq.example.org');
        assert.equal(turret.think_time, 0.5);
        assert.equal(turret.script, 'v_user.js');
        assert.deepEqual(turret.extra_files, ['data/users.csv']);
      }
      for (const key of ['name', 'script', 'extra_files']) {
        const said = lines.filter((l) => l.includes(`extra_turret_config.${key} ignored`));
        assert.equal(said.length, 1, `one WARNING for ${key} in:\n${lines.join('\n')}`);
        assert.match(said[0]!, /^WARNING: .*config\.json: /);
      }
      assert.ok(!lines.some((l) => /optional key "canons"/.test(l)), 'no default warning for canons');
    } finally {
      await project.cleanup();
    }
  });

  void it('is checked merged: a value that makes a turret invalid names the turret', async () => {
    const project = await makeProject({ extra_turret_config: { canons: -1 } });
    try {
      await assert.rejects(packTurrets(project.dir, {}), (err: unknown) => {
        assert.ok(err instanceof PackError);
        assert.match(err.message, /turrets\[0\] \(with extra_turret_config\): .*canons/);
        return true;
      });
    } finally {
      await project.cleanup();
    }
  });
});

void describe('archive and package names', () => {
  void it('keeps simple names and replaces unsafe characters', () => {
    assert.equal(archiveName('navigation'), 'navigation.tgz');
    assert.equal(archiveName('Nav 2/../x'), 'Nav-2-..-x.tgz');
  });

  void it('packs a turret with an unusual name under a sanitised npm name', async () => {
    const project = await makeProject({
      turrets: [{ name: 'My Turret #1', canons: 1, script: 'v_user.js' }],
    });
    try {
      const [file] = await packTurrets(project.dir, {});
      assert.equal(path.basename(file ?? ''), 'My-Turret-1.tgz');
      const manifest = entryJson(await readArchive(file ?? ''), 'package.json');
      assert.equal(manifest.name, 'oct-turret-my-turret-1');
      assert.deepEqual(manifest.bin, { 'start-my-turret-1': 'start.cjs' });
    } finally {
      await project.cleanup();
    }
  });

  void it('refuses two turrets that would write the same archive', async () => {
    const project = await makeProject({
      turrets: [
        { name: 'nav', canons: 1, script: 'v_user.js' },
        { name: 'NAV', canons: 1, script: 'v_user.js' },
      ],
    });
    try {
      await assert.rejects(packTurrets(project.dir, {}), (err: unknown) => {
        assert.ok(err instanceof PackError);
        assert.match(err.message, /turrets "nav" and "NAV" would both be packed as NAV\.tgz/);
        return true;
      });
    } finally {
      await project.cleanup();
    }
  });
});

void describe('extra directories', () => {
  void it('packs every file under a directory named in extra_files, following links that stay inside', async () => {
    const { mkdir, symlink, writeFile } = await import('node:fs/promises');
    const project = await makeProject({
      turrets: [{ name: 'nav', canons: 1, script: 'v_user.js', extra_files: ['data'] }],
    });
    try {
      await mkdir(path.join(project.dir, 'data', 'deep'));
      await writeFile(path.join(project.dir, 'data', 'deep', 'b.txt'), 'b');
      await symlink(path.join(project.dir, 'v_user.js'), path.join(project.dir, 'data', 'link.js'));
      await symlink(path.join(project.dir, 'data'), path.join(project.dir, 'data', 'deep', 'loop'));
      await writeFile(
        path.join(project.dir, 'data', '..dots'),
        'a name that starts with two dots stays inside',
      );
      const [file] = await packTurrets(project.dir, {});
      const entries = await readArchive(file ?? '');
      assert.deepEqual(
        entries.map((e) => e.path),
        [
          'package/data/..dots',
          'package/data/deep/b.txt',
          'package/data/link.js',
          'package/data/users.csv',
          'package/package.json',
          'package/start.cjs',
          'package/turret.json',
          'package/v_user.js',
        ],
      );
      assert.equal(
        entries.find((e) => e.path === 'package/data/link.js')?.type,
        'File',
        'links are packed as the file they name',
      );
      assert.deepEqual(entryJson(entries, 'turret.json').extra_files, ['data']);
    } finally {
      await project.cleanup();
    }
  });
});
