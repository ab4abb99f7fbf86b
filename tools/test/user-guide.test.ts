// docs/user-guide.adoc against the things it documents: it builds (no asciidoctor warning) with a table
// of contents and its sections in order, the index links it, its configuration tables list exactly the
// keys of the schemas with their defaults, its exit-code tables match the code, and it names every
// option of `oct` and `oct-turret`.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDocs } from '../docs/build.js';

const root = join(import.meta.dirname, '..', '..');
const guide = readFileSync(join(root, 'docs', 'user-guide.adoc'), 'utf8');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

interface Schema {
  required?: string[];
  properties: Record<string, { default?: unknown; properties?: Record<string, { default?: unknown }> }>;
}

const schema = (name: string): Schema => JSON.parse(read(`spec/schemas/${name}.schema.json`)) as Schema;

/** The cells of the table after `[[anchor]]`, in rows of `columns` (each cell on its own line). */
function table(anchor: string, columns: number): string[][] {
  const at = guide.indexOf(`[[${anchor}]]`);
  assert.ok(at >= 0, `docs/user-guide.adoc has no [[${anchor}]]`);
  const open = guide.indexOf('|===', at);
  const close = guide.indexOf('|===', open + 4);
  const cells = guide
    .slice(open + 4, close)
    .split(/\n(?=\|)/)
    .map((c) => c.trim())
    .filter((c) => c !== '')
    .map((c) => c.replace(/^\|/, '').trim());
  assert.equal(cells.length % columns, 0, `[[${anchor}]]: ${cells.length} cells is not rows of ${columns}`);
  const rows: string[][] = [];
  for (let i = 0; i < cells.length; i += columns) rows.push(cells.slice(i, i + columns));
  return rows.slice(1); // the header
}

/** `+"127.0.0.1"+` -> "127.0.0.1", whitespace dropped, for comparing with a JSON default. */
function literal(cell: string): string {
  return cell.replace(/^`\+?|\+?`$/g, '').replace(/\s+/g, '');
}

function checkKeys(anchor: string, s: Schema, nested: string[] = []): void {
  const rows = table(anchor, 4);
  const documented = rows.map(([key]) => key!.replace(/`/g, ''));
  const expected = Object.keys(s.properties);
  for (const parent of nested) {
    for (const k of Object.keys(s.properties[parent]!.properties ?? {})) expected.push(`${parent}.${k}`);
  }
  assert.deepEqual(
    [...documented].sort(),
    [...expected].sort(),
    `${anchor}: the keys differ from the schema`,
  );
  for (const [key, , defaultCell] of rows) {
    const name = key!.replace(/`/g, '');
    const [parent, child] = name.split('.');
    const prop = child ? s.properties[parent!]!.properties![child]! : s.properties[name]!;
    if (prop.default !== undefined) {
      assert.equal(
        literal(defaultCell!),
        JSON.stringify(prop.default),
        `${anchor}: ${name} has default ${JSON.stringify(prop.default)} in the schema`,
      );
    } else if (!child && s.required?.includes(name)) {
      assert.match(defaultCell!, /^required/, `${anchor}: ${name} is required`);
    }
  }
}

/** The values of `export const EXIT = { ... }` in a source file. */
function exitCodes(path: string): string[] {
  const body = /export const EXIT = \{([\s\S]*?)\} as const/.exec(read(path));
  assert.ok(body, `${path}: no EXIT object`);
  return [...body[1]!.matchAll(/^\s*\w+:\s*(\d+),?\s*$/gm)].map((m) => m[1]!);
}

void describe('docs/user-guide.adoc', () => {
  const out = mkdtempSync(join(tmpdir(), 'oct-guide-'));
  let html = '';
  let index = '';

  void before(() => {
    buildDocs(out); // throws on any asciidoctor warning or remote resource
    html = readFileSync(join(out, 'user-guide.html'), 'utf8');
    index = readFileSync(join(out, 'index.html'), 'utf8');
  });
  void after(() => rmSync(out, { recursive: true, force: true }));

  void it('builds with a table of contents and the sections of issue 14 in order', () => {
    assert.match(html, /id="toc"/);
    const titles = [...html.matchAll(/<h2 id="[^"]*">([^<]*)<\/h2>/g)].map((m) => m[1]!);
    const wanted = [
      'Install',
      'A first test',
      'Writing a transaction',
      'Configuration',
      'Running locally',
      'Running distributed',
      'Reading the report and summary.json',
    ];
    const found = titles.filter((t) => wanted.includes(t));
    assert.deepEqual(found, wanted, `sections: ${titles.join(' | ')}`);
  });

  void it('is linked from the index', () => {
    assert.match(index, /href="user-guide\.html"/);
  });

  void it('lists every key of config.json with its default', () => {
    checkKeys('project-config-keys', schema('config'), ['results_database', 'security']);
  });

  void it('lists every key of a turret config with its default', () => {
    checkKeys('turret-config-keys', schema('turret-config'));
  });

  void it('gives the exit codes of oct and oct-turret as the code defines them', () => {
    const codes = (anchor: string) => table(anchor, 2).map(([code]) => code!);
    assert.deepEqual(codes('oct-exit-codes').sort(), exitCodes('packages/cli/src/errors.ts').sort());
    assert.deepEqual(
      codes('oct-turret-exit-codes').sort(),
      exitCodes('packages/turret/src/turret.ts').sort(),
    );
  });

  void it('names every command and option of oct and oct-turret', () => {
    for (const path of ['packages/cli/src/main.ts', 'packages/turret/src/bin.ts']) {
      const source = read(path);
      const commands = [...source.matchAll(/\.(?:command|alias)\('([a-z-]+)'\)/g)].map((m) => m[1]!);
      const options = [...source.matchAll(/\.option\(\s*'([^']+)'/g)].flatMap((m) =>
        [...m[1]!.matchAll(/--[a-z][a-z-]*/g)].map((o) => o[0]),
      );
      assert.ok(commands.length > 0 && options.length > 0, `${path}: no commands or options found`);
      for (const name of [...commands, ...options]) {
        assert.ok(guide.includes(name), `docs/user-guide.adoc does not mention ${name} (${path})`);
      }
    }
  });
});
