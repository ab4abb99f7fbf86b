/** Deterministic number and time formatting for the report (no locale: same bytes on every machine). */

/** 1234567 -> "1,234,567". */
export function fmtInt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const s = Math.round(Math.abs(n)).toString();
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Seconds -> milliseconds text with about four significant digits ("12.35", "1,235"). */
export function fmtMs(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const ms = seconds * 1000;
  const a = Math.abs(ms);
  if (a >= 1000) return fmtInt(ms);
  const decimals = a >= 100 ? 1 : a >= 10 ? 2 : 3;
  return ms.toFixed(decimals);
}

/** A ratio -> "1.23 %". */
export function fmtPct(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '–';
  return `${(ratio * 100).toFixed(2)} %`;
}

/** A rate -> "123.4". */
export function fmtRate(perSecond: number | null): string {
  if (perSecond === null || !Number.isFinite(perSecond)) return '–';
  return perSecond >= 100 ? fmtInt(perSecond) : perSecond.toFixed(perSecond >= 10 ? 1 : 2);
}

/** Epoch seconds -> "2026-11-23 19:50:12 UTC" (milliseconds when `ms`). */
export function fmtTime(epoch: number | null, ms = false): string {
  if (epoch === null || !Number.isFinite(epoch)) return '–';
  const date = new Date(epoch * 1000);
  // Beyond what a Date holds (a turret's wildly wrong clock): the number itself.
  if (!Number.isFinite(date.getTime())) return `epoch ${epoch}`;
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, ms ? 23 : 19)} UTC`;
}

/** Seconds -> "1 h 02 min 03 s", "2 min 05.0 s" or "12.3 s". */
export function fmtDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const ss = s.toFixed(0).padStart(2, '0');
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min ${ss} s` : `${m} min ${ss} s`;
}

/** Escapes text for HTML content and attribute values. */
export function esc(text: unknown): string {
  return String(text ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
