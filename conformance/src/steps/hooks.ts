/** Per-scenario lifecycle: note the clauses, attach the transcript on failure, kill the turret tree. */
import { After, Before, Status, setDefaultTimeout } from '@cucumber/cucumber';
import { VerifyFailure, showFrame, transcript } from '../evidence.js';
import { killAllTurrets } from '../turret-process.js';
import { NOTE_MEDIA } from '../verdict.js';
import type { ConformanceWorld } from './world.js';

// The longest step waits 10 s plus slack; a hung step still ends.
setDefaultTimeout(60_000);

// In a Cucumber worker process (--parallel), a Ctrl-C must not leave turret process groups behind.
if (process.env.CUCUMBER_WORKER_ID !== undefined) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAllTurrets();
      process.exit(130);
    });
  }
}

Before(function (this: ConformanceWorld, { pickle }) {
  const clauses = pickle.tags
    .map((t) => /^@clause-([0-9.]+)$/.exec(t.name)?.[1])
    .filter((c): c is string => c !== undefined);
  this.clause = clauses.join(', ') || '?';
});

// CURVE is configured, not advertised (spec 11): without --curve the kit cannot tell whether a turret
// supports it, so its scenarios are reported not tested rather than run.
Before({ tags: '@ext-curve' }, function (this: ConformanceWorld) {
  return this.parameters.curve ? undefined : 'skipped';
});

After(async function (this: ConformanceWorld, { result }) {
  let failed = result?.status === Status.FAILED;
  try {
    if (this.hq && this.hq.statuses().length > 0)
      this.attach(JSON.stringify({ advertised1x: this.advertised1x }), { mediaType: NOTE_MEDIA.profile });
    // Checks of the whole exchange, once the scenario's own steps passed (spec 6.5: one result per
    // transaction, whatever the scenario was about).
    if (result?.status === Status.PASSED && this.hq) {
      const twice = duplicateResult(this);
      if (twice) {
        failed = true;
        throw new VerifyFailure(
          `(spec 6.5) expected: each result once (one result per transaction), in every scenario\nobserved: the same result twice:\n  ${twice}`,
        );
      }
    }
  } finally {
    try {
      if (failed) attachTranscript(this);
    } finally {
      await this.turret?.destroy();
      await this.hq?.close();
    }
  }
});

/** The first result received twice (same fields, seq included), shown as its two frames. */
function duplicateResult(world: ConformanceWorld): string | undefined {
  const seen = new Map<string, string>();
  for (const r of world.requireHq().results()) {
    const key = JSON.stringify(r.result);
    const shown = showFrame(r.frame, world.origin);
    const first = seen.get(key);
    if (first !== undefined) return `${first}\n  ${shown}`;
    seen.set(key, shown);
  }
  return undefined;
}

/** The exchange with each HQ and the turret's output, attached to a failed scenario. */
function attachTranscript(world: ConformanceWorld): void {
  const hqs = [...world.formerHqs, ...(world.hq ? [world.hq] : [])];
  if (hqs.length === 0) return;
  const turret = world.turret;
  const parts = hqs.map((hq, i) => {
    const which =
      hqs.length > 1 ? ` with HQ ${i + 1} of ${hqs.length} (${hq.curve ? 'CURVE' : 'plain'})` : '';
    const connections =
      hq.curve || world.turretKeys !== undefined ? `\nconnections: ${hq.connectionSummary()}` : '';
    return `exchange${which} (>> sent by the kit, << received from the turret):\n${transcript(hq, world.origin)}${connections}`;
  });
  if (turret)
    parts.push(
      `turret command: ${turret.commandLine}`,
      `turret output (tail):\n${turret.outputTail || '(none)'}`,
    );
  world.attach(parts.join('\n\n'), { mediaType: 'text/plain', fileName: 'transcript.txt' });
}
