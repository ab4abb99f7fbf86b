/**
 * Spec 12: the kit plays OCT 0.4's HQ, which never advertises (status_request msg null), broadcasts
 * set_transaction_context {} then start, and sends a late turret its start once, as a direct order in
 * answer to its first status. Every frame the turret sends is checked against the columns of that
 * HQ's tables: a key it has no column for is what it dies of.
 *
 *   kit PUB  -- status_request null, set_transaction_context {}, start, "<uuid> start" -->  turret SUB
 *   kit PULL <-- statuses (6 keys), results (6 keys) --  turret PUSH
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { secs, showFrame } from '../evidence.js';
import { sleep } from './setup.js';
import type { ConformanceWorld } from './world.js';

/** The columns of OCT 0.4's turret table (`turret` is its `name`) and result table (spec 12.1, 12.2). */
export const LEGACY_STATUS_KEYS = ['cannons', 'rampup', 'script', 'status', 'turret', 'uuid'];
export const LEGACY_RESULT_KEYS = [
  'custom_timers',
  'elapsed',
  'epoch',
  'error',
  'scriptrun_time',
  'turret_name',
];

/**
 * A frame's JSON against OCT 0.4's key sets (spec 12.1, 12.2): the set that applies, and what breaks
 * it (`extraLabel` names the keys too many), or null when it has exactly those keys.
 */
export function legacyKeys(
  j: Record<string, unknown>,
  extraLabel: string,
): { isStatus: boolean; wanted: readonly string[]; problem: string | null } {
  const isStatus = 'status' in j;
  const wanted = isStatus ? LEGACY_STATUS_KEYS : LEGACY_RESULT_KEYS;
  const keys = Object.keys(j).sort();
  const extra = keys.filter((k) => !wanted.includes(k));
  const missing = wanted.filter((k) => !keys.includes(k));
  const problems = [
    ...(extra.length > 0 ? [`${extraLabel}: ${extra.join(', ')}`] : []),
    ...(missing.length > 0 ? [`missing: ${missing.join(', ')}`] : []),
  ];
  return { isStatus, wanted, problem: problems.length > 0 ? problems.join('; ') : null };
}

Given("the HQ is OCT 0.4's, which never advertises", function (this: ConformanceWorld) {
  // Its status_request has msg null: no capability, and the world's switch for an HQ that advertises
  // no protocol either (hqAdvertises, where the world has it).
  this.hqCapabilities = [];
  Object.assign(this, { hqAdvertises: false });
});

When("the HQ starts the turret as OCT 0.4's HQ does", async function (this: ConformanceWorld) {
  await this.command('set_transaction_context');
  await this.command('start');
});

When(
  'the HQ broadcasts "start" until the turret\'s first status arrives',
  async function (this: ConformanceWorld) {
    const hq = this.requireHq();
    const turret = this.requireTurret();
    const since = turret.launchedAt;
    const deadline = since + 10_000 + this.slackMs;
    // A start, then a status_request, again and again while it loads: an answer saying `initialized`
    // shows that it heard the start before it, while initializing (one PUB to one SUB keeps order).
    const settled = (): boolean => hq.statuses(since).some((s) => s.status.status !== 'initialized');
    while (!settled() && performance.now() < deadline && turret.running) {
      await this.command('start');
      await this.command('status_request');
      await hq.waitUntil(settled, 50);
    }
    const first = hq.statuses(since).find((s) => s.status.status !== 'initialized');
    if (!first)
      this.fail(
        '6.1',
        `a status other than "initialized" within ${secs(deadline - since)} of launching the turret`,
        `none.\n${this.lastFrames(3)}${this.exitNote()}`,
      );
    this.uuid = first.status.uuid;
    if (!hq.statuses(since).some((s) => s.status.status === 'initialized')) {
      this.log(
        'it never answered "initialized": whether a start reached it while it initialized cannot be told, spec 12.3 is not observable on it',
      );
      return 'skipped';
    }
    return undefined;
  },
);

When(
  'the HQ sends the turret its start as a direct order once its first status arrives',
  async function (this: ConformanceWorld) {
    const hq = this.requireHq();
    const turret = this.requireTurret();
    const since = turret.launchedAt;
    const bound = 5000 + this.slackMs;
    const got = await Promise.race([
      hq.waitUntil(() => hq.statuses(since).length > 0, bound),
      turret.exited.then(() => hq.statuses(since).length > 0),
    ]);
    if (!got)
      this.fail(
        '6.1',
        `a status within ${secs(bound)} of launching the turret`,
        `no status.\n${this.lastFrames(3)}`,
      );
    this.uuid = hq.statuses(since)[0]!.status.uuid;
    // Once, at once, as OCT 0.4's HQ does for a turret first heard from during its run.
    await this.command('start', this.uuid);
  },
);

When(
  'the HQ advertises protocol 1.0 with the capabilities {string}',
  async function (this: ConformanceWorld, list: string) {
    const capabilities = list
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const at = performance.now();
    await this.requireHq().send('status_request', { protocol: '1.0', capabilities });
    this.lastSent.set('status_request', at);
    this.lastCommandAt = at;
  },
);

Then('verify the first status says "ready"', function (this: ConformanceWorld) {
  const first = this.requireHq().statuses(this.requireTurret().launchedAt)[0];
  if (!first) this.fail(this.clause, 'a first status', `none.\n${this.lastFrames()}`);
  if (first.status.status !== 'ready')
    this.fail(
      '12.4',
      'a first status saying "ready" (OCT 0.4\'s HQ starts any turret that sent a status)',
      showFrame(first.frame, this.origin),
    );
});

Then("verify every frame has exactly the keys OCT 0.4's HQ stores", function (this: ConformanceWorld) {
  const hq = this.requireHq();
  let statuses = 0;
  let results = 0;
  for (const r of hq.received) {
    const j = r.json as Record<string, unknown> | undefined;
    if (j === undefined || j === null || typeof j !== 'object' || Array.isArray(j))
      this.fail(
        '12.2',
        "every frame one JSON object (OCT 0.4's HQ reads each with recv_json)",
        showFrame(r, this.origin),
      );
    const { isStatus, wanted, problem } = legacyKeys(j, 'keys it has no column for');
    if (problem !== null)
      this.fail(
        isStatus ? '12.1' : '12.2',
        `a ${isStatus ? 'status' : 'result'} with exactly the keys ${wanted.join(', ')} (the columns of OCT 0.4's ${isStatus ? 'turret' : 'result'} table)`,
        `${problem}\nin ${showFrame(r, this.origin)}`,
      );
    if (isStatus) statuses++;
    else results++;
  }
  if (results === 0) this.fail(this.clause, 'results to check', `no result arrived.\n${this.lastFrames()}`);
  this.log(`${statuses} status(es) and ${results} result(s) checked`);
});

Then(
  'verify seq and results_sent count the results sent with a uuid, from the advertisement on',
  async function (this: ConformanceWorld) {
    await sleep(300); // results a multi-socket turret sent just before its status
    const hq = this.requireHq();
    const start = this.sentAt('start');
    const stop = this.sentAt('stop');
    const results = hq.results(start);
    const counted = results.filter((r) => r.result.uuid !== null);
    if (counted.length === results.length) {
      // It sent a uuid all along: 12.5 is not its case (8.6 judges its seq).
      this.log('every result since the start carried a uuid: spec 12.5 does not apply to this turret');
      return 'skipped';
    }
    if (counted.length === 0)
      this.fail(
        this.clause,
        'results with uuid and seq once the HQ advertised accounting',
        `none of the ${results.length} results since the start has a uuid.\n${this.lastFrames(3, stop)}`,
      );
    const seqs = counted.map((r) => r.result.seq).sort((a, b) => (a ?? -1) - (b ?? -1));
    seqs.forEach((seq, i) => {
      if (seq !== i)
        this.fail(
          this.clause,
          `seq 0..${counted.length - 1} over the ${counted.length} results sent with a uuid since the advertisement`,
          `after sorting, position ${i} holds ${String(seq)}`,
        );
    });
    const ready = hq
      .statuses(stop)
      .filter((s) => s.status.status === 'ready')
      .at(-1);
    if (!ready) this.fail(this.clause, 'a ready status after the stop', `none.\n${this.lastFrames(3, stop)}`);
    if (ready.status.results_sent !== counted.length)
      this.fail(
        this.clause,
        `results_sent = ${counted.length}, the results sent with a uuid since the advertisement (${results.length - counted.length} before it had none)`,
        `results_sent = ${String(ready.status.results_sent)} in ${showFrame(ready.frame, this.origin)}`,
      );
    return undefined;
  },
);
