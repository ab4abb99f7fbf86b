/** Per-scenario lifecycle: note the clauses, attach the transcript on failure, kill the turret tree. */
import { After, Before, Status, setDefaultTimeout } from '@cucumber/cucumber';
import { transcript } from '../evidence.js';
import { killAllTurrets } from '../turret-process.js';
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
  try {
    const hqs = [...this.formerHqs, ...(this.hq ? [this.hq] : [])];
    if (result?.status === Status.FAILED && hqs.length > 0) {
      const turret = this.turret;
      const parts = hqs.map((hq, i) => {
        const which =
          hqs.length > 1 ? ` with HQ ${i + 1} of ${hqs.length} (${hq.curve ? 'CURVE' : 'plain'})` : '';
        const connections =
          hq.curve || this.turretKeys !== undefined ? `\nconnections: ${hq.connectionSummary()}` : '';
        return `exchange${which} (>> sent by the kit, << received from the turret):\n${transcript(hq, this.origin)}${connections}`;
      });
      if (turret)
        parts.push(
          `turret command: ${turret.commandLine}`,
          `turret output (tail):\n${turret.outputTail || '(none)'}`,
        );
      this.attach(parts.join('\n\n'), { mediaType: 'text/plain', fileName: 'transcript.txt' });
    }
  } finally {
    await this.turret?.destroy();
    await this.hq?.close();
  }
});
