/**
 * `oct keys` and a CURVE run (spec 11), as a user does it: new project, keys, `security.curve` on,
 * `oct run --local`: the turrets join with their own keys and the summary names the keys that
 * connected. Key files: ZeroMQ certificates, secrets 0600, kept on a second run unless --force.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { oct, query, resultsPath, turretEnv } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'oct-cli-keys-'));
after(() => rmSync(root, { recursive: true, force: true }));

void it('makes the key pairs, keeps them unless --force, and a --local CURVE run uses them', async (t) => {
  const dir = join(root, 'p');
  assert.equal((await oct(['new-project', dir]).exited).code, 0);
  const made = await oct(['keys', dir]).exited;
  assert.equal(made.code, 0, made.stderr);
  const p = dir; // outside the working directory: shown absolute
  assert.deepEqual(made.stdout.trim().split('\n'), [
    `created ${p}/keys/hq.key and ${p}/keys/hq.key_secret (mode 0600)`,
    `created ${p}/keys/turrets/navigation.key and ${p}/keys/turrets/navigation.key_secret (mode 0600)`,
    `next: set "security": { "curve": true } in ${p}/config.json to use them`,
    'give each turret hq.key and its own .key_secret (oct pack-turrets does); keep hq.key_secret on the HQ',
  ]);
  const secret = join(dir, 'keys', 'turrets', 'navigation.key_secret');
  assert.equal(statSync(secret).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'keys', 'hq.key')).mode & 0o777, 0o644);
  const before = readFileSync(secret, 'utf8');
  assert.doesNotMatch(
    made.stdout,
    new RegExp(/secret-key = "(.{40})"/.exec(before)![1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
    'never printed',
  );
  const again = await oct(['keys', dir]).exited;
  assert.ok(
    again.stdout.startsWith(`kept ${p}/keys/hq.key and .key_secret (they exist; --force makes new ones)
`),
  );
  assert.equal(readFileSync(secret, 'utf8'), before);
  assert.equal((await oct(['keys', '--force', dir]).exited).code, 0);
  assert.notEqual(readFileSync(secret, 'utf8'), before);

  const configPath = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(
    configPath,
    JSON.stringify({ ...config, run_time: 3, progress_bar: false, security: { curve: true } }),
  );
  const res = await oct(
    ['run', '--local', dir],
    turretEnv((m) => t.diagnostic(m)),
  ).exited;
  assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
  assert.match(res.stdout, /^CURVE: 1 authorised key\(s\) connected: navigation \(127\.0\.0\.1\)$/m);
  assert.deepEqual(query(resultsPath(res.stdout), 'SELECT name, curve_key FROM turret'), [
    { name: 'navigation', curve_key: 'navigation' },
  ]);
});
