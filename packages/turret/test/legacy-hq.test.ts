/**
 * Under an OCT 0.4 HQ (spec 12): a stand-in for that HQ (legacy-hq/oct04_hq.py, Python with pyzmq and
 * sqlite3) refuses exactly what the original refuses (a status key that is not a column of its turret
 * table, a missing `cannons`, a result key that is not a column of its result table, a frame that is
 * not a JSON object) and behaves as it does on the wire: status_request with msg null while waiting,
 * set_transaction_context {} and start once min_turrets statuses came, a late turret's start as a
 * direct order. The reference turret and the example Python turret must run under it.
 *
 * stand-in HQ PUB  -- status_request (null), set_transaction_context, start, "<uuid> start", stop -->  turret SUB
 * stand-in HQ PULL <-- statuses (6 keys), results (6 keys) --  turret PUSH
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { FIXTURES, PACKAGE_DIR, spawnTurret, tempDir } from './harness.js';
import { writeFileSync } from 'node:fs';

const PYTHON = '/usr/bin/python3';
const HQ_SCRIPT = join(PACKAGE_DIR, 'test', 'legacy-hq', 'oct04_hq.py');
const PYTHON_TURRET = join(PACKAGE_DIR, '..', '..', 'examples', 'python-turret');
const hasZmq = spawnSync(PYTHON, ['-c', 'import zmq']).status === 0;
// CI installs python3-zmq, so there its absence is a failure; elsewhere the skip names the package.
const skip =
  hasZmq || process.env.CI ? false : 'needs /usr/bin/python3 with python3-zmq (apt-get install python3-zmq)';

/** What the stand-in prints as its last line. */
interface Summary {
  results?: number;
  results_by_turret?: Record<string, number>;
  turrets?: { name: string; uuid: string; cannons: number; status: string }[];
  direct_starts?: string[];
  status_requests?: number;
  refused?: string;
  error?: string;
}

/** The stand-in HQ as a child process: its ports, its events, its summary and exit code. */
class LegacyHq {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[] = [];
  readonly ports: Promise<{ publish_port: number; rc_port: number }>;
  readonly started: Promise<void>;
  readonly exited: Promise<{ code: number | null; summary: Summary; stderr: string }>;
  private stderr = '';

  constructor(args: string[]) {
    this.child = spawn(PYTHON, [HQ_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (d: string) => (this.stderr += d));
    const lines = createInterface({ input: this.child.stdout! });
    let gotPorts!: (p: { publish_port: number; rc_port: number }) => void;
    let gotStart!: () => void;
    this.ports = new Promise((r) => (gotPorts = r));
    this.started = new Promise((r) => (gotStart = r));
    lines.on('line', (line) => {
      const o = JSON.parse(line) as Record<string, unknown>;
      this.lines.push(o);
      if (typeof o.publish_port === 'number') gotPorts(o as { publish_port: number; rc_port: number });
      if (o.event === 'started') gotStart();
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) =>
        // The summary is the last line; give readline the moment to hand it over.
        setImmediate(() =>
          resolve({ code, summary: (this.lines.at(-1) ?? {}) as Summary, stderr: this.stderr }),
        ),
      ),
    );
  }

  /** Waits for the stand-in to finish, at most `ms`. */
  async done(ms: number): Promise<{ code: number | null; summary: Summary; stderr: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the stand-in HQ did not finish within ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

const tmp = tempDir();
const cleanups: (() => Promise<unknown> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  tmp.cleanup();
});

/** A turret config for the stand-in's ports. */
function config(
  ports: { publish_port: number; rc_port: number },
  file: string,
  c: Record<string, unknown>,
): string {
  const path = join(tmp.dir, file);
  writeFileSync(
    path,
    JSON.stringify({
      hq_address: '127.0.0.1',
      hq_publisher: ports.publish_port,
      hq_rc: ports.rc_port,
      rampup: 0,
      ...c,
    }),
  );
  return path;
}

function referenceTurret(ports: { publish_port: number; rc_port: number }, name: string): void {
  const t = spawnTurret([
    'start',
    '--config',
    config(ports, `${name}.json`, { name, canons: 2, script: `${FIXTURES}/ok.js` }),
  ]);
  cleanups.push(() => t.stop());
}

function pythonTurret(ports: { publish_port: number; rc_port: number }, name: string): void {
  const cfg = config(ports, `${name}.json`, {
    name,
    canons: 2,
    script: join(PYTHON_TURRET, 'fixtures', 'succeed_with_timer.py'),
  });
  const child = spawn(PYTHON, [join(PYTHON_TURRET, 'turret.py'), cfg], { stdio: 'ignore' });
  const exited = new Promise((r) => child.on('exit', r));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
}

/** Fails with what the stand-in said when it refused something or ended otherwise. */
function assertClean(r: { code: number | null; summary: Summary; stderr: string }): void {
  assert.equal(
    r.summary.refused,
    undefined,
    `the OCT 0.4 HQ would have died of: ${JSON.stringify(r.summary)}`,
  );
  assert.equal(r.code, 0, `stand-in exit ${r.code}: ${JSON.stringify(r.summary)}\n${r.stderr}`);
}

describe('under an OCT 0.4 HQ (stand-in, spec 12)', { skip }, () => {
  it('is checked to run at all (python3-zmq)', () => {
    assert.ok(hasZmq, `${PYTHON} cannot import zmq: apt-get install python3-zmq (.ci/run does)`);
  });

  for (const [kind, launch] of [
    ['the reference turret', referenceTurret],
    ['the example Python turret', pythonTurret],
  ] as const) {
    it(`${kind}: joins, is started, and every status and result is stored (spec 12.1 to 12.4, 12.6)`, async () => {
      const hq = new LegacyHq(['--min-turrets', '1', '--run-time', '3']);
      cleanups.push(() => hq.kill());
      launch(await hq.ports, 'old-hq');
      const r = await hq.done(60_000);
      assertClean(r);
      assert.ok((r.summary.results_by_turret?.['old-hq'] ?? 0) > 10, JSON.stringify(r.summary));
      assert.deepEqual(
        r.summary.turrets?.map((t) => [t.name, t.cannons]),
        [['old-hq', 2]],
      );
    });
  }

  it('late joiners, reference and Python, obey the start the HQ sends them as a direct order', async () => {
    const hq = new LegacyHq(['--min-turrets', '1', '--run-time', '6']);
    cleanups.push(() => hq.kill());
    const ports = await hq.ports;
    referenceTurret(ports, 'first');
    await hq.started;
    referenceTurret(ports, 'late-ref');
    pythonTurret(ports, 'late-py');
    const r = await hq.done(60_000);
    assertClean(r);
    const uuidOf = (name: string) => r.summary.turrets?.find((t) => t.name === name)?.uuid;
    for (const name of ['late-ref', 'late-py']) {
      assert.ok(
        r.summary.direct_starts?.includes(uuidOf(name)!),
        `${name} got no direct start: ${JSON.stringify(r.summary)}`,
      );
      assert.ok(
        (r.summary.results_by_turret?.[name] ?? 0) > 0,
        `no result from ${name}: ${JSON.stringify(r.summary)}`,
      );
    }
  });
});
