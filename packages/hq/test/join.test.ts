/**
 * Who has joined, and who may be listening (spec 3.1.4, 3.1.5, 8.14; issue 18).
 *
 * A turret's first status proves only that its PUSH socket reached the HQ: a `start` published before
 * its SUB socket has joined is lost, and it fires only after its next `ready`, 2 s late. So a turret
 * counts as joined once it answered a status_request sent after it was first heard. And a legacy turret
 * may be subscribed before the HQ has heard from it: a late start goes by broadcast, never as a direct
 * order, which it would die of.
 *
 *   HQ PUB  -- status_request (at once, then every second), set_transaction_context, start -->  SUB of
 *              each turret, and of a listener that never speaks and fails on any direct order
 *   HQ PULL <-- ready (first heard), ready (the answer: joined), running, results --  turret PUSH
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import * as zmq from 'zeromq';
import { startRun } from '../src/index.js';
import { freePort, killAll, query, spawnTurret, tempProject, waitFor, type TempProject } from './helpers.js';

const children: ChildProcess[] = [];
const projects: TempProject[] = [];
const sockets: zmq.Socket[] = [];
after(() => {
  killAll(children);
  for (const s of sockets) if (!s.closed) s.close();
  for (const p of projects) p.cleanup();
});

function project(config: Record<string, unknown>): TempProject {
  const p = tempProject({ turrets: [{ name: 'placeholder', canons: 1, script: 'v_user.js' }], ...config });
  projects.push(p);
  return p;
}

/**
 * A SUB socket that listens as a legacy turret does (oct-turrets 0.2.8 parses every frame whole as
 * JSON) and never speaks, so the HQ never hears of it: every frame that is not JSON as a whole (a
 * direct order, `"<uuid> {...}"`) is kept in `fatal`.
 */
function legacyListener(publishPort: number): {
  commands: { command: string; at: number }[];
  fatal: string[];
  close: () => Promise<void>;
} {
  const sub = new zmq.Subscriber({ linger: 0 });
  sockets.push(sub);
  sub.connect(`tcp://127.0.0.1:${publishPort}`);
  sub.subscribe('');
  const commands: { command: string; at: number }[] = [];
  const fatal: string[] = [];
  const loop = (async () => {
    for await (const [frame] of sub) {
      const text = frame!.toString('utf8');
      try {
        const body = JSON.parse(text) as { command: string };
        commands.push({ command: body.command, at: performance.now() });
      } catch {
        fatal.push(text);
      }
    }
  })().catch(() => undefined);
  return {
    commands,
    fatal,
    close: async () => {
      sub.close();
      await loop;
    },
  };
}

void describe('joining a run (spec 3.1.4, 3.1.5, 8.14)', () => {
  void it('counts a turret only once it answered a status_request sent after its first status', async () => {
    const p = project({ run_time: 1, min_turrets: 1 });
    const run = await startRun({
      projectDir: p.dir,
      ephemeralPorts: true,
      resultsDir: `${p.dir}/results/r1`,
    });
    const listener = legacyListener(run.publishPort);
    await waitFor(
      () => listener.commands.some((c) => c.command === 'status_request'),
      30_000,
      'the listener to be subscribed',
    );
    // A turret whose PUSH socket reached the HQ while its SUB socket has not (yet): it said ready.
    const uuid = randomUUID();
    let state = 'ready';
    const push = new zmq.Push({ linger: 0 });
    sockets.push(push);
    push.connect(`tcp://127.0.0.1:${run.rcPort}`);
    const status = (): Promise<void> =>
      push.send(
        JSON.stringify({
          turret: 'deaf',
          status: state,
          uuid,
          rampup: 0,
          script: 'v_user.js',
          canons: 1,
          protocol: '1.0',
          capabilities: [],
        }),
      );
    await status();
    const sentAt = performance.now();
    await waitFor(() => run.turrets().length === 1, 30_000, 'the HQ to hear the turret');
    // Two status_requests since (the one sent on hearing it, and the next of the cadence): a turret
    // that heard them would have answered, and this one cannot. The run must not have started.
    await waitFor(
      () => listener.commands.filter((c) => c.command === 'status_request' && c.at > sentAt).length >= 2,
      30_000,
      'two status_requests after its status',
    );
    assert.equal(run.phase, 'waiting', 'the HQ started on a status of a turret that cannot hear it');
    assert.ok(
      listener.commands.every((c) => c.command === 'status_request'),
      `nothing but status_request was sent: ${listener.commands.map((c) => c.command).join(', ')}`,
    );

    // Its SUB socket joins: it answers the next status_request and obeys what follows.
    const sub = new zmq.Subscriber({ linger: 0 });
    sockets.push(sub);
    sub.connect(`tcp://127.0.0.1:${run.publishPort}`);
    sub.subscribe('');
    const heard: string[] = [];
    const answering = (async () => {
      for await (const [frame] of sub) {
        const text = frame!.toString('utf8');
        const { command } = JSON.parse(text.slice(text.indexOf(' ') + 1)) as { command: string };
        heard.push(command);
        if (command === 'start') state = 'running';
        if (command === 'stop') state = 'ready';
        await status();
      }
    })().catch(() => undefined);
    const summary = await run.done;
    sub.close();
    await answering;
    await listener.close();
    assert.equal(summary.outcome, 'completed', summary.message);
    const firstRequest = heard.indexOf('status_request');
    assert.ok(firstRequest >= 0, `it answered a status_request: ${heard.join(', ')}`);
    assert.ok(heard.indexOf('start') > firstRequest, `the start came after its answer: ${heard.join(', ')}`);
    assert.deepEqual(listener.fatal, [], 'no direct order');
  });

  void it('sends a late start by broadcast, so an unheard legacy turret listening survives it', async () => {
    const p = project({ run_time: 4, min_turrets: 1 });
    const run = await startRun({
      projectDir: p.dir,
      ephemeralPorts: true,
      resultsDir: `${p.dir}/results/r2`,
    });
    const listener = legacyListener(run.publishPort);
    await waitFor(
      () => listener.commands.some((c) => c.command === 'status_request'),
      30_000,
      'the listener to be subscribed',
    );
    // With session: its statuses name the run_id of the start it obeys (8.9), so a second start of
    // this run would show as a second acknowledgement; it must not restart or count anything.
    children.push(spawnTurret('modern', p.dir, { name: 'first', canons: 1, fixture_session: true }, run));
    await waitFor(() => run.phase === 'running', 30_000, 'the run to start');
    const startedAt = performance.now();
    const late: string[] = [];
    run.on('turret', (e) => {
      if (e.kind === 'started_late') late.push(e.turret.name);
    });
    // Every turret the HQ knows is a 1.x one: only the listener, never heard, could be hurt.
    children.push(spawnTurret('modern', p.dir, { name: 'late', canons: 1 }, run));
    const summary = await run.done;
    await listener.close();
    assert.equal(summary.outcome, 'completed', summary.message);
    assert.deepEqual(late, ['late'], 'the late turret was started late');
    const [row] = query<{ n: number }>(
      summary.dbPath,
      "SELECT COUNT(*) AS n FROM result WHERE turret_name = 'late'",
    );
    assert.ok(row!.n > 0, 'the late turret fired');
    assert.deepEqual(listener.fatal, [], 'a direct order was published while a legacy turret listened');
    assert.ok(
      listener.commands.filter((c) => c.command === 'start' && c.at > startedAt).length >= 1,
      'the late start reached the listener too: it was broadcast',
    );
    const byName = new Map(summary.turrets.map((t) => [t.name, t]));
    const first = byName.get('first')!;
    assert.ok(first.resultsSent !== null && first.resultsSent > 0);
    assert.equal(first.resultsSent, first.resultsStored, 'the repeated start restarted nothing');
  });

  void it('a turret started before the HQ fires from the start of the run, and its firing window is stored', async () => {
    const ports = { publishPort: await freePort(), rcPort: await freePort() };
    const p = project({
      run_time: 3,
      min_turrets: 2,
      publish_port: ports.publishPort,
      rc_port: ports.rcPort,
    });
    // The turrets first: their statuses wait in their PUSH sockets until the HQ binds.
    children.push(
      spawnTurret('modern', p.dir, { name: 'early1', canons: 1 }, ports),
      spawnTurret('modern', p.dir, { name: 'early2', canons: 1 }, ports),
    );
    await new Promise((r) => setTimeout(r, 1500)); // not a synchronisation: they must be up before the HQ
    const run = await startRun({ projectDir: p.dir, resultsDir: `${p.dir}/results/r3` });
    const summary = await run.done;
    assert.equal(summary.outcome, 'completed', summary.message);
    assert.ok(summary.startedAt !== null && summary.stoppedAt !== null);
    const rows = query<{ name: string; first: number; last: number }>(
      summary.dbPath,
      'SELECT turret_name AS name, MIN(epoch) AS first, MAX(epoch) AS last FROM result GROUP BY turret_name ORDER BY 1',
    );
    assert.deepEqual(
      rows.map((r) => r.name),
      ['early1', 'early2'],
    );
    const stored = new Map(
      query<{ name: string; firing_from: number | null; firing_until: number | null }>(
        summary.dbPath,
        'SELECT name, firing_from, firing_until FROM turret',
      ).map((t) => [t.name, t]),
    );
    for (const r of rows) {
      // Today's HQ started them on their first status, before their SUB sockets had joined: they
      // fired after their next ready, about 2 s later. 1 s is far beyond a start's delivery.
      const late = r.first - summary.startedAt;
      assert.ok(late < 1, `${r.name}: first result ${late.toFixed(2)} s after the start`);
      const t = summary.turrets.find((x) => x.name === r.name)!;
      assert.ok(t.firingFrom !== null && t.firingUntil !== null, `${r.name}: firing window known`);
      assert.ok(
        t.firingFrom - summary.startedAt < 1,
        `${r.name}: fired from ${t.firingFrom - summary.startedAt} s`,
      );
      assert.ok(t.firingFrom <= r.first + 0.5, `${r.name}: firing from its running status or first result`);
      assert.ok(t.firingUntil >= summary.stoppedAt, `${r.name}: fired until the stop`);
      assert.ok(t.firingUntil >= r.last - 0.5);
      assert.equal(stored.get(r.name)!.firing_from, t.firingFrom, 'stored in the turret table');
      assert.equal(stored.get(r.name)!.firing_until, t.firingUntil);
    }
  });
});
