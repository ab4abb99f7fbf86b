// spec/protocol.adoc clause ids: unique, well formed, never renumbered or dropped, and every
// `(spec X)` cited by the code, the schemas, the vectors and the docs names a clause that exists.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot, specDir } from './helpers.js';

const adoc = readFileSync(join(specDir, 'protocol.adoc'), 'utf8');
const CLAUSE = /^\[\[clause-([0-9.]+)\]\]\*\[([0-9.]+)\]\* \((MUST|SHOULD|MAY)\)( \[ext-([a-z]+)\])? \S/;
const clauses = adoc
  .split('\n')
  .map((line) => CLAUSE.exec(line))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ id: m[1]!, shown: m[2]!, level: m[3]!, ext: m[5] }));
const ids = new Set(clauses.map((c) => c.id));
const sections = new Set([...adoc.matchAll(/^== (\d+)\. /gm)].map((m) => m[1]!));

/** The clauses of protocol version 1 as first published: numbers and levels never change (spec intro). */
const BASELINE: [string, string][] = [
  ['2.1', 'MUST'],
  ['2.2', 'MUST'],
  ['2.3', 'MUST'],
  ['2.4', 'MUST'],
  ['3.1', 'MUST'],
  ['3.1.1', 'MUST'],
  ['3.1.2', 'MUST'],
  ['3.1.3', 'MUST'],
  ['3.2', 'MUST'],
  ['3.3', 'MUST ext-protobuf'],
  ['4.1', 'MUST'],
  ['4.2', 'MUST'],
  ['4.2.1', 'MUST'],
  ['4.3', 'MUST'],
  ['4.3.1', 'MUST'],
  ['4.4', 'MUST'],
  ['4.5', 'MUST'],
  ['4.6', 'MUST'],
  ['4.7', 'MUST'],
  ['4.8', 'SHOULD'],
  ['5.1', 'MUST'],
  ['5.2', 'MUST'],
  ['5.2.1', 'SHOULD'],
  ['5.3', 'MUST'],
  ['5.3.1', 'MUST'],
  ['5.4', 'MUST'],
  ['5.5', 'MUST'],
  ['5.6', 'MUST'],
  ['5.7', 'SHOULD'],
  ['6.1', 'MUST'],
  ['6.2', 'SHOULD'],
  ['6.3', 'MUST'],
  ['6.4', 'SHOULD'],
  ['6.5', 'MUST'],
  ['7.1', 'MUST'],
  ['7.2', 'MUST'],
  ['8.1', 'MUST'],
  ['8.2', 'MUST'],
  ['8.3', 'MUST'],
  ['8.4', 'MUST ext-batch'],
  ['8.5', 'MUST ext-protobuf'],
  ['8.6', 'MUST ext-accounting'],
  ['8.7', 'MUST'],
  ['9.1', 'MUST'],
  ['9.2', 'MUST'],
  ['10.1', 'MUST'],
  ['10.2', 'MUST'],
  ['10.3', 'MUST'],
  ['10.4', 'MUST'],
  ['10.5', 'MUST'],
];

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return name === 'html' || name === 'node_modules' ? [] : files(path, ext);
    return ext.test(name) ? [path] : [];
  });
}

void describe('spec/protocol.adoc clauses', () => {
  void it('parses the clause paragraphs', () => {
    assert.ok(clauses.length >= BASELINE.length, `found ${clauses.length} clauses`);
  });

  void it('has unique ids, each shown as its own number', () => {
    const seen = new Set<string>();
    for (const c of clauses) {
      assert.ok(!seen.has(c.id), `clause ${c.id} is defined twice`);
      seen.add(c.id);
      assert.equal(c.shown, c.id, `clause anchor ${c.id} is shown as [${c.shown}]`);
      assert.ok(sections.has(c.id.split('.')[0]!), `clause ${c.id} sits outside a numbered section`);
    }
  });

  void it('keeps every clause of version 1 with its number, level and extension tag', () => {
    const byId = new Map(clauses.map((c) => [c.id, c.ext ? `${c.level} ext-${c.ext}` : c.level]));
    for (const [id, level] of BASELINE) assert.equal(byId.get(id), level, `clause ${id}`);
  });

  void it('every anchor-looking line is a well-formed clause', () => {
    for (const line of adoc.split('\n').filter((l) => l.startsWith('[[clause-'))) {
      assert.match(line, CLAUSE, `malformed clause paragraph: ${line.slice(0, 80)}`);
    }
  });
});

void describe('citations (spec X)', () => {
  const sources = [
    ...files(join(repoRoot, 'packages', 'protocol', 'src'), /\.ts$/),
    ...files(join(specDir, 'schemas'), /\.json$/),
    ...files(join(specDir, 'vectors'), /\.json$/),
    ...files(join(repoRoot, 'docs'), /\.adoc$/),
  ];

  void it('every cited clause exists', () => {
    let count = 0;
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      // Citations are "(spec 5.3)" or "(spec 8.4, 8.6)"; templates such as "(spec ${clause})" are not.
      for (const m of text.matchAll(/\(spec (\d[\d.x]*(?:, \d[\d.x]*)*)\)/g)) {
        for (const ref of m[1]!.split(', ')) {
          count++;
          const section = /^(\d+)(\.x)?$/.exec(ref);
          const known = section ? sections.has(section[1]!) : ids.has(ref);
          assert.ok(known, `${file.slice(repoRoot.length + 1)} cites (spec ${ref}), which is not a clause`);
        }
      }
    }
    assert.ok(count > 100, `only ${count} citations found`);
  });
});
