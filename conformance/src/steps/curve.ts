/**
 * Steps of the curve extension (spec 11): which HQ the kit plays (CURVE with the turret's server
 * key, CURVE with another key, plain), the key files it gives the turret, and what it checks: the
 * turret's connections and handshakes as the fake HQ's sockets saw them, its frames, its stderr.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { basename } from 'node:path';
import { KEY_FILES, ZAP_DOMAINS } from '../curve.js';
import { secs, showFrame } from '../evidence.js';
import { sleep } from './setup.js';
import type { ConformanceWorld } from './world.js';

Given(
  'the HQ speaks CURVE with the secret key matching the server key given to the turret',
  function (this: ConformanceWorld) {
    this.hqSecurity = 'curve';
  },
);

Given(
  'the HQ speaks CURVE with another key pair than the one given to the turret',
  function (this: ConformanceWorld) {
    this.hqSecurity = 'curve-other-key';
  },
);

Given('the HQ speaks plain ZeroMQ', function (this: ConformanceWorld) {
  this.hqSecurity = 'plain';
});

Given(
  "the HQ holds the matching secret key but its ZAP handler refuses the turret's key",
  function (this: ConformanceWorld) {
    this.hqSecurity = 'curve-refusing';
  },
);

Given(
  "the turret config names the HQ's public key file and the turret's secret key file",
  function (this: ConformanceWorld) {
    this.turretKeys ??= 'none';
  },
);

Given("the turret's secret key file may be read by others \\(mode 0644)", function (this: ConformanceWorld) {
  this.turretKeys = 'secret-readable';
});

Given(
  "the HQ's public key file given to the turret is not a certificate \\(a PEM key)",
  function (this: ConformanceWorld) {
    this.turretKeys = 'server-not-certificate';
  },
);

When(
  'the HQ holding the matching secret key takes over the same ports',
  async function (this: ConformanceWorld) {
    await this.takeOver('curve');
    this.lastCommandAt = performance.now();
  },
);

When(
  /^the HQ sends "status_request" and "start" every half second for (\d+) seconds$/,
  async function (this: ConformanceWorld, s: string) {
    const end = performance.now() + Number(s) * 1000;
    while (performance.now() < end) {
      await this.command('status_request');
      await this.command('start');
      await sleep(500);
    }
  },
);

Then(
  /^verify the turret connects to both sockets of the HQ within (\d+) seconds$/,
  async function (this: ConformanceWorld, s: string) {
    const hq = this.requireHq();
    const turret = this.requireTurret();
    const bound = Number(s) * 1000 + this.slackMs;
    const both = () => hq.accepted('PUB') && hq.accepted('PULL');
    await Promise.race([hq.waitUntil(both, bound), turret.exited]);
    if (!both())
      this.fail(
        this.clause,
        `the turret to connect its SUB and PUSH sockets to the HQ's PUB and PULL within ${secs(bound)} (else "no frame" proves nothing)`,
        `connections: ${hq.connectionSummary()}${this.exitNote()}\nturret output:\n${turret.outputTail || '(none)'}`,
      );
  },
);

Then(
  /^verify the HQ's ZAP handler refuses the turret's key on both sockets within (\d+) seconds$/,
  async function (this: ConformanceWorld, s: string) {
    const hq = this.requireHq();
    const turret = this.requireTurret();
    const bound = Number(s) * 1000 + this.slackMs;
    const key = this.keys.turret.publicKey;
    const refusedOn = (domain: string) =>
      hq.zapDecisions.some((d) => !d.admitted && d.domain === domain && d.clientKey === key);
    const both = () => refusedOn(ZAP_DOMAINS.pub) && refusedOn(ZAP_DOMAINS.pull);
    await Promise.race([hq.waitUntil(both, bound), turret.exited]);
    if (!both())
      this.fail(
        this.clause,
        `the turret to present its key ${key} on its SUB and PUSH sockets within ${secs(bound)}, and the HQ's ZAP handler to refuse it (else "keeps trying" proves nothing)`,
        `connections: ${hq.connectionSummary()}${this.exitNote()}\nturret output:\n${turret.outputTail || '(none)'}`,
      );
    this.log(`refused; connections: ${hq.connectionSummary()}`);
  },
);

/**
 * After a mechanism mismatch or a ZAP refusal libzmq never connects that endpoint again: only a
 * turret that connects again itself (spec 11.5) reaches the HQ that took over the ports. The kit asks
 * as an HQ waiting for its turrets does, so a turret that only answers status_request passes too.
 */
Then(
  /^verify the turret says "([a-z]+)" to that HQ within (\d+) seconds, asked with "status_request" every second$/,
  async function (this: ConformanceWorld, state: string, s: string) {
    const hq = this.requireHq();
    const turret = this.requireTurret();
    const since = this.lastCommandAt; // the takeover
    const bound = Number(s) * 1000 + this.slackMs;
    const said = () => hq.statuses().some((x) => x.status.status === state);
    while (!said() && turret.running && performance.now() - since < bound) {
      await this.command('status_request');
      await Promise.race([
        hq.waitUntil(said, Math.min(1000, since + bound - performance.now())),
        turret.exited,
      ]);
    }
    if (!said()) {
      const statuses = hq.statuses();
      this.fail(
        this.clause,
        `a "${state}" status to the HQ that took over the ports within ${secs(bound)}, the turret connecting again after its failed handshakes`,
        `${statuses.length === 0 ? 'no status' : `no "${state}" status; the last: ${showFrame(statuses.at(-1)!.frame, this.origin)}`}${hq.accepted('PUB') || hq.accepted('PULL') ? '' : ' (the turret never connected to it: libzmq gives up on an endpoint after such a failure, the turret must connect again itself)'}\nconnections to that HQ: ${hq.connectionSummary()}${this.exitNote()}\nturret stderr:\n${turret.stderr.slice(-2000) || '(none)'}`,
      );
    }
    const first = hq.statuses().find((x) => x.status.status === state)!;
    this.log(
      `"${state}" ${secs(first.at - since)} after the takeover; connections: ${hq.connectionSummary()}`,
    );
  },
);

Then('verify the HQ received no frame from the turret', function (this: ConformanceWorld) {
  const hq = this.requireHq();
  const security = hq.curve ? 'a CURVE HQ that does not hold the matching secret key' : 'a plain HQ';
  if (hq.received.length > 0)
    this.fail(
      this.clause,
      `no frame exchanged with ${security}`,
      `${hq.received.length} frame(s) arrived, the first: ${showFrame(hq.received[0]!, this.origin)}\nconnections: ${hq.connectionSummary()}`,
    );
  this.log(`no frame; connections: ${hq.connectionSummary()}`);
});

Then(
  'verify the turret obeyed no command of the other HQ: it sent no result and says ready',
  function (this: ConformanceWorld) {
    const hq = this.requireHq();
    const results = [...this.formerHqs, hq].flatMap((h) => h.results());
    if (results.length > 0)
      this.fail(
        this.clause,
        'no result (no start reached the turret)',
        showFrame(results[0]!.frame, this.origin),
      );
    const busy = hq.statuses().find((x) => !['initialized', 'ready'].includes(x.status.status));
    if (busy)
      this.fail(
        this.clause,
        'every status to say initialized or ready (the other HQ\'s "start" was never obeyed)',
        showFrame(busy.frame, this.origin),
      );
  },
);

Then(
  "verify the HQ admitted the turret's key on both sockets, and no other",
  function (this: ConformanceWorld) {
    const hq = this.requireHq();
    const decisions = hq.zapDecisions;
    const key = this.keys.turret.publicKey;
    const refused = decisions.find((d) => !d.admitted);
    if (refused)
      this.fail(
        this.clause,
        `every CURVE connection made with the turret's own key ${key}`,
        `a ${refused.mechanism} connection to ${refused.domain} with key "${refused.clientKey}" (refused)`,
      );
    for (const domain of [ZAP_DOMAINS.pub, ZAP_DOMAINS.pull]) {
      if (!decisions.some((d) => d.admitted && d.domain === domain && d.clientKey === key))
        this.fail(
          this.clause,
          `a CURVE connection to ${domain === ZAP_DOMAINS.pub ? 'PUB (SUB socket)' : 'PULL (PUSH socket)'} with the turret's key`,
          `ZAP requests: ${decisions.map((d) => `${d.domain} ${d.mechanism} ${d.admitted ? 'admitted' : 'refused'}`).join(', ') || 'none'}`,
        );
    }
  },
);

/** A line about the handshake: what spec 11.5 asks the turret to say. */
const HANDSHAKE_LINE = /handshake|curve/i;

Then(
  /^verify the turret says on stderr, in one line within (\d+) seconds, that its handshake failed$/,
  async function (this: ConformanceWorld, s: string) {
    const turret = this.requireTurret();
    const bound = Number(s) * 1000 + this.slackMs;
    const lines = () => turret.stderr.split('\n').filter((l) => HANDSHAKE_LINE.test(l));
    if (!(await turret.waitOutput(() => lines().length > 0, bound)))
      this.fail(
        this.clause,
        `a line on stderr about the failed handshake (mentioning "handshake" or "CURVE") within ${secs(bound)} of the launch`,
        `none.\nconnections: ${this.requireHq().connectionSummary()}${this.exitNote()}\nstderr:\n${turret.stderr.slice(-2000) || '(none)'}`,
      );
    // ZeroMQ retries every 100 ms: a line per retry would flood the log, so give it 2 s to show.
    await sleep(2000);
    const said = lines();
    if (said.length > 10)
      this.fail(
        this.clause,
        'one line about the failed handshake (a few at most), not one per retry',
        `${said.length} such lines in ${secs(performance.now() - turret.launchedAt)}, the first: ${said[0]}`,
      );
    this.log(`the turret said: ${said[0]}`);
  },
);

Then(
  /^verify its output names (the turret's secret key file|the HQ's public key file) in one line$/,
  async function (this: ConformanceWorld, which: string) {
    const turret = this.requireTurret();
    const file = basename(which.startsWith('the turret') ? KEY_FILES.secret : KEY_FILES.server);
    const text = () => `${turret.stderr}\n${turret.outputTail}`;
    // The exit may be seen before the last output is read.
    await turret.waitOutput(() => text().includes(file), 2000);
    const line = text()
      .split('\n')
      .find((l) => l.includes(file));
    if (!line)
      this.fail(
        this.clause,
        `a line naming the key file ${file}`,
        `no line names it.\nturret output:\n${turret.outputTail || '(none)'}`,
      );
    const trace = STACK_TRACE.exec(text());
    if (trace)
      this.fail(
        this.clause,
        `one line naming ${file}, no stack trace`,
        `a stack trace ("${trace[0].trim()}").\nturret output:\n${turret.outputTail}`,
      );
    this.log(`the turret said: ${line}`);
  },
);

/** A Python traceback, or a JavaScript or Java stack frame. */
const STACK_TRACE = /Traceback \(most recent call last\)|^\s+at \S.*(:\d+:\d+\)?|\(.*\))\s*$/m;
