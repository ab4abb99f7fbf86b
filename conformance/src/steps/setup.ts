/** Given/When steps that set up the fake HQ and the turret and drive it. */
import { Given, When } from '@cucumber/cucumber';
import { randomUUID } from 'node:crypto';
import { KitError, secs } from '../evidence.js';
import { FIXTURES, type FixtureName } from '../fixtures.js';
import { freePorts } from '../ports.js';
import { NOTE_MEDIA } from '../verdict.js';
import type { ConformanceWorld } from './world.js';

Given('the HQ advertises the capabilities {string}', function (this: ConformanceWorld, list: string) {
  this.hqCapabilities = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
});

Given('the HQ advertises nothing, as an OCT 0.4 HQ', function (this: ConformanceWorld) {
  this.hqAdvertises = false;
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

Given(
  /^the fixtures name a "([a-z_]+)" script, or this is not tested$/,
  function (this: ConformanceWorld, fixture: string) {
    if (this.parameters.fixtures[fixture as FixtureName] !== undefined) return undefined;
    this.attach(`fixtures.json names no "${fixture}" script (spec ${FIXTURES[fixture as FixtureName]})`, {
      mediaType: NOTE_MEDIA.notTested,
    });
    return 'skipped';
  },
);

Given('the turret config names the turret {string}', function (this: ConformanceWorld, name: string) {
  if (!this.config) throw new Error('no turret configured');
  this.config = { ...this.config, name };
});

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
    // The ports must be chosen before the HQ binds them: another process may take one meanwhile,
    // so on EADDRINUSE the kit starts over with other ports (a kit fault is never the turret's).
    for (let attempt = 1; ; attempt++) {
      const [publish, rc] = await freePorts(2);
      this.launch(publish!, rc!);
      await sleep(Number(delay) * 1000);
      try {
        await this.ensureHq({ publish: publish!, rc: rc! });
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== 'EADDRINUSE' || attempt >= 3)
          throw new KitError(`the kit could not bind its HQ on ports ${publish} and ${rc}: ${String(e)}`);
        await this.requireTurret().destroy();
      }
    }
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
    await awaitResults(this, at, 10_000 + this.slackMs, '4.2');
  },
);

/**
 * Waits for a valid result since `since`; fails fast, with the rejection reason and the clause the
 * frame breaks (e.g. 5.3), when the turret sends an invalid one instead, or when it exits.
 */
export async function awaitResults(
  world: ConformanceWorld,
  since: number,
  timeoutMs: number,
  clause: string,
): Promise<void> {
  const hq = world.requireHq();
  const turret = world.requireTurret();
  const settled = (): boolean => hq.results(since).length > 0 || world.rejection(since) !== undefined;
  const left = Math.max(0, since + timeoutMs - performance.now());
  await Promise.race([hq.waitUntil(settled, left), turret.exited.then(() => sleep(300))]);
  if (hq.results(since).length > 0) return;
  const rejected = world.rejection(since);
  if (rejected)
    world.fail(
      rejected.clause,
      `a valid result within ${secs(timeoutMs)} of "start"`,
      `the turret's result was rejected: ${rejected.why}`,
    );
  world.fail(
    clause,
    `a result within ${secs(timeoutMs)} of "start"`,
    `no result.\n${world.lastFrames(3, since)}${world.exitNote()}`,
  );
}

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
    if (answeredInARow >= 2) {
      world.readyAt = last!.at;
      return;
    }
    if (!answered) await sleep(200);
  }
  const states = hq
    .statuses(since)
    .map((s) => s.status.status)
    .join(', ');
  if (turret.running && world.uuid) {
    // Does it answer a status_request sent to its uuid, right after one of its statuses (so its
    // periodic one cannot pass for the answer)? Then it does not hear broadcasts (2.2), rather than
    // not answer (4.1).
    const quiet = performance.now();
    await hq.waitUntil(() => hq.statuses(quiet).length > 0, 2500);
    const at = await world.command('status_request', world.uuid);
    if (await hq.waitUntil(() => hq.statuses(at).length > 0, 1000 + world.slackMs))
      world.fail(
        clause('2.2'),
        'the turret to hear broadcasts (frames whose topic is empty)',
        `it did not answer two broadcast status_request in a row in 12 s, but answered one sent to its uuid at once: it is not subscribed to the empty topic "".\n${world.lastFrames(3)}`,
      );
  }
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

When(/^the HQ broadcasts "([a-z_]+)" without msg$/, async function (this: ConformanceWorld, command: string) {
  const hq = this.requireHq();
  const at = performance.now();
  await hq.send(command, undefined); // JSON.stringify leaves the msg key out
  this.lastSent.set(command, at);
  this.lastCommandAt = at;
});

When(
  'the HQ broadcasts status_request with these invalid advertisements:',
  async function (this: ConformanceWorld, table: { hashes(): Record<string, string>[] }) {
    // Each msg is neither null nor valid against command-status-request.schema.json (spec 4.1.1).
    const hq = this.requireHq();
    for (const row of table.hashes()) {
      const at = performance.now();
      this.invalidAdvertAt ??= at;
      await hq.send('status_request', JSON.parse(row.msg ?? 'null'));
      this.lastCommandAt = at;
    }
  },
);

When(
  /^the HQ asks with status_request every (\d+(?:\.\d+)?) seconds? until an? "([a-z]+)" status, within (\d+(?:\.\d+)?) seconds?$/,
  async function (this: ConformanceWorld, every: string, state: string, within: string) {
    const hq = this.requireHq();
    const since = this.lastCommandAt;
    const deadline = performance.now() + Number(within) * 1000 + this.slackMs;
    const seen = (): boolean => hq.statuses(since).some((s) => s.status.status === state);
    // Bounded: at most within / every requests.
    while (!seen() && performance.now() < deadline) {
      const at = performance.now();
      await hq.send('status_request', this.statusRequestMsg());
      this.lastSent.set('status_request', at);
      await hq.waitUntil(seen, Number(every) * 1000);
    }
    await waitForState(this, state, 0, since, clauseForState(state));
  },
);

When(
  'the HQ stops advertising: two status_request with msg null are answered',
  async function (this: ConformanceWorld) {
    // From now on the kit plays an HQ that advertises nothing (spec 8.15). Two answers in a row: the
    // second was sent after the turret had taken in the first request (a status already on its way
    // when the first was sent cannot pass for both answers).
    this.hqAdvertises = false;
    const hq = this.requireHq();
    for (let i = 0; i < 2; i++) {
      const at = await this.command('status_request');
      const bound = 1000 + this.slackMs;
      if (!(await hq.waitUntil(() => hq.statuses(at).length > 0, bound)))
        this.fail(
          '4.1',
          `a status within ${secs(bound)} of a status_request with msg null`,
          `no status.\n${this.lastFrames(3, at)}${this.exitNote()}`,
        );
      this.plainSince = hq.statuses(at)[0]!.at;
    }
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
