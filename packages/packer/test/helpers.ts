/** Test helpers: a throw-away OCT project in a temp dir, and reading back a packed archive. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { list } from 'tar';

export interface ArchiveFile {
  path: string;
  mode: number;
  mtime: Date | undefined;
  uid: number | undefined;
  gid: number | undefined;
  type: string;
  content: Buffer;
}

/** Every entry of a .tgz, in archive order, with its header fields and bytes. */
export async function readArchive(file: string): Promise<ArchiveFile[]> {
  const out: ArchiveFile[] = [];
  await list({
    file,
    onReadEntry(entry) {
      const chunks: Buffer[] = [];
      const record: ArchiveFile = {
        path: entry.path,
        mode: entry.mode ?? -1,
        mtime: entry.mtime,
        uid: entry.uid,
        gid: entry.gid,
        type: entry.type,
        content: Buffer.alloc(0),
      };
      out.push(record);
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => {
        record.content = Buffer.concat(chunks);
      });
    },
  });
  return out;
}

export function entryJson(entries: ArchiveFile[], name: string): Record<string, unknown> {
  const e = entries.find((x) => x.path === `package/${name}`);
  if (!e) throw new Error(`no ${name} in archive (has ${entries.map((x) => x.path).join(', ')})`);
  return JSON.parse(e.content.toString('utf8')) as Record<string, unknown>;
}

export const V_USER_JS = `// A transaction script for the reference turret (see the @oct/turret README).
export class Transaction {
  async run() {
    this.customTimers.step = 0.001;
  }
}
`;

/** A temp project: one inline turret and one turret config file, a script, an extra file in a subdir. */
export async function makeProject(
  overrides: Record<string, unknown> = {},
): Promise<{ dir: string; root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'oct-packer-test-'));
  const dir = path.join(root, 'project');
  await mkdir(path.join(dir, 'data'), { recursive: true });
  await mkdir(path.join(dir, 'turrets'), { recursive: true });
  await writeFile(path.join(dir, 'v_user.js'), V_USER_JS);
  await writeFile(path.join(dir, 'data', 'users.csv'), 'id,name\n1,alice\n');
  await writeFile(
    path.join(dir, 'turrets', 'checkout.json'),
    JSON.stringify(
      { name: 'checkout', canons: 3, rampup: 1, script: '../v_user.js', extra_files: ['data/users.csv'] },
      null,
      2,
    ),
  );
  const config = {
    run_time: 5,
    results_ts_interval: 1,
    progress_bar: false,
    console_logging: false,
    testing: true,
    publish_port: 6100,
    rc_port: 6101,
    min_turrets: 1,
    hq_address: '10.1.2.3',
    turrets: [
      { name: 'navigation', canons: 2, rampup: 0, script: 'v_user.js', extra_files: ['data/users.csv'] },
      'turrets/checkout.json',
    ],
    turrets_requirements: ['undici@^7', '@scope/pkg@1.2.3'],
    extra_turret_config: { think_time: 0.5 },
    results_database: { db_uri: 'default', insert_limit: 150 },
    external_publisher: false,
    ...overrides,
  };
  await writeConfig(dir, config);
  return { dir, root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export async function writeConfig(dir: string, config: unknown): Promise<void> {
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
}
