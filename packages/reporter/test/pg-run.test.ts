/**
 * A run read back from PostgreSQL (src/pg-run.ts) against a real server (the HQ's test harness,
 * packages/hq/test/pg-server.ts): each turret's firing window comes through, and a database made
 * before the HQ kept it (no firing_from, firing_until columns) is read with them null.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { writeReport } from '../src/index.js';
import { copyPgRun } from '../src/pg-run.js';
import { openResultsFile, readTurrets } from '../src/store.js';
import { createDb, pgQuery, pgSkip, startPg, type PgServer } from '../../hq/test/pg-server.js';
import { tempDir } from './fixtures.js';

const schema = readFileSync(new URL('../../hq/src/store/schema-pg.sql', import.meta.url), 'utf8');

/** One run with two turrets, alpha with a firing window (when the table has the columns). */
async function fill(server: PgServer, db: string, firing: boolean): Promise<void> {
  await pgQuery(
    server,
    db,
    "INSERT INTO run (run_uuid, project, run_time, results_ts_interval, config_json, hq_version, started_at) VALUES ('r1', 'p', 3, 1, '{}', 't', 1700000000)",
  );
  const cols = firing ? ', firing_from, firing_until' : '';
  const vals = (from: string, until: string): string => (firing ? `, ${from}, ${until}` : '');
  await pgQuery(
    server,
    db,
    `INSERT INTO turret (run_id, name, canons, uuid, status, updated_at${cols}) VALUES
       (1, 'alpha', 2, 'ua', 'ready', 1700000004${vals('1700000000.5', '1700000003.25')}),
       (1, 'beta', 1, 'ub', 'ready', 1700000004${vals('NULL', 'NULL')})`,
  );
}

void describe('a run read from PostgreSQL', pgSkip(), () => {
  let server: PgServer;
  before(async () => {
    server = await startPg();
  });
  after(async () => {
    await server?.stop();
  });

  void it("carries each turret's firing window, and reads a database made before those columns", async () => {
    await createDb(server, 'now');
    await pgQuery(server, 'now', schema);
    await fill(server, 'now', true);
    await createDb(server, 'earlier');
    const earlier = schema
      .replace(/^ {2}firing_(from|until) .*\n/gm, '')
      .replace(/^DO \$\$[\s\S]*?END \$\$;$/m, '');
    assert.doesNotMatch(earlier, /firing_/);
    await pgQuery(server, 'earlier', earlier);
    await fill(server, 'earlier', false);

    for (const [db, expected] of [
      [
        'now',
        [
          ['alpha', 1700000000.5, 1700000003.25],
          ['beta', null, null],
        ],
      ],
      [
        'earlier',
        [
          ['alpha', null, null],
          ['beta', null, null],
        ],
      ],
    ] as const) {
      const copy = await copyPgRun(server.uri(db), 'r1');
      try {
        const file = openResultsFile(copy.dbPath);
        try {
          assert.deepEqual(
            readTurrets(file).map((t) => [t.name, t.firing_from, t.firing_until]),
            expected,
            db,
          );
        } finally {
          file.db.close();
        }
      } finally {
        copy.remove();
      }
    }
  });

  void it('carries failed setups (out of the statistics) and abandoned canons; a database without them reads none', async () => {
    await createDb(server, 'setups');
    await pgQuery(server, 'setups', schema);
    await fill(server, 'setups', true);
    await pgQuery(server, 'setups', "UPDATE turret SET canons_abandoned = 2 WHERE name = 'alpha'");
    await pgQuery(
      server,
      'setups',
      `INSERT INTO result (run_id, turret_name, elapsed, epoch, scriptrun_time, error, custom_timers, setup_failed) VALUES
         (1, 'alpha', 0, 1700000000, 0.0001, 'setup: Error: no', '{}', true),
         (1, 'alpha', 1, 1700000001, 0.5, '', '{}', NULL),
         (1, 'alpha', 2, 1700000002, 0.7, '', '{}', false)`,
    );
    await createDb(server, 'before_setups');
    const earlier = schema
      .replace(/^ {2}(setup_failed|canons_abandoned) .*\n/gm, '')
      .replace(/^( {2}seq BIGINT),$/gm, '$1')
      .replace(/^DO \$\$[\s\S]*?END \$\$;$/gm, '');
    assert.doesNotMatch(earlier, /setup_failed|canons_abandoned/);
    await pgQuery(server, 'before_setups', earlier);
    await fill(server, 'before_setups', true);
    await pgQuery(
      server,
      'before_setups',
      "INSERT INTO result (run_id, turret_name, elapsed, epoch, scriptrun_time, error, custom_timers) VALUES (1, 'alpha', 1, 1700000001, 0.5, '', '{}')",
    );
    const { dir, cleanup } = tempDir('pg-setups');
    try {
      for (const [db, setups, transactions, min, abandoned] of [
        ['setups', 1, 2, 0.5, 2],
        ['before_setups', 0, 1, 0.5, 0],
      ] as const) {
        const copy = await copyPgRun(server.uri(db), 'r1');
        try {
          const { summary } = await writeReport({ dbPath: copy.dbPath, outDir: join(dir, db) });
          assert.equal(summary.setup_failures, setups, db);
          assert.equal(summary.transactions, transactions, db);
          assert.equal(summary.all.min, min, `${db}: the failed setup is in no statistic`);
          assert.equal(summary.canons_abandoned, abandoned, db);
        } finally {
          copy.remove();
        }
      }
    } finally {
      cleanup();
    }
  });
});
