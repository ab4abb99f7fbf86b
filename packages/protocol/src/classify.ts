/** Tells the kinds of turret message apart by their fields, as spec 5.5 defines (never by substring). */

export type MessageKind = 'status' | 'result' | 'batch' | 'unknown';

export function classify(value: unknown): MessageKind {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'unknown';
  const o = value as Record<string, unknown>;
  if (o.status !== undefined && o.uuid !== undefined) return 'status';
  if (o.scriptrun_time !== undefined && o.elapsed !== undefined) return 'result';
  if (Array.isArray(o.results)) return 'batch';
  return 'unknown';
}
