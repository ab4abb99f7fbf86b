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

After(async function (this: ConformanceWorld, { result }) {
  try {
    if (result?.status === Status.FAILED && this.hq) {
      const turret = this.turret;
      const parts = [
        `exchange (>> sent by the kit, << received from the turret):\n${transcript(this.hq, this.origin)}`,
      ];
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
