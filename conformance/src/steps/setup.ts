/** Given/When steps that set up the fake HQ and the turret and drive it. */
import { Given, When } from '@cucumber/cucumber';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { secs } from '../evidence.js';
import type { ConformanceWorld } from './world.js';

Given('the HQ advertises the capabilities {string}', function (this: ConformanceWorld, list: string) {
  this.hqCapabilities = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
});

Given(
  /^a turret with (\d+) canons?, a rampup of (\d+(?:\.\d+)?) seconds? and the "([a-z_]+)" fixture$/,
  function (this: ConformanceWorld, canons: string, rampup: string, fixture: string) {
    this.configure(Number(canons), Number(rampup), fixture);
  },
);

Given(
  /^the turret config sets hq_timeout to (\d+(?:\.\d+)?) seconds?$/,
  function (this: ConformanceWorld, s: string) {
    this.configExtra = { ...this.configExtra, hq_timeout: Number(s) };
  },
);

Given(
  /^the turret config sets transaction_timeout to (\d+(?:\.\d+)?) seconds?$/,
  function (this: ConformanceWorld, s: string) {
    this.configExtra = { ...this.configExtra, transaction_timeout: Number(s) };
  },
);

Given('the turret config spells canons as the legacy "cannons"', function (this: ConformanceWorld) {
  if (!this.config) throw new Error('no turret configured');
  const { canons, ...rest } = this.config;
  this.config = { ...rest, cannons: canons };
});

When('the turret is launched', async function (this: ConformanceWorld) {
  const hq = await this.ensureHq();
  this.launch(hq.publishPort, hq.rcPort);
});

When(
  /^the turret is launched (\d+(?:\.\d+)?) seconds? before the HQ listens$/,
  async function (this: ConformanceWorld, delay: string) {
    const publish = await freePort();
    const rc = await freePort();
    this.launch(publish, rc);
    await sleep(Number(delay) * 1000);
    await this.ensureHq({ publish, rc });
    this.lastCommandAt = performance.now();
  },
);

When('the turret is ready', async function (this: ConformanceWorld) {
  await becomeReady(this);
});

Given(
  /^a ready turret with (\d+) canons? and the "([a-z_]+)" fixture$/,
  async function (this: ConformanceWorld, canons: string, fixture: string) {
    this.configure(Number(canons), 0, fixture);
    const hq = await this.ensureHq();
    this.launch(hq.publishPort, hq.rcPort);
    await becomeReady(this);
  },
);

Given(
  /^a running turret with (\d+) canons? and the "([a-z_]+)" fixture$/,
  async function (this: ConformanceWorld, canons: string, fixture: string) {
    this.configure(Number(canons), 0, fixture);
    const hq = await this.ensureHq();
    this.launch(hq.publishPort, hq.rcPort);
    await becomeReady(this);
    const at = await this.command('start');
    const timeout = 10_000 + this.slackMs;
    if (!(await hq.waitUntil(() => hq.results(at).length > 0, timeout))) {
      this.fail(
        '4.2',
        `a result within ${secs(timeout)} of "start"`,
        `no result.\n${this.lastFrames(3, at)}${this.exitNote()}`,
      );
    }
  },
);

/**
 * Launch -> first status (spec 6.1) -> status_request answered twice in a row (spec 4.1) with
 * `ready`. Two answers in a row show that the turret's subscription is live, so later commands
 * are not lost to PUB/SUB's slow joiner, and that it has seen the HQ's advertisement (spec 8.2).
 */
async function becomeReady(world: ConformanceWorld): Promise<void> {
  const hq = world.requireHq();
  const turret = world.requireTurret();
  const firstBound = 5000 + world.slackMs;
  const since = turret.launchedAt;
  const gotFirst = await Promise.race([
    hq.waitUntil(() => hq.statuses(since).length > 0, firstBound),
    turret.exited.then(() => hq.statuses(since).length > 0),
  ]);
  // Behind a CURVE handshake, silence is the handshake's failure (spec 11.4) before anything else.
  const clause = (plain: string): string => (world.turretKeys === undefined ? plain : world.clause);
  if (!gotFirst) {
    world.fail(
      clause('6.1'),
      `a status within ${secs(firstBound)} of launching the turret`,
      `no status.\n${world.lastFrames(3)}${world.exitNote()}\nturret output:\n${turret.outputTail || '(none)'}`,
    );
  }
  world.uuid = hq.statuses(since)[0]!.status.uuid;
  const deadline = performance.now() + 12_000;
  let answeredInARow = 0;
  while (performance.now() < deadline && turret.running) {
    const at = await world.command('status_request');
    const answered = await hq.waitUntil(() => hq.statuses(at).length > 0, 1000 + world.slackMs);
    const last = hq.statuses(at).at(-1);
    if (answered && last?.status.status === 'ready') answeredInARow += 1;
    else answeredInARow = 0;
    if (answeredInARow >= 2) return;
    if (!answered) await sleep(200);
  }
  const states = hq
    .statuses(since)
    .map((s) => s.status.status)
    .join(', ');
  world.fail(
    clause('4.1'),
    'the turret to answer two status_request in a row with a "ready" status (within 12 s of its first status)',
    `statuses seen: ${states || 'none'}\n${world.lastFrames(3)}${world.exitNote()}`,
  );
}

When('the HQ advertises a new run', async function (this: ConformanceWorld) {
  // Another HQ on the same ports: same capabilities, another run_id (spec 8.10).
  this.hqRunId = randomUUID();
  await this.command('status_request');
});

When('the HQ falls silent', function (this: ConformanceWorld) {
  // From the last frame the HQ sent, it sends nothing more (spec 8.11).
  this.lastCommandAt = this.requireHq().sent.at(-1)?.at ?? performance.now();
});

When(/^the HQ broadcasts "([a-z_]+)"$/, async function (this: ConformanceWorld, command: string) {
  await this.command(command);
});

When(/^the HQ sends "([a-z_]+)" to the turret$/, async function (this: ConformanceWorld, command: string) {
  if (!this.uuid) throw new Error('the turret uuid is unknown');
  await this.command(command, this.uuid);
});

When(
  /^the HQ sends "([a-z_]+)" to another turret$/,
  async function (this: ConformanceWorld, command: string) {
    await this.command(command, randomUUID());
  },
);

When(
  /^the HQ broadcasts "([a-z_]+)" with an extra field "([a-z_]+)"$/,
  async function (this: ConformanceWorld, command: string, field: string) {
    await this.command(command, '', { [field]: { added_in: '1.9' } });
  },
);

When(
  /^the HQ broadcasts the transaction context (\{.*\})$/,
  async function (this: ConformanceWorld, json: string) {
    const hq = this.requireHq();
    const at = performance.now();
    await hq.send('set_transaction_context', JSON.parse(json));
    this.lastSent.set('set_transaction_context', at);
    this.lastCommandAt = at;
  },
);

When('the HQ broadcasts a command named {string}', async function (this: ConformanceWorld, name: string) {
  await this.command(name);
});

When(
  'the HQ sends a command named {string} to the turret',
  async function (this: ConformanceWorld, name: string) {
    if (!this.uuid) throw new Error('the turret uuid is unknown');
    await this.command(name, this.uuid);
  },
);

/** Malformed frames by kind (spec 4.7). */
const MALFORMED: Record<string, string | Buffer> = {
  'not UTF-8': Buffer.from([0x20, 0x7b, 0xff, 0xfe, 0xc3, 0x28, 0x7d]),
  'not JSON': ' {"command": "start", "msg": ',
  'no space': '{"command":"start","msg":"open fire"}',
  'not an object': ' "start"',
  'array body': ' ["start", "open fire"]',
  'no command field': ' {"msg": "open fire"}',
  'command not a string': ' {"command": 42, "msg": null}',
  empty: '',
};

When(
  'the HQ broadcasts these malformed frames:',
  async function (this: ConformanceWorld, table: { hashes(): Record<string, string>[] }) {
    const hq = this.requireHq();
    for (const row of table.hashes()) {
      const kind = row.kind ?? '';
      const frame = MALFORMED[kind];
      if (frame === undefined) throw new Error(`unknown malformed frame kind "${kind}"`);
      await hq.sendRaw(frame, `malformed (${kind})`);
      this.lastCommandAt = performance.now();
    }
    await sleep(300);
  },
);

When(/^the turret fires for (\d+(?:\.\d+)?) seconds?$/, async function (this: ConformanceWorld, s: string) {
  await sleep(Number(s) * 1000);
});

When(
  /^the HQ waits for an? "([a-z]+)" status within (\d+(?:\.\d+)?) seconds?$/,
  async function (this: ConformanceWorld, state: string, s: string) {
    await waitForState(this, state, Number(s), this.lastCommandAt, clauseForState(state));
  },
);

When('the HQ starts the turret if it reports ready', async function (this: ConformanceWorld) {
  const hq = this.requireHq();
  const turret = this.requireTurret();
  const since = turret.launchedAt;
  const settled = () =>
    hq.statuses(since).some((s) => s.status.status === 'ready' || s.status.status === 'aborted');
  await Promise.race([hq.waitUntil(settled, 10_000), turret.exited]);
  const statuses = hq.statuses(since);
  if (statuses.some((s) => s.status.status === 'aborted') || !turret.running) return;
  if (statuses.some((s) => s.status.status === 'ready')) {
    // Some turrets load the script at start: ask twice so the start is not lost to the slow joiner.
    await this.command('start');
    await sleep(500);
    if (turret.running) await this.command('start');
  }
});

/** The clause that makes a state due after the previous command. */
function clauseForState(state: string): string {
  return { ready: '4.3.1', killed: '4.4', running: '4.2', aborted: '7.2' }[state] ?? '5.2';
}

/** Waits for a status in `state` arriving after `since`; fails with evidence. */
export async function waitForState(
  world: ConformanceWorld,
  state: string,
  seconds: number,
  since: number,
  clause: string,
): Promise<void> {
  const hq = world.requireHq();
  const bound = seconds * 1000 + world.slackMs;
  const ok = await hq.waitUntil(() => hq.statuses(since).some((s) => s.status.status === state), bound);
  if (!ok) {
    const seen = hq
      .statuses(since)
      .map((s) => s.status.status)
      .join(', ');
    world.fail(
      clause,
      `a "${state}" status within ${secs(bound)}`,
      `${seen ? `statuses received instead: ${seen}` : 'no status at all'}\n${world.lastFrames(3, since)}${world.exitNote()}`,
    );
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A free loopback port, for the one scenario where the turret starts before the HQ binds. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
