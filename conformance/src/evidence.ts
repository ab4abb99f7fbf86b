/** How the kit shows what it saw: one line per message, times relative to the scenario start. */
import type { FakeHq, Received } from './fake-hq.js';

/** A failed verify step: the message is the evidence, so no stack trace is shown. */
export class VerifyFailure extends Error {
  override name = 'VerifyFailure';
  constructor(message: string) {
    super(message);
    this.stack = message;
  }
}

/**
 * A fault of the kit itself (e.g. a port it could not bind): the verdict reports it as a kit
 * error, never as the turret's failure (its message names no clause).
 */
export class KitError extends Error {
  override name = 'KitError';
}

/** Seconds, for humans. */
export function secs(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** One received frame, shortened. */
export function showFrame(r: Received, origin: number): string {
  const t = `+${((r.at - origin) / 1000).toFixed(3)}s`;
  if (r.raw[0] === 0x01) {
    const n = r.decoded.ok && r.decoded.value.kind === 'batch' ? r.decoded.value.results.length : '?';
    return `${t} <protobuf batch frame, ${r.raw.length} bytes, ${n} results>`;
  }
  let text = r.raw.toString('utf8');
  if (text.length > 300) text = `${text.slice(0, 297)}...`;
  return `${t} ${text}`;
}

/**
 * The exchange as a transcript: commands sent (>>) and frames received (<<), in time order. Runs of
 * valid results are folded to their first and last frame and a count, so commands and statuses,
 * which usually explain a failure, stay visible.
 */
export function transcript(hq: FakeHq, origin: number, limit = 60): string {
  type Line = { at: number; text: string; result: boolean };
  const lines: Line[] = [];
  for (const s of hq.sent) {
    const frame =
      typeof s.frame === 'string'
        ? s.frame
        : `<${s.frame.length} bytes: ${s.frame.toString('hex').slice(0, 40)}>`;
    lines.push({
      at: s.at,
      text: `>> +${((s.at - origin) / 1000).toFixed(3)}s ${s.label}: ${JSON.stringify(frame)}`,
      result: false,
    });
  }
  for (const r of hq.received) {
    const result = r.decoded.ok && r.decoded.value.kind !== 'status';
    lines.push({ at: r.at, text: `<< ${showFrame(r, origin)}`, result });
  }
  lines.sort((a, b) => a.at - b.at);
  const folded: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i;
    while (j < lines.length && lines[j]!.result) j++;
    if (j - i > 3) {
      folded.push(lines[i]!.text, `   ... ${j - i - 2} more result frames ...`, lines[j - 1]!.text);
      i = j;
    } else if (j > i) {
      for (; i < j; i++) folded.push(lines[i]!.text);
    } else {
      folded.push(lines[i]!.text);
      i++;
    }
  }
  const kept = folded.length > limit ? folded.slice(-limit) : folded;
  const head = folded.length > limit ? [`... ${folded.length - limit} earlier lines omitted`] : [];
  return [...head, ...kept].join('\n');
}
