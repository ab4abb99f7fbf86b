/**
 * Script errors (spec 7.1), turret-level failures (spec 7.2) and bad configs (spec 9.1).
 *
 * harness PUB  -- start -->  turret SUB
 * harness PULL <-- results with error / aborted --  turret PUSH
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, Harness, spawnTurret, tempDir } from './harness.js';

describe('script errors', () => {
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

  it('reports a throwing transaction in error and keeps firing (spec 7.1, 5.3.1)', async () => {
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 'failing', canons: 1, script: `${FIXTURES}/fail.js` },
      'fail.json',
    );
    const t = spawnTurret(['start', '--config', cfg]);
    try {
      const { uuid } = await h.ready('failing');
      await h.send('start');
      const rs = await h.waitResults(uuid, 10);
      for (const r of rs) assert.match(r.error, /^Error: fixture failure: the status page said no$/);
      assert.equal(h.invalid.length, 0, 'a result mentioning "status" is still a result');
    } finally {
      await t.stop();
    }
  });

  it('survives errors thrown outside transactions, logging each once', async () => {
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 'stray', canons: 2, script: `${FIXTURES}/stray.js` },
      'stray.json',
    );
    const t = spawnTurret(['start', '--config', cfg]);
    try {
      const { uuid } = await h.ready('stray');
      await h.send('start');
      const rs = await h.waitResults(uuid, 50);
      assert.ok(rs.every((r) => r.error === ''));
      await h.waitFor(
        () => /stray timer error/.test(t.stderr()) && /stray rejection/.test(t.stderr()),
        'both logged',
      );
      assert.equal(t.stderr().match(/stray timer error/g)?.length, 1);
      assert.equal(t.child.exitCode, null);
    } finally {
      await t.stop();
    }
  });

  for (const [fixture, why] of [
    ['syntax.js', /cannot load script .*syntax\.js:\d+:\d+: SyntaxError/],
    ['throws-on-load.js', /cannot load script .*throws-on-load\.js: Error: this script refuses to load/],
    ['noexport.js', /exports neither a class "Transaction" nor a default function/],
  ] as const) {
    it(`aborts with a reason and a non-zero exit when the script cannot be used: ${fixture} (spec 7.2)`, async () => {
      // A syntax error is written at test time (a fixture file would break the repository's formatter).
      writeFileSync(join(tmp.dir, 'syntax.js'), 'export default function run( {\n');
      const script = fixture === 'syntax.js' ? join(tmp.dir, fixture) : `${FIXTURES}/${fixture}`;
      const cfg = h.writeConfig(tmp.dir, { name: `abort-${fixture}`, canons: 1, script }, `${fixture}.json`);
      const t = spawnTurret(['start', '--config', cfg]);
      // A 1.x HQ advertises itself on a cadence: the turret waits to hear it, then says why (spec 12.1).
      const cadence = setInterval(() => void h.send('status_request'), 300);
      try {
        const s = await h.waitFor(
          () => h.statuses.find((x) => x.turret === `abort-${fixture}` && x.status === 'aborted'),
          'aborted',
        );
        assert.match(s.reason ?? '', why);
        const code = await t.exited;
        assert.equal(code, 3);
        assert.match(t.stderr(), why);
        assert.doesNotMatch(t.stderr(), /\n\s+at /);
      } finally {
        clearInterval(cadence);
        await t.stop();
      }
    });
  }

  it('aborts in the legacy dialect, without reason, when no HQ advertised 1.x (spec 12.1, 7.2)', async () => {
    const cfg = h.writeConfig(
      tmp.dir,
      { name: 'abort-legacy', canons: 1, script: `${FIXTURES}/noexport.js` },
      'legacy.json',
    );
    const t = spawnTurret(['start', '--config', cfg]);
    try {
      const s = await h.waitFor(
        () => h.statuses.find((x) => x.turret === 'abort-legacy' && x.status === 'aborted'),
        'aborted',
      );
      assert.deepEqual(Object.keys(s.raw).sort(), [
        'cannons',
        'rampup',
        'script',
        'status',
        'turret',
        'uuid',
      ]);
      assert.equal(await t.exited, 3);
      assert.match(t.stderr(), /exports neither a class "Transaction" nor a default function/);
    } finally {
      await t.stop();
    }
  });
});

describe('bad configs (exit code 2, one line per mistake, no stack trace)', () => {
  let tmp: ReturnType<typeof tempDir>;
  before(() => (tmp = tempDir()));
  after(() => tmp.cleanup());

  async function run(args: string[]): Promise<{ code: number | string; err: string }> {
    const t = spawnTurret(args);
    const code = await t.exited;
    return { code, err: t.stderr() };
  }

  it('names file, key and clause for each schema mistake', async () => {
    const file = join(tmp.dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ name: '', canons: -1, script: 'x.js', hq_rc: 'five' }));
    const { code, err } = await run(['start', '--config', file]);
    assert.equal(code, 2);
    const lines = err.trim().split('\n');
    assert.ok(lines.length >= 3, err);
    for (const line of lines) {
      assert.ok(line.startsWith(`${file}: `), line);
      assert.match(line, /\(spec 9\.1\)/);
    }
    assert.match(err, /turret\.name/);
    assert.match(err, /turret\.canons/);
    assert.match(err, /turret\.hq_rc/);
    assert.doesNotMatch(err, /\n\s+at /);
  });

  it('says when the JSON does not parse, the file is missing or the script is missing', async () => {
    const badJson = join(tmp.dir, 'syntax.json');
    writeFileSync(badJson, '{"name": ');
    let r = await run(['start', '--config', badJson]);
    assert.equal(r.code, 2);
    assert.match(r.err, /syntax\.json:1:10: not valid JSON/);

    r = await run(['start', '--config', join(tmp.dir, 'nope.json')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /nope\.json: cannot read the turret config: ENOENT/);

    const noScript = join(tmp.dir, 'noscript.json');
    writeFileSync(noScript, JSON.stringify({ name: 'x', canons: 1, script: 'missing.js' }));
    r = await run(['start', '--config', noScript]);
    assert.equal(r.code, 2);
    assert.match(r.err, /noscript\.json: turret\.script "missing\.js" not found/);
    assert.doesNotMatch(r.err, /\n\s+at /);
  });

  it('says when hq_address is not an address at all', async () => {
    const file = join(tmp.dir, 'badaddr.json');
    writeFileSync(
      file,
      JSON.stringify({ name: 'x', canons: 1, script: `${FIXTURES}/ok.js`, hq_address: 'no such host' }),
    );
    const r = await run(['start', '--config', file]);
    assert.equal(r.code, 2);
    assert.match(r.err, /badaddr\.json: turret\.hq_address "no such host" .*is not a usable address/);
  });

  it('wants exactly one of --config and --tar', async () => {
    const r = await run(['start']);
    assert.equal(r.code, 2);
    assert.match(r.err, /exactly one of --config <file> or --tar <package>/);
  });
});
