// Project config (spec 9.2) and turret config (spec 9.1) checks: every mistake listed, one line each,
// naming the file, key and clause; one WARNING per optional key left to its default.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkProjectConfig, checkTurretConfig, turretExtraConfig } from '../src/index.js';

void describe('checkProjectConfig', () => {
  void it('lists every mistake at once, each naming file, key, clause and value', () => {
    const check = checkProjectConfig(
      { run_time: -1, results_ts_interval: 'x', publish_port: 70000, turrets: [], progress_bar: 'yes' },
      'proj/config.json',
    );
    assert.ok(!check.ok);
    assert.deepEqual([...check.errors].sort(), [
      'proj/config.json: config.progress_bar must be a boolean (spec 9.2), got "yes"',
      'proj/config.json: config.publish_port must be a port number from 1 to 65535 (spec 9.2), got 70000',
      'proj/config.json: config.results_ts_interval must be a number (spec 9.2), got "x"',
      'proj/config.json: config.run_time must be > 0 (spec 9.2), got -1',
      'proj/config.json: config.turrets must have at least 1 item(s) (spec 9.2), got []',
    ]);
  });

  void it('names missing required keys', () => {
    const check = checkProjectConfig({ turrets: ['t.json'] }, 'c.json');
    assert.ok(!check.ok);
    assert.deepEqual([...check.errors].sort(), [
      'c.json: config.results_ts_interval is required (spec 9.2)',
      'c.json: config.run_time is required (spec 9.2)',
    ]);
  });

  void it('reports a bad inline turret once, by its precise key', () => {
    const check = checkProjectConfig(
      { run_time: 30, results_ts_interval: 1, turrets: [{ name: 'a', script: 's.js' }] },
      'c.json',
    );
    assert.ok(!check.ok);
    assert.deepEqual(check.errors, ['c.json: config.turrets.0.canons is required (spec 9.2)']);
  });

  void it('fills defaults and warns once per defaulted key; keeps unknown keys (spec 9.2)', () => {
    const check = checkProjectConfig(
      { run_time: 30, results_ts_interval: 1, turrets: ['turrets/a.json'], rc_port: 6001, my_key: 1 },
      'c.json',
    );
    assert.ok(check.ok);
    assert.equal(check.config.publish_port, 5000);
    assert.equal(check.config.rc_port, 6001);
    assert.deepEqual(check.config.results_database, { db_uri: 'default', insert_limit: 150 });
    assert.equal((check.config as unknown as Record<string, unknown>).my_key, 1);
    assert.ok(
      check.warnings.includes('WARNING: c.json: optional key "publish_port" not set, using default 5000'),
    );
    assert.ok(!check.warnings.some((w) => w.includes('"rc_port"')));
    // one per optional key of the schema left out, security included
    assert.equal(check.warnings.filter((w) => w.includes('optional key')).length, 11);
    assert.ok(check.warnings.includes('WARNING: c.json: unknown key "my_key"; kept as written'));
    assert.equal(check.warnings.length, 12);
  });

  void it('completes a partial results_database', () => {
    const check = checkProjectConfig({
      run_time: 1,
      results_ts_interval: 1,
      turrets: ['t.json'],
      results_database: { db_uri: 'sqlite:///tmp/r.db' },
    });
    assert.ok(check.ok);
    assert.deepEqual(check.config.results_database, { db_uri: 'sqlite:///tmp/r.db', insert_limit: 150 });
  });
});

void describe('checkTurretConfig', () => {
  void it('folds the legacy cannons (a numeric string) into canons (spec 9.1)', () => {
    const check = checkTurretConfig({ name: 'a', script: 's.js', cannons: '30', rampup: '2' });
    assert.ok(check.ok);
    assert.equal(check.config.canons, 30);
    assert.equal(check.config.rampup, 2);
    assert.ok(!('cannons' in check.config));
    assert.equal(check.config.hq_rc, 5001);
  });

  void it('lists every mistake', () => {
    const check = checkTurretConfig({ script: '', canons: -1, hq_rc: 'x' }, 't.json');
    assert.ok(!check.ok);
    assert.deepEqual([...check.errors].sort(), [
      't.json: turret.canons must be a whole number >= 0 (spec 9.1), got -1',
      't.json: turret.hq_rc must be a port number from 1 to 65535 (spec 9.1), got "x"',
      't.json: turret.name is required (spec 9.1)',
      't.json: turret.script must not be empty (spec 9.1), got ""',
    ]);
  });

  void it('asks for canons under its canonical name when neither spelling is given', () => {
    const check = checkTurretConfig({ name: 'a', script: 's.js' }, 't.json');
    assert.ok(!check.ok);
    assert.deepEqual(check.errors, ['t.json: turret.canons is required (spec 9.1)']);
  });
});

void describe('turretExtraConfig', () => {
  void it('keeps every key but the identity keys, each of those named once in a WARNING', () => {
    const { extra, warnings } = turretExtraConfig(
      {
        canons: 4,
        hq_address: 'hq.example.org',
        think_time: 0.5,
        name: 'x',
        script: 'y.js',
        extra_files: [],
      },
      'proj/config.json',
    );
    assert.deepEqual(extra, { canons: 4, hq_address: 'hq.example.org', think_time: 0.5 });
    assert.equal(warnings.length, 3);
    for (const [i, key] of ['name', 'script', 'extra_files'].entries()) {
      assert.match(
        warnings[i]!,
        new RegExp(`^WARNING: proj/config\\.json: extra_turret_config\\.${key} ignored`),
      );
    }
    assert.deepEqual(turretExtraConfig({}, 'c.json'), { extra: {}, warnings: [] });
  });
});
