/**
 * results -> CSV (RFC 4180): a header with the result table's own column names, then one line per
 * result in id order, streamed from SQLite to the file with back-pressure (never all rows in memory).
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { openResultsFile, quoteIdent, ReportError } from './store.js';

/** Options of resultsToCsv. */
export interface CsvOptions {
  /** One character between fields; default ",". */
  delimiter?: string;
}

/** Quotes a field when it holds the delimiter, a quote or a line break (RFC 4180). */
export function csvField(value: unknown, delimiter: string): string {
  if (value === null || value === undefined) return '';
  const s =
    typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  if (s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r')) {
    return `"${s.replaceAll('"', '""')}"`;
  }
  return s;
}

/** Writes every row of the result table of `dbPath` to `outPath` as CSV; resolves with the row count. */
export async function writeResultsCsv(
  dbPath: string,
  outPath: string,
  options: CsvOptions = {},
): Promise<{ rows: number }> {
  const delimiter = options.delimiter ?? ',';
  if ([...delimiter].length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new ReportError(
      `CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`,
    );
  }
  const file = openResultsFile(dbPath);
  const out = createWriteStream(outPath);
  const failed = new Promise<never>((_, reject) => {
    out.once('error', (err) => reject(new ReportError(`${outPath}: cannot write: ${err.message}`)));
  });
  failed.catch(() => undefined);
  let rows = 0;
  try {
    const columns = (file.db.prepare('PRAGMA table_info(result)').all() as { name: string }[]).map(
      (c) => c.name,
    );
    const order = columns.some((c) => c.toLowerCase() === 'id') ? ' ORDER BY id' : '';
    const stmt = file.db
      .prepare(`SELECT ${columns.map(quoteIdent).join(', ')} FROM result${order}`)
      .raw(true);
    let chunk = columns.map((c) => csvField(c, delimiter)).join(delimiter) + '\r\n';
    for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
      let line = '';
      for (let i = 0; i < row.length; i++) line += (i === 0 ? '' : delimiter) + csvField(row[i], delimiter);
      chunk += line + '\r\n';
      rows++;
      if (chunk.length > 1 << 16) {
        if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
        chunk = '';
      }
    }
    out.end(chunk);
    await Promise.race([once(out, 'finish'), failed]);
    return { rows };
  } finally {
    if (!out.writableFinished) out.destroy();
    file.db.close();
  }
}
