/**
 * Live progress of a run: a cli-progress bar when `progress_bar` is on and stdout is a terminal,
 * plain periodic lines otherwise (logs, CI). Other output goes through `log` so it does not tear the bar.
 */
import cliProgress from 'cli-progress';
import type { RunProgress, TurretView } from '@oct/hq';
import type { Io } from './io.js';

export interface ProgressView {
  update(p: RunProgress): void;
  log(line: string): void;
  stop(): void;
}

export function turretsLine(turrets: readonly TurretView[]): string {
  const alive = turrets.filter((t) => !['lost', 'aborted', 'killed'].includes(t.status)).length;
  const shown = turrets.slice(0, 8).map((t) => `${t.name}:${t.status}`);
  if (turrets.length > 8) shown.push(`+${turrets.length - 8} more`);
  const details = shown.join(' ');
  return `${alive}/${turrets.length}${details ? ` (${details})` : ''}`;
}

function plainLine(p: RunProgress): string {
  const time =
    p.phase === 'waiting' ? `waiting ${p.sinceBind.toFixed(0)}s` : `${p.elapsed.toFixed(1)}s/${p.runTime}s`;
  return `[${time}] ${p.phase} | turrets ${turretsLine(p.turrets)} | transactions ${p.transactions} | errors ${p.errors} | rate ${Math.round(p.rate)}/s`;
}

/** Chooses the bar or plain lines. */
export function progressView(io: Io, useBar: boolean): ProgressView {
  if (!useBar || !io.isTTY) {
    return { update: (p) => io.out(plainLine(p)), log: (l) => io.out(l), stop: () => undefined };
  }
  const multi = new cliProgress.MultiBar(
    {
      format:
        '{bar} {percentage}% | {elapsed}s/{runTime}s | {phase} | turrets {turrets} | tx {transactions} | err {errors} | {rate}/s',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(p) {
      if (p.phase === 'waiting') return;
      const payload = {
        elapsed: p.elapsed.toFixed(1),
        runTime: p.runTime,
        phase: p.phase,
        turrets: turretsLine(p.turrets),
        transactions: p.transactions,
        errors: p.errors,
        rate: Math.round(p.rate),
      };
      const value = Math.min(p.elapsed, p.runTime);
      if (!bar) bar = multi.create(p.runTime, value, payload);
      else bar.update(value, payload);
    },
    log(line) {
      if (bar) multi.log(`${line}\n`);
      else io.out(line);
    },
    stop() {
      multi.stop();
    },
  };
}
