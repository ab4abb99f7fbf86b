/**
 * The verify vocabulary: each Then step restates a clause and asserts it on what the fake HQ
 * received, failing with the clause, what was expected and the evidence (spec numbers inline).
 */
import { Given, Then } from '@cucumber/cucumber';
import { basename } from 'node:path';
import { validateResult, validateStatus } from '@oct/protocol';
import { secs, showFrame } from '../evidence.js';
import type { Received, ReceivedResult } from '../fake-hq.js';
import { awaitResults, sleep, waitForState } from './setup.js';
import { legacyKeys } from './legacy-hq.js';
import type { ConformanceWorld } from './world.js';

const SECONDS = '(\\d+(?:\\.\\d+)?) seconds?';
const re = (s: string): RegExp => new RegExp(`^${s}$`);

Given('the turret advertised {string}', function (this: ConformanceWorld, list: string) {
  const wanted = list.split(',').map((s) => s.trim());
  const last = this.requireHq().statuses().at(-1);
  const missing = wanted.filter((c) => !last?.status.capabilities.includes(c));
  // An extension the turret does not advertise is not applicable to it (spec 8.3).
  if (missing.length > 0) return 'skipped';
  return undefined;
});

Then(re(`verify a status arrives within ${SECONDS}`), async function (this: ConformanceWorld, s: string) {
  const hq = this.requireHq();
  const since = this.lastCommandAt;
  const bound = Number(s) * 1000 + this.slackMs;
  if (!(await hq.waitUntil(() => hq.statuses(since).length > 0, bound))) {
    this.fail(
      this.clause,
      `a status within ${secs(bound)} of the last command`,
      `no status.\n${this.lastFrames(3, since)}${this.exitNote()}`,
    );
  }
});

Then(
  re(`verify a status arrives within ${SECONDS} of the launch`),
  async function (this: ConformanceWorld, s: string) {
    const hq = this.requireHq();
    const since = this.requireTurret().launchedAt;
    const bound = Number(s) * 1000 + this.slackMs;
    if (!(await hq.waitUntil(() => hq.statuses(since).length > 0, bound - (performance.now() - since)))) {
      this.fail(
        this.clause,
        `a status within ${secs(bound)} of launching the turret`,
        `no status.\n${this.lastFrames(3)}${this.exitNote()}\nturret output:\n${this.requireTurret().outputTail || '(none)'}`,
      );
    }
  },
);

Then(
  re(`verify an? "([a-z]+)" status arrives within ${SECONDS}`),
  async function (this: ConformanceWorld, state: string, s: string) {
    await waitForState(this, state, Number(s), this.lastCommandAt, this.clause);
  },
);

Then(
  re(`verify an? "([a-z]+)" status arrives within ${SECONDS} of the launch`),
  async function (this: ConformanceWorld, state: string, s: string) {
    const since = this.requireTurret().launchedAt;
    const left = Math.max(0, Number(s) - (performance.now() - since) / 1000);
    await waitForState(this, state, left, since, this.clause);
  },
);

async function statusRequestAnswered(world: ConformanceWorld, s: string, state?: string): Promise<void> {
  const hq = world.requireHq();
  if (state === 'ready') {
    // A ready turret repeats its status about every 2 s (spec 6.2): ask right after one (or after
    // 2.5 s of quiet), so a periodic "ready" cannot pass for the answer.
    const quiet = performance.now();
    await hq.waitUntil(() => hq.statuses(quiet).length > 0, 2500);
  }
  const at = await world.command('status_request');
  const bound = Number(s) * 1000 + world.slackMs;
  const answered = await hq.waitUntil(() => hq.statuses(at).length > 0, bound);
  if (!answered) {
    world.fail(
      world.clause,
      `a status within ${secs(bound)} of a status_request`,
      `no status.\n${world.lastFrames(3, at)}${world.exitNote()}`,
    );
  }
  if (state !== undefined) {
    const first = hq.statuses(at)[0]!;
    if (first.status.status !== state) {
      world.fail(
        world.clause,
        `the answer to status_request to say "${state}"`,
        `the answer was ${showFrame(first.frame, world.origin)}`,
      );
    }
  }
}

Then(
  re(`verify a status_request is answered within ${SECONDS}`),
  async function (this: ConformanceWorld, s: string) {
    await statusRequestAnswered(this, s);
  },
);

Then(
  re(`verify a status_request is answered within ${SECONDS} with status "([a-z]+)"`),
  async function (this: ConformanceWorld, s: string, state: string) {
    await statusRequestAnswered(this, s, state);
  },
);

Then(re(`verify results arrive within ${SECONDS}`), async function (this: ConformanceWorld, s: string) {
  const since = this.sentAt('start');
  const bound = Number(s) * 1000 + this.slackMs;
  await awaitResults(this, since, bound, this.clause);
});

Then(re(`verify no result arrives within ${SECONDS}`), async function (this: ConformanceWorld, s: string) {
  const hq = this.requireHq();
  const since = this.lastCommandAt;
  await sleep(Number(s) * 1000);
  const results = hq.results(since);
  if (results.length > 0) {
    this.fail(
      this.clause,
      `no result within ${s} s of a command addressed to another turret`,
      `${results.length} result(s), the first: ${showFrame(results[0]!.frame, this.origin)}`,
    );
  }
});

Then('verify the process is still running', async function (this: ConformanceWorld) {
  await sleep(200);
  if (!this.requireTurret().running) {
    this.fail(
      this.clause,
      'the turret process to keep running',
      `it exited.${this.exitNote()}\nturret output:\n${this.requireTurret().outputTail || '(none)'}`,
    );
  }
});

Then(
  re(`verify the process exits within ${SECONDS} of the kill`),
  async function (this: ConformanceWorld, s: string) {
    const turret = this.requireTurret();
    const kill = this.sentAt('kill');
    const bound = Number(s) * 1000 + this.slackMs;
    const exit = await turret.waitExit(Math.max(0, kill + bound - performance.now()));
    if (!exit)
      this.fail(
        this.clause,
        `the process to exit within ${secs(bound)} of "kill"`,
        `still running ${secs(performance.now() - kill)} after "kill"`,
      );
  },
);

Then(
  re(`verify the process exits with a non-zero code within ${SECONDS} of the launch`),
  async function (this: ConformanceWorld, s: string) {
    const turret = this.requireTurret();
    const bound = Number(s) * 1000 + this.slackMs;
    const exit = await turret.waitExit(Math.max(0, turret.launchedAt + bound - performance.now()));
    if (!exit)
      this.fail(
        this.clause,
        `the process to exit within ${secs(bound)} of its launch`,
        `still running after ${secs(performance.now() - turret.launchedAt)}`,
      );
    if (exit.code === 0) this.fail(this.clause, 'a non-zero exit code', 'the process exited with code 0');
  },
);

Then(/^verify every frame is one UTF-8 JSON object$/, function (this: ConformanceWorld) {
  for (const r of this.requireHq().received) {
    const ok = r.json !== null && typeof r.json === 'object' && !Array.isArray(r.json);
    if (!ok) this.fail(this.clause, 'every frame to be one UTF-8 JSON object', showFrame(r, this.origin));
  }
});

Then('verify every frame is JSON or a tagged protobuf batch that decodes', function (this: ConformanceWorld) {
  for (const r of this.requireHq().received) {
    if (r.raw[0] === 0x01 && !r.decoded.ok)
      this.fail(
        this.clause,
        'a protobuf frame to decode as oct.v1.ResultBatch',
        `${r.decoded.error.message}: ${r.raw.toString('hex').slice(0, 80)}`,
      );
    if (r.raw[0] !== 0x01 && (r.json === null || typeof r.json !== 'object'))
      this.fail(this.clause, 'a JSON object or a tagged protobuf batch', showFrame(r, this.origin));
  }
});

/** Frames that are not statuses and do not decode: broken results or batches. */
function brokenResultFrames(world: ConformanceWorld) {
  return world.requireHq().received.filter((r) => {
    if (r.decoded.ok) return false;
    const json = r.json as Record<string, unknown> | undefined;
    return !(json && typeof json === 'object' && 'status' in json);
  });
}

Then('verify every result is valid', function (this: ConformanceWorld) {
  const hq = this.requireHq();
  const broken = brokenResultFrames(this)[0];
  if (broken && !broken.decoded.ok)
    this.fail(
      this.clause,
      'every result to be valid against result.schema.json',
      `${broken.decoded.error.message}\nin ${showFrame(broken, this.origin)}`,
    );
  const results = hq.results();
  if (results.length === 0)
    this.fail(this.clause, 'results to check', `no result arrived.\n${this.lastFrames()}`);
  const legacy = !this.advertised1x;
  if (legacy) this.notApplicable('legacy turret');
  for (const r of results) {
    if (r.encoding === 'single') {
      const v = validateResult(r.frame.json);
      if (!v.ok)
        this.fail(
          this.clause,
          'every result to be valid',
          `${v.error.message}\nin ${showFrame(r.frame, this.origin)}`,
        );
    }
    // turret_name and uuid are required of protocol 1.x turrets only (spec 5.3).
    if (legacy) continue;
    if (r.result.turret_name === null || r.result.uuid === null) {
      this.fail(
        this.clause,
        'a protocol 1.x turret to include turret_name and uuid in every result',
        `a result without ${r.result.turret_name === null ? 'turret_name' : 'uuid'}: ${showFrame(r.frame, this.origin)}`,
      );
    }
    if (r.result.uuid !== this.uuid) {
      this.fail(
        this.clause,
        `every result to carry the turret's uuid ${String(this.uuid)}`,
        showFrame(r.frame, this.origin),
      );
    }
  }
});

Then('verify every batch is valid and names this turret', function (this: ConformanceWorld) {
  const broken = brokenResultFrames(this)[0];
  if (broken && !broken.decoded.ok)
    this.fail(
      this.clause,
      'every batch to be valid against result-batch.schema.json',
      `${broken.decoded.error.message}\nin ${showFrame(broken, this.origin)}`,
    );
  for (const r of this.requireHq().received) {
    if (!r.decoded.ok || r.decoded.value.kind !== 'batch') continue;
    const b = r.decoded.value;
    if (b.uuid !== this.uuid || b.turret_name !== this.config?.name) {
      this.fail(
        this.clause,
        `batches named "${this.config?.name}" with uuid ${String(this.uuid)}`,
        showFrame(r, this.origin),
      );
    }
  }
  const batches = this.requireHq().received.filter(
    (r) => r.decoded.ok && r.decoded.value.kind === 'batch',
  ).length;
  this.log(`${batches} batch frame(s) received`);
});

Then(
  re(`verify firing continued across the second start without restarting`),
  async function (this: ConformanceWorld) {
    const hq = this.requireHq();
    const second = this.sentAt('start');
    const before = hq.results().filter((r) => r.at < second);
    const after = hq.results(second + 200);
    if (after.length === 0)
      this.fail(
        this.clause,
        'results to keep arriving after the second start',
        `no result after it.\n${this.lastFrames(3, second)}${this.exitNote()}`,
      );
    const lastBefore = Math.max(...before.map((r) => r.result.elapsed));
    const reset = after.find((r) => r.result.elapsed < lastBefore - 0.05);
    if (reset) {
      this.fail(
        this.clause,
        `elapsed to keep growing (it was ${lastBefore.toFixed(3)} s before the second start)`,
        `a result after the second start has elapsed ${reset.result.elapsed}, so firing restarted: ${showFrame(reset.frame, this.origin)}`,
      );
    }
    const seqReset = after.find((r) => r.result.seq === 0);
    if (seqReset) this.fail(this.clause, 'seq not to restart at 0', showFrame(seqReset.frame, this.origin));
  },
);

Then(
  'verify no result arrives more than 5 seconds after the stop plus the transaction in progress',
  async function (this: ConformanceWorld) {
    await noLateResults(this, this.sentAt('stop'), '"stop"');
  },
);

Then(
  'verify no result arrives more than 5 seconds after that advertisement plus the transaction in progress',
  async function (this: ConformanceWorld) {
    await noLateResults(this, this.sentAt('status_request'), "the new run's advertisement");
  },
);

/** No result later than 5 s + the longest transaction after `from` (spec 4.3, and 8.10, 8.11 "as on stop"). */
async function noLateResults(world: ConformanceWorld, from: number, what: string): Promise<void> {
  const hq = world.requireHq();
  const txn = Math.max(0, ...hq.results().map((r) => r.result.scriptrun_time)) * 1000;
  const bound = 5000 + txn + world.slackMs;
  await sleep(Math.max(0, from + bound + 300 - performance.now()));
  const late = hq.results(from + bound);
  if (late.length > 0) {
    world.fail(
      world.clause,
      `no result later than ${secs(bound)} after ${what} (5 s + the longest transaction, ${secs(txn)})`,
      `${late.length} result(s) later; the first ${secs(late[0]!.at - from)} after it: ${showFrame(late[0]!.frame, world.origin)}`,
    );
  }
}

Then('verify every status since the start names the run_id sent with it', function (this: ConformanceWorld) {
  const start = this.sentAt('start');
  // From its running status on: a status sent before it obeyed the start may arrive after the start.
  const all = this.requireHq().statuses(start);
  const running = all.findIndex((x) => x.status.status === 'running');
  if (running < 0)
    this.fail(this.clause, 'a running status after the start', `none arrived.\n${this.lastFrames(3, start)}`);
  for (const s of all.slice(running)) {
    const json = s.frame.json as Record<string, unknown> | undefined;
    if (json?.run_id !== this.hqRunId)
      this.fail(
        this.clause,
        `"run_id": ${JSON.stringify(this.hqRunId)} (the start's) in every status since the start`,
        showFrame(s.frame, this.origin),
      );
  }
});

Then(
  re(`verify a "ready" status follows its results within ${SECONDS} of the HQ's last frame`),
  async function (this: ConformanceWorld, s: string) {
    const hq = this.requireHq();
    const since = this.lastCommandAt;
    const bound = Number(s) * 1000 + this.slackMs;
    // Only a ready status after a result counts: one sent before the turret obeyed the start may
    // still arrive after it.
    const readyAfterResults = (): Received | undefined => {
      const frames = hq.received.filter((r) => r.at >= this.sentAt('start') && r.decoded.ok);
      const first = frames.findIndex((r) => r.decoded.ok && r.decoded.value.kind !== 'status');
      if (first < 0) return undefined;
      return frames
        .slice(first + 1)
        .find(
          (r) =>
            r.decoded.ok && r.decoded.value.kind === 'status' && r.decoded.value.status.status === 'ready',
        );
    };
    const ok = await hq.waitUntil(() => readyAfterResults() !== undefined, since + bound - performance.now());
    if (!ok)
      this.fail(
        this.clause,
        `a "ready" status within ${secs(bound)} of the HQ's last frame`,
        `none (the turret fires on).\n${this.lastFrames(3, since)}${this.exitNote()}`,
      );
  },
);

Then(
  'verify the running status came before the first result, and every result before the first status not running after it',
  function (this: ConformanceWorld) {
    const start = this.sentAt('start');
    const frames = this.requireHq().received.filter((r) => r.at >= start && r.decoded.ok);
    const kind = (r: (typeof frames)[number]): string => (r.decoded.ok ? r.decoded.value.kind : '');
    const state = (r: (typeof frames)[number]): string =>
      r.decoded.ok && r.decoded.value.kind === 'status' ? r.decoded.value.status.status : '';
    const running = frames.findIndex((r) => state(r) === 'running');
    const firstResult = frames.findIndex((r) => kind(r) === 'result' || kind(r) === 'batch');
    if (running < 0 || firstResult < 0)
      this.fail(this.clause, 'a running status and results after the start', this.lastFrames(3, start));
    if (firstResult < running)
      this.fail(
        this.clause,
        'the running status before the first result of the start',
        `a result came first: ${showFrame(frames[firstResult]!, this.origin)}`,
      );
    const stopped = frames.findIndex((r, i) => i > running && kind(r) === 'status' && state(r) !== 'running');
    if (stopped < 0) this.fail(this.clause, 'a status after the stop that is not running', 'none');
    const late = frames.slice(stopped + 1).find((r) => kind(r) === 'result' || kind(r) === 'batch');
    if (late)
      this.fail(
        this.clause,
        `every result of the start before its first "${state(frames[stopped]!)}" status`,
        `a result after it: ${showFrame(late, this.origin)}`,
      );
  },
);

Then(re(`verify the turret keeps firing for ${SECONDS}`), async function (this: ConformanceWorld, s: string) {
  const hq = this.requireHq();
  const since = this.lastCommandAt;
  // A lower bound: the turret must not stop before it, so the slack is taken off.
  const until = since + Number(s) * 1000 - this.slackMs;
  await sleep(Math.max(0, until - performance.now()));
  // Statuses sent before the turret obeyed the start may still arrive after it: judge only what
  // came after its first result, which follows them on the wire.
  const frames = hq.received.filter((r) => r.at >= this.sentAt('start') && r.at <= until && r.decoded.ok);
  const first = frames.findIndex((r) => r.decoded.ok && r.decoded.value.kind !== 'status');
  const stopped = frames
    .slice(first + 1)
    .find(
      (r) => r.decoded.ok && r.decoded.value.kind === 'status' && r.decoded.value.status.status !== 'running',
    );
  if (first < 0 || stopped)
    this.fail(
      this.clause,
      `no status but "running" within ${secs(until - since)} of the HQ's last frame, once results came`,
      stopped
        ? `${secs(stopped.at - since)} after it: ${showFrame(stopped, this.origin)}`
        : 'no result at all',
    );
  if (!hq.results(until - 1000).length)
    this.fail(
      this.clause,
      `results still arriving ${secs(until - since)} after the HQ's last frame`,
      `none in the last second.\n${this.lastFrames(3, since)}`,
    );
});

Then(
  re('verify every result carries the custom timer "([^"]+)" (equal to 1|above 0)'),
  function (this: ConformanceWorld, name: string, how: string) {
    const results = this.requireHq().results();
    if (results.length === 0)
      this.fail(this.clause, 'results to check', `no result arrived.\n${this.lastFrames()}`);
    for (const r of results) {
      const v = r.result.custom_timers[name];
      const ok = how === 'equal to 1' ? v === 1 : typeof v === 'number' && v > 0;
      if (!ok)
        this.fail(
          this.clause,
          `custom_timers.${name} ${how} in every result`,
          `custom_timers is ${JSON.stringify(r.result.custom_timers)} in ${showFrame(r.frame, this.origin)}`,
        );
    }
  },
);

Then('verify every status is valid against status.schema.json', function (this: ConformanceWorld) {
  const statuses = this.requireHq().received.filter(
    (r) => r.json && typeof r.json === 'object' && 'status' in r.json,
  );
  if (statuses.length === 0)
    this.fail(this.clause, 'status messages to check', `none arrived.\n${this.lastFrames()}`);
  for (const r of statuses) {
    const v = validateStatus(r.json);
    if (!v.ok)
      this.fail(
        this.clause,
        'every status to be valid against status.schema.json',
        `${v.error.message}\nin ${showFrame(r, this.origin)}`,
      );
  }
});

Then(
  /^verify every status word is (one of initialized, ready, running, aborted, killed in any case|in lower case)$/,
  function (this: ConformanceWorld, which: string) {
    const words = ['initialized', 'ready', 'running', 'aborted', 'killed'];
    const statuses = this.requireHq().received.filter(
      (r) => r.json && typeof r.json === 'object' && 'status' in r.json,
    );
    if (statuses.length === 0)
      this.fail(this.clause, 'status messages to check', `none arrived.\n${this.lastFrames()}`);
    for (const r of statuses) {
      const word = (r.json as Record<string, unknown>).status;
      const ok =
        typeof word === 'string' &&
        (which === 'in lower case' ? words.includes(word) : words.includes(word.toLowerCase()));
      if (!ok)
        this.fail(
          this.clause,
          which === 'in lower case' ? 'the lower-case spelling of a state' : `one of ${words.join(', ')}`,
          `status ${JSON.stringify(word)} in ${showFrame(r, this.origin)}`,
        );
    }
  },
);

Then('verify every result has an empty error', function (this: ConformanceWorld) {
  const results = this.requireHq().results();
  if (results.length === 0)
    this.fail(this.clause, 'results to check', `no result arrived.\n${this.lastFrames()}`);
  const bad = results.find((r) => r.result.error !== '');
  if (bad)
    this.fail(
      this.clause,
      'error "" for the succeed_with_timer fixture',
      `error ${JSON.stringify(bad.result.error)} in ${showFrame(bad.frame, this.origin)}`,
    );
});

Then('verify every result has an error containing {string}', function (this: ConformanceWorld, text: string) {
  const results = this.requireHq().results();
  if (results.length === 0) {
    const broken = brokenResultFrames(this)[0];
    const why =
      broken && !broken.decoded.ok
        ? `an invalid result arrived: ${broken.decoded.error.message}`
        : 'no result arrived';
    this.fail(this.clause, 'results reporting the failure', `${why}.\n${this.lastFrames()}`);
  }
  const bad = results.find((r) => !r.result.error.includes(text));
  if (bad)
    this.fail(
      this.clause,
      `error containing "${text}" in every result of the fail_with_message fixture`,
      `error ${JSON.stringify(bad.result.error)} in ${showFrame(bad.frame, this.origin)}`,
    );
});

Then('verify at least {int} results arrived', function (this: ConformanceWorld, n: number) {
  const count = this.requireHq().results().length;
  if (count < n)
    this.fail(
      this.clause,
      `at least ${n} results (the canon keeps firing)`,
      `${count} result(s).\n${this.lastFrames()}${this.exitNote()}`,
    );
});

Then(
  "verify epochs have sub-second precision and elapsed grows with the HQ's clock",
  function (this: ConformanceWorld) {
    const results = this.requireHq().results();
    if (results.length < 3) this.fail(this.clause, 'at least 3 results to check', `${results.length}`);
    if (results.every((r) => Number.isInteger(r.result.epoch)))
      this.fail(
        this.clause,
        'epoch with a fractional part',
        `every epoch is a whole number, e.g. ${showFrame(results[0]!.frame, this.origin)}`,
      );
    const first = results[0]!;
    const last = results.at(-1)!;
    const turret = last.result.elapsed - first.result.elapsed;
    const hq = (last.at - first.at) / 1000;
    if (Math.abs(turret - hq) > 0.5 + 0.2 * hq)
      this.fail(
        this.clause,
        `elapsed to grow like the HQ's clock (${hq.toFixed(3)} s between two results)`,
        `elapsed grew by ${turret.toFixed(3)} s`,
      );
  },
);

Then(
  re(`verify the "ready" status repeats about every 2 seconds for ${SECONDS}`),
  async function (this: ConformanceWorld, s: string) {
    const hq = this.requireHq();
    const since = this.requireTurret().launchedAt;
    await hq.waitUntil(() => hq.statuses(since).length > 0, 5000 + this.slackMs);
    const first = hq.statuses(since)[0];
    if (!first) this.fail('6.1', 'a first status', `none.\n${this.lastFrames()}`);
    await sleep(Math.max(0, first.at + Number(s) * 1000 + this.slackMs - performance.now()));
    const ready = hq
      .statuses(since)
      .filter((x) => x.status.status === 'ready')
      .map((x) => x.at);
    const gaps = ready.slice(1).map((t, i) => t - ready[i]!);
    if (ready.length < 3 || gaps.some((g) => g > 3500)) {
      this.fail(
        this.clause,
        `"ready" repeated about every 2 s (at least 3 in ${s} s, no gap over 3.5 s)`,
        `${ready.length} "ready" status(es)${gaps.length ? `, gaps ${gaps.map((g) => secs(g)).join(', ')}` : ''}`,
      );
    }
  },
);

/**
 * When each transaction began, in ms. The turret's own `epoch` is used when it has sub-second
 * precision (immune to the kit's event-loop delays); otherwise arrival minus scriptrun_time.
 */
function begins(results: ReceivedResult[]): number[] {
  const precise = results.some((r) => !Number.isInteger(r.result.epoch));
  return results.map((r) => (precise ? r.result.epoch * 1000 : r.at - r.result.scriptrun_time * 1000));
}

/** The spans of transactions, shrunk to absorb clock jitter. */
function spans(results: ReceivedResult[], shrinkMs = 100): [number, number][] {
  const b = begins(results);
  return results
    .map((r, i): [number, number] => [b[i]! + shrinkMs, b[i]! + r.result.scriptrun_time * 1000 - shrinkMs])
    .filter(([x, y]) => y > x);
}

function maxOverlap(intervals: [number, number][]): number {
  const events = intervals
    .flatMap(([a, b]) => [[a, 1] as const, [b, -1] as const])
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of events) max = Math.max(max, (cur += d));
  return max;
}

Then('verify the observed concurrency is {int}', function (this: ConformanceWorld, n: number) {
  const hq = this.requireHq();
  const start = this.sentAt('start');
  const results = hq.results(start);
  const observed = maxOverlap(spans(results));
  const window = (performance.now() - start) / 1000;
  if (observed !== n) {
    this.fail(
      this.clause,
      `${n} transactions in flight at once (canons = ${n})`,
      `at most ${observed} at once; ${results.length} results of the 1 s "slow" fixture in ${window.toFixed(1)} s since "start" (${(results.length / window).toFixed(2)}/s, expected about ${n}/s)`,
    );
  }
});

Then(
  /^verify the first transactions of the (\d+) canons start spread over the (\d+) second rampup$/,
  function (this: ConformanceWorld, n: string, rampup: string) {
    const canons = Number(n);
    const start = this.sentAt('start');
    const results = this.requireHq().results(start);
    const b = begins(results);
    const origin = Math.min(...b);
    const starts = b
      .map((t) => t - origin)
      .sort((x, y) => x - y)
      .slice(0, canons);
    if (starts.length < canons)
      this.fail(this.clause, `${canons} transactions`, `${starts.length}.\n${this.lastFrames()}`);
    const span = starts.at(-1)! - starts[0]!;
    const wanted = (0.5 * Number(rampup) * 1000 * (canons - 1)) / canons;
    if (span < wanted) {
      this.fail(
        this.clause,
        `the first ${canons} transactions to start spread over the rampup (at least ${secs(wanted)} between first and last)`,
        `they began at ${starts.map((t) => `+${secs(t)}`).join(', ')}, relative to the first`,
      );
    }
  },
);

Then('verify each transaction produced exactly one result', function (this: ConformanceWorld) {
  const hq = this.requireHq();
  const start = this.sentAt('start');
  const results = hq.results(start);
  const seen = new Map<string, ReceivedResult>();
  for (const r of results) {
    const key = JSON.stringify([
      r.result.epoch,
      r.result.elapsed,
      r.result.scriptrun_time,
      r.result.custom_timers,
    ]);
    const dup = seen.get(key);
    if (dup)
      this.fail(
        this.clause,
        'one result per transaction',
        `the same result twice:\n  ${showFrame(dup.frame, this.origin)}\n  ${showFrame(r.frame, this.origin)}`,
      );
    seen.set(key, r);
  }
  const canons = this.config?.canons ?? 1;
  const window = (performance.now() - start) / 1000;
  const most = canons * (Math.ceil(window) + 1);
  const observed = maxOverlap(spans(results));
  if (results.length > most || observed > canons) {
    this.fail(
      this.clause,
      `at most ${most} results of the 1 s "slow" fixture from ${canons} canons in ${window.toFixed(1)} s, never more than ${canons} in flight`,
      `${results.length} results, up to ${observed} overlapping`,
    );
  }
  if (results.length < canons)
    this.fail(
      this.clause,
      `a result for each completed transaction (at least ${canons})`,
      `${results.length} results`,
    );
});

Then('verify every status carries protocol "1.x" and a capabilities list', function (this: ConformanceWorld) {
  // Before it has heard the HQ advertise protocol 1.x, a turret speaks as under a legacy HQ (spec 8.2,
  // section 12): only its statuses from its answer to the setup's last status_request on are judged.
  const statuses = this.requireHq().received.filter(
    (r) => r.at >= this.readyAt && r.json && typeof r.json === 'object' && 'status' in r.json,
  );
  if (statuses.length === 0)
    this.fail(this.clause, 'status messages to check', `none arrived.\n${this.lastFrames()}`);
  for (const r of statuses) {
    const j = r.json as Record<string, unknown>;
    const ok = typeof j.protocol === 'string' && /^1\.\d+$/.test(j.protocol) && Array.isArray(j.capabilities);
    if (!ok)
      this.fail(
        this.clause,
        'protocol "1.<minor>" and a capabilities array in every status',
        showFrame(r, this.origin),
      );
  }
});

/** Fails when the turret used an extension outside `allowed` (spec 8.3). */
function onlyExtensions(world: ConformanceWorld, allowed: string[]): void {
  const hq = world.requireHq();
  for (const r of hq.received) {
    if (r.raw[0] === 0x01 && !allowed.includes('protobuf'))
      world.fail(
        world.clause,
        'no protobuf frame (the HQ did not advertise protobuf)',
        showFrame(r, world.origin),
      );
    const j = r.json as Record<string, unknown> | undefined;
    if (!j || typeof j !== 'object') continue;
    if (Array.isArray(j.results) && !allowed.includes('batch'))
      world.fail(
        world.clause,
        'single JSON results, no batch (the HQ did not advertise batch)',
        showFrame(r, world.origin),
      );
    if (!allowed.includes('accounting')) {
      const items = Array.isArray(j.results) ? (j.results as Record<string, unknown>[]) : [j];
      if (items.some((x) => x && 'seq' in x))
        world.fail(world.clause, 'no seq (the HQ did not advertise accounting)', showFrame(r, world.origin));
      if ('results_sent' in j)
        world.fail(
          world.clause,
          'no results_sent (the HQ did not advertise accounting)',
          showFrame(r, world.origin),
        );
    }
  }
  if (hq.results().length === 0)
    world.fail(world.clause, 'results to check', `no valid result arrived.\n${world.lastFrames()}`);
}

Then(
  'verify the turret spoke the plain protocol: single JSON results, no seq, no results_sent',
  function (this: ConformanceWorld) {
    onlyExtensions(this, []);
  },
);

Then('verify the turret used no extension but {string}', function (this: ConformanceWorld, list: string) {
  onlyExtensions(
    this,
    list.split(',').map((s) => s.trim()),
  );
});

Then(
  'verify seq runs from 0 without gaps and results_sent equals the results received',
  async function (this: ConformanceWorld) {
    await sleep(300); // results a multi-socket turret sent just before its status
    const hq = this.requireHq();
    const start = this.sentAt('start');
    const stop = this.sentAt('stop');
    const results = hq.results(start);
    const missingSeq = results.find((r) => r.result.seq === null);
    if (missingSeq) this.fail(this.clause, 'seq in every result', showFrame(missingSeq.frame, this.origin));
    const seqs = results.map((r) => r.result.seq!).sort((a, b) => a - b);
    for (let i = 0; i < seqs.length; i++) {
      if (seqs[i] !== i) {
        this.fail(
          this.clause,
          `seq 0..${seqs.length - 1} without gaps or repeats since the last start`,
          `after sorting the ${seqs.length} seqs received, position ${i} holds ${seqs[i]} (${seqs[i]! < i ? 'a repeat' : `seq ${i} is missing`})`,
        );
      }
    }
    // A status sent while the turret is still stopping (it says running) may not know the final
    // count yet; every status once it has stopped must carry it.
    const after = hq.statuses(stop).filter((s) => s.status.status !== 'running');
    if (after.length === 0) this.fail(this.clause, 'a status after the stop', 'none');
    for (const s of after) {
      if (s.status.results_sent === null)
        this.fail(
          this.clause,
          'results_sent in every status once the turret has stopped',
          showFrame(s.frame, this.origin),
        );
    }
    const ready = after.filter((s) => s.status.status === 'ready').at(-1) ?? after.at(-1)!;
    if (ready.status.results_sent !== results.length) {
      this.fail(
        this.clause,
        `results_sent = ${results.length}, the results received since the start`,
        `results_sent = ${String(ready.status.results_sent)} in ${showFrame(ready.frame, this.origin)}`,
      );
    }
  },
);

Then(
  'verify the turret survived a direct order, as it must to act on its own \\(spec 3.1.1)',
  async function (this: ConformanceWorld) {
    await sleep(300);
    if (!this.requireTurret().running)
      // Dying on a frame with a topic is a fault of 3.1.1 (acting on direct orders), whosever they are.
      this.fail(
        '3.1.1',
        'the turret to parse a direct order (a frame whose topic is a uuid) and keep running',
        `it exited after a direct order addressed to another turret.${this.exitNote()}\nturret output:\n${this.requireTurret().outputTail || '(none)'}`,
      );
  },
);

Given(
  'the turret is judged as a protocol 1.x turret, unless it is a legacy one',
  function (this: ConformanceWorld) {
    // A turret that never advertised protocol 1.x (and sent no 1.x field) is a legacy turret: the
    // rules for protocol 1.x turrets do not apply to it.
    if (this.advertised1x) return undefined;
    this.notApplicable('legacy turret');
    return 'skipped';
  },
);

/** When each transaction began, in ms on the kit's clock (performance.now()). */
function beginsOnKitClock(results: ReceivedResult[]): number[] {
  const precise = results.some((r) => !Number.isInteger(r.result.epoch));
  return results.map((r) =>
    precise ? r.result.epoch * 1000 - performance.timeOrigin : r.at - r.result.scriptrun_time * 1000,
  );
}

Then(
  "verify each canon's transaction in progress at the stop produced one result",
  async function (this: ConformanceWorld) {
    await sleep(300); // results a multi-socket turret sent just before its status
    const hq = this.requireHq();
    const start = this.sentAt('start');
    const stop = this.sentAt('stop');
    const results = hq.results(start);
    const b = beginsOnKitClock(results);
    const margin = 150;
    const spanning = results.filter(
      (r, i) => b[i]! < stop - margin && b[i]! + r.result.scriptrun_time * 1000 > stop + margin,
    );
    const canons = this.config?.canons ?? 1;
    if (spanning.length !== canons) {
      const shown = results
        .map(
          (r, i) =>
            `+${secs(b[i]! - this.origin)} to +${secs(b[i]! + r.result.scriptrun_time * 1000 - this.origin)}`,
        )
        .join(', ');
      this.fail(
        this.clause,
        `one result for each of the ${canons} transactions of the 1 s "slow" fixture in progress at the stop (+${secs(stop - this.origin)}): canons finish their current transaction and its result is sent`,
        `${spanning.length} result(s) of a transaction spanning the stop; the transactions reported ran ${shown || '(none)'}`,
      );
    }
  },
);

Then(
  "verify every epoch is the wall-clock time in seconds, within 5 minutes of the kit's clock",
  function (this: ConformanceWorld) {
    const results = this.requireHq().results();
    if (results.length === 0)
      this.fail(this.clause, 'results to check', `no result arrived.\n${this.lastFrames()}`);
    for (const r of results) {
      // The kit launched the turret on this machine: they share a clock.
      const now = (performance.timeOrigin + r.at) / 1000;
      if (!(Math.abs(r.result.epoch - now) <= 300))
        this.fail(
          this.clause,
          `epoch in seconds since the Unix epoch, near the kit's clock (${now.toFixed(3)} when the result arrived)`,
          `epoch ${r.result.epoch}${r.result.epoch > now * 100 ? ' (milliseconds?)' : ''} in ${showFrame(r.frame, this.origin)}`,
        );
    }
  },
);

Then(
  re(`verify the first transactions of the (\\d+) canons start within ${SECONDS} of each other`),
  function (this: ConformanceWorld, n: string, s: string) {
    const canons = Number(n);
    const results = this.requireHq().results(this.sentAt('start'));
    const starts = begins(results)
      .sort((x, y) => x - y)
      .slice(0, canons);
    if (starts.length < canons)
      this.fail(this.clause, `${canons} transactions`, `${starts.length}.\n${this.lastFrames()}`);
    const bound = Number(s) * 1000 + this.slackMs;
    const span = starts.at(-1)! - starts[0]!;
    if (span > bound)
      this.fail(
        this.clause,
        `with rampup 0, the first transactions of the ${canons} canons to start at once (within ${secs(bound)})`,
        `they began at ${starts.map((t) => `+${secs(t - starts[0]!)}`).join(', ')}, relative to the first`,
      );
  },
);

Then(
  "verify the turret's status reports the name, canons, rampup and script of its config",
  function (this: ConformanceWorld) {
    const config = this.config!;
    const last = this.requireHq().statuses(this.requireTurret().launchedAt).at(-1);
    if (!last) this.fail(this.clause, 'a status', `none.\n${this.lastFrames()}`);
    const want = {
      turret: config.name,
      canons: config.canons ?? config.cannons,
      rampup: config.rampup,
    };
    const got = {
      turret: last.status.turret,
      canons: last.status.canons,
      rampup: Number(last.status.rampup),
    };
    const script = last.status.script;
    const scriptOk = script === config.script || basename(script) === basename(config.script);
    if (JSON.stringify(want) !== JSON.stringify(got) || !scriptOk)
      this.fail(
        this.clause,
        `the status to report the config's values: turret ${JSON.stringify(config.name)}, canons ${String(want.canons)} (written ${config.cannons !== undefined ? '"cannons"' : '"canons"'} in the config), rampup ${config.rampup}, script ${config.script}`,
        showFrame(last.frame, this.origin),
      );
  },
);

Then(
  "verify the tear-down of each canon's transaction left its mark after the stop",
  async function (this: ConformanceWorld) {
    const turret = this.requireTurret();
    const canons = this.config?.canons ?? 1;
    const before = this.marksAtStop ?? 0;
    const enough = (): boolean => turret.marks().length - before >= canons;
    // The marks are files: look again a few times rather than once (bounded, 1 s).
    for (let i = 0; i < 10 && !enough(); i++) await sleep(100);
    const after = turret.marks().length;
    if (!enough())
      this.fail(
        this.clause,
        `the tear-downs to run at the stop: a mark from the "tear_down_mark" fixture's tear-down for each of the ${canons} canons, made after the stop (spec 10.6)`,
        `${after - before} mark(s) made after the stop (${before} before it), by the time the turret said "ready"`,
      );
  },
);

Then(
  'verify the invalid advertisements changed neither the state nor the extensions in effect',
  async function (this: ConformanceWorld) {
    await sleep(300); // results a multi-socket turret sent just before its status
    const hq = this.requireHq();
    const start = this.sentAt('start');
    const stop = this.sentAt('stop');
    const bad = this.invalidAdvertAt;
    if (bad === undefined) throw new Error('the scenario sent no invalid advertisement');
    const before = hq.results(start).filter((r) => r.at < bad);
    const after = hq.results(bad);
    const firing = after.filter((r) => r.at < stop);
    // The state: still running, firing on until the stop.
    if (firing.length === 0)
      this.fail(
        this.clause,
        'the turret to go on firing after the invalid advertisements, until the stop (its state unchanged)',
        `no result between them and the stop.\n${this.lastFrames(3, bad)}${this.exitNote()}`,
      );
    const notRunning = hq.statuses(bad).find((s) => s.at < stop && s.status.status !== 'running');
    if (notRunning)
      this.fail(
        this.clause,
        'every status between the invalid advertisements and the stop to say "running" (its state unchanged)',
        showFrame(notRunning.frame, this.origin),
      );
    // The extensions: what the results and statuses carried before, they carry after.
    const wasBatched = before.length > 0 && before.every((r) => r.encoding !== 'single');
    const hadSeq = before.some((r) => r.result.seq !== null);
    const had1x = before.some((r) => r.result.uuid !== null);
    for (const r of after) {
      const lost = [
        wasBatched && r.encoding === 'single' ? 'batch (a single result)' : '',
        hadSeq && r.result.seq === null ? 'accounting (no seq)' : '',
        had1x && r.result.uuid === null ? 'protocol 1.x (no uuid)' : '',
      ].filter((x) => x !== '');
      if (lost.length > 0)
        this.fail(
          this.clause,
          `results after the invalid advertisements as before them (${[wasBatched ? 'batched' : '', hadSeq ? 'with seq' : '', had1x ? 'with uuid' : ''].filter((x) => x).join(', ')})`,
          `out of effect: ${lost.join(', ')}, in ${showFrame(r.frame, this.origin)}`,
        );
    }
    const statuses1x = hq.received.some((r) => {
      const j = r.json as Record<string, unknown> | undefined;
      return (
        r.at >= this.readyAt &&
        r.at < bad &&
        j &&
        typeof j === 'object' &&
        typeof j.status === 'string' &&
        typeof j.protocol === 'string'
      );
    });
    if (statuses1x) {
      const legacy = hq
        .statuses(bad)
        .find((s) => (s.frame.json as Record<string, unknown>).protocol === undefined);
      if (legacy)
        this.fail(
          this.clause,
          'statuses after the invalid advertisements to carry protocol and capabilities, as before them',
          showFrame(legacy.frame, this.origin),
        );
    }
    if (!hadSeq) return;
    // accounting stayed in effect: seq from 0 without gaps over the whole start, and results_sent.
    const results = hq.results(start);
    const seqs = results.map((r) => r.result.seq ?? -1).sort((a, b) => a - b);
    const gap = seqs.findIndex((s, i) => s !== i);
    if (gap >= 0)
      this.fail(
        this.clause,
        `seq 0..${seqs.length - 1} without gaps over the whole start (accounting still in effect)`,
        `after sorting the ${seqs.length} seqs received, position ${gap} holds ${seqs[gap]}`,
      );
    const ready = hq
      .statuses(stop)
      .filter((s) => s.status.status === 'ready')
      .at(-1);
    if (ready && ready.status.results_sent !== results.length)
      this.fail(
        this.clause,
        `results_sent = ${results.length}, the results received since the start (accounting still in effect)`,
        `results_sent = ${String(ready.status.results_sent)} in ${showFrame(ready.frame, this.origin)}`,
      );
  },
);

Then(
  /^verify every status after the stop until the last result says "running"$/,
  async function (this: ConformanceWorld) {
    await sleep(300); // results a multi-socket turret sent just before its status
    const hq = this.requireHq();
    const stop = this.sentAt('stop');
    // Every canon was mid-transaction of the 1 s "slow" fixture at the stop (4.3.3): wait for their
    // results, which a turret that said "ready" too early sends after it (bounded: 1 s + 1 s + slack).
    const canons = this.config?.canons ?? 1;
    await hq.waitUntil(
      () => hq.results(stop).length >= canons,
      Math.max(0, stop + 2000 + this.slackMs - performance.now()),
    );
    const last = hq.results(this.sentAt('start')).at(-1);
    if (!last) this.fail(this.clause, 'results to check', `none arrived.\n${this.lastFrames()}`);
    if (last.at < stop) this.log('no result arrived after the stop');
    const early = hq.statuses(stop).find((s) => s.at < last.at && s.status.status !== 'running');
    if (early)
      this.fail(
        this.clause,
        `every status until the last result of the stopped run (+${secs(last.at - this.origin)}) to say "running": the canons of the 1 s "slow" fixture were still finishing`,
        `${showFrame(early.frame, this.origin)}, then the result ${showFrame(last.frame, this.origin)}`,
      );
    const running = hq.statuses(stop).filter((s) => s.at < last.at).length;
    this.log(`${running} status(es) said "running" between the stop and the last result`);
  },
);

Then(
  /^verify no result carries the custom timer "([a-z_0-9]+)", and every one succeeded$/,
  function (this: ConformanceWorld, timer: string) {
    const results = this.requireHq().results(this.sentAt('start'));
    if (results.length === 0)
      this.fail(this.clause, 'results to check', `none arrived.\n${this.lastFrames()}`);
    for (const r of results) {
      if (timer in r.result.custom_timers)
        this.fail(
          this.clause,
          `the context {} in every transaction: no timer "${timer}" (the "echo_context" fixture names its timer after the context's marker, spec 10.4)`,
          `the old context is still handed over: ${showFrame(r.frame, this.origin)}`,
        );
      if (r.result.error !== '')
        this.fail(
          this.clause,
          'the context {} in every transaction: the "echo_context" fixture succeeds with it (spec 10.4)',
          `a failed transaction: ${showFrame(r.frame, this.origin)}`,
        );
    }
  },
);

Then(
  "verify the turret spoke as section 12 says since then: single JSON results, every frame with exactly the keys OCT 0.4's HQ stores",
  async function (this: ConformanceWorld) {
    await sleep(300);
    const hq = this.requireHq();
    const since = this.plainSince;
    if (since === undefined) throw new Error('the HQ never stopped advertising');
    let results = 0;
    for (const r of hq.received.filter((x) => x.at >= since)) {
      const j = r.json as Record<string, unknown> | undefined;
      if (r.raw[0] === 0x01 || !j || typeof j !== 'object' || Array.isArray(j) || Array.isArray(j.results))
        this.fail(
          this.clause,
          'single JSON results and statuses, no batch (every extension out of effect)',
          showFrame(r, this.origin),
        );
      const { isStatus, wanted, problem } = legacyKeys(j, 'keys it should not have');
      if (problem !== null)
        this.fail(
          this.clause,
          `after a status_request with msg null, the dialect of section 12: a ${isStatus ? 'status' : 'result'} with exactly the keys ${wanted.join(', ')} (${isStatus ? '12.1' : '12.2'})`,
          `${problem}\nin ${showFrame(r, this.origin)}`,
        );
      if (!isStatus) results++;
    }
    if (results === 0)
      this.fail(this.clause, 'results to check', `no result arrived since then.\n${this.lastFrames()}`);
  },
);

Then(
  /^verify every status since the stop that does not say running has canons_abandoned (\d+)$/,
  function (this: ConformanceWorld, n: string) {
    const stop = this.sentAt('stop');
    const stopped = this.requireHq()
      .statuses(stop)
      .filter((s) => s.status.status !== 'running');
    if (stopped.length === 0)
      this.fail(this.clause, 'a status after the stop', `none.\n${this.lastFrames(3, stop)}`);
    for (const s of stopped) {
      const got = (s.frame.json as Record<string, unknown>).canons_abandoned;
      if (got !== Number(n))
        this.fail(
          this.clause,
          `"canons_abandoned": ${n} in every status after the stop: the ${n} canons' transactions of the "hang" fixture never end (spec 10.7), so they were abandoned after the grace time`,
          `${got === undefined ? 'no canons_abandoned' : `canons_abandoned ${JSON.stringify(got)}`} in ${showFrame(s.frame, this.origin)}`,
        );
    }
  },
);

Then(
  'verify every result reporting the failed setup is marked setup_failed, with the reason in error',
  function (this: ConformanceWorld) {
    // The "fail_setup" fixture's transaction is never reached (spec 10.8): a result with an error, or
    // marked setup_failed, reports the failed setup.
    const results = this.requireHq()
      .results(this.sentAt('start'))
      .filter((r) => r.result.error !== '' || r.result.setup_failed === true);
    if (results.length === 0) {
      this.notApplicable('the turret does not report a failed setup as a result');
      return 'skipped';
    }
    for (const r of results) {
      if (r.result.setup_failed !== true || !r.result.error.includes('fixture setup failure'))
        this.fail(
          this.clause,
          'a result reporting the failed setup of the "fail_setup" fixture to carry "setup_failed": true and the reason (its text contains "fixture setup failure", spec 10.8) in error',
          showFrame(r.frame, this.origin),
        );
    }
    this.log(`${results.length} result(s) reported the failed setup`);
    return undefined;
  },
);
