import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resultsToCsv } from '../src/index.js';
import { knownResults, START, tempDir, writeLegacyStore, writeOurStore } from './fixtures.js';

/** A small RFC 4180 reader, enough to check what the writer produced. */
function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.equal(field, '', 'file ends with CRLF');
  return rows;
}

void test('CSV has a header and one row per result, fields quoted where needed', async (t) => {
  const { dir, cleanup } = tempDir('csv');
  t.after(cleanup);
  const db = join(dir, 'results.sqlite');
  writeOurStore(db);
  const out = join(dir, 'results.csv');
  const { rows } = await resultsToCsv(db, out);
  assert.equal(rows, 1000);
  const table = parseCsv(readFileSync(out, 'utf8'), ',');
  assert.deepEqual(table[0], [
    'id',
    'turret_name',
    'elapsed',
    'epoch',
    'scriptrun_time',
    'error',
    'custom_timers',
    'turret_uuid',
    'seq',
    'setup_failed',
  ]);
  assert.equal(table.length, 1001);
  const known = knownResults();
  for (const i of [0, 1, 2, 10, 999]) {
    const [id, turret, , epoch, rt, error, timers] = table[i + 1]!;
    assert.equal(id, String(i + 1));
    assert.equal(turret, known[i]!.turret_name ?? '');
    assert.equal(Number(epoch), known[i]!.epoch);
    assert.equal(Number(rt), known[i]!.scriptrun_time);
    assert.equal(error, known[i]!.error);
    assert.deepEqual(JSON.parse(timers!), known[i]!.custom_timers);
  }
  assert.ok(
    readFileSync(out, 'utf8').includes('"timeout, after ""5 s""\nat line 3"'),
    'quotes doubled, newline kept',
  );
  assert.equal(Number(table[1]![3]), START);
});

void test('CSV with another delimiter, from an original OCT results file', async (t) => {
  const { dir, cleanup } = tempDir('csv-legacy');
  t.after(cleanup);
  const db = join(dir, 'results.sqlite');
  writeLegacyStore(db);
  const out = join(dir, 'results.csv');
  assert.deepEqual(await resultsToCsv(db, out, { delimiter: ';' }), { rows: 60 });
  const table = parseCsv(readFileSync(out, 'utf8'), ';');
  assert.deepEqual(table[0], [
    'id',
    'turret_name',
    'elapsed',
    'epoch',
    'scriptrun_time',
    'error',
    'custom_timers',
  ]);
  assert.deepEqual(table[10], ['10', '', '0.9', '1463062981', '1', 'ZeroDivisionError', '{"home":0.05}']);
  await assert.rejects(resultsToCsv(db, out, { delimiter: '"' }), /delimiter must be one character/);
  await assert.rejects(
    resultsToCsv(join(dir, 'missing.sqlite'), out),
    /missing\.sqlite: results file not found/,
  );
});
