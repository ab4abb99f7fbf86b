/** What the hq benches share: the bench's result rows (as sender.mjs sends them) and their statistics. */
import type { Result } from '@oct/protocol';

/** Result `i` of a bench turret: one timer, an error every 50th (sender.mjs builds the same fields). */
export function benchResult(i: number, t0: number, uuid: string, seq: number | null = null): Result {
  return {
    turret_name: 'bench-0',
    uuid,
    elapsed: i / 1000,
    epoch: t0 + i / 1000,
    scriptrun_time: 0.001 + (i % 97) / 10_000,
    error: i % 50 === 0 ? 'timeout' : '',
    custom_timers: { login: 0.0005 + (i % 13) / 100_000 },
    seq,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** 1234567.8 -> "1,234,568" */
export const thousands = (n: number): string => Math.round(n).toLocaleString('en');
