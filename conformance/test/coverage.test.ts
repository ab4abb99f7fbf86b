/**
 * Coverage: every MUST and SHOULD clause of spec/protocol.adoc that concerns turrets has a
 * scenario tagged @clause-<n> that quotes the clause verbatim and carries the right level tag.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NOT_TURRET_OBSERVABLE, parseClauses } from '../src/clauses.js';
import { kitDir, repoDir } from './helpers.js';

const spec = parseClauses(readFileSync(join(repoDir, 'spec', 'protocol.adoc'), 'utf8'));
const featuresDir = join(kitDir, 'features');

interface Scenario {
  file: string;
  name: string;
  tags: string[];
  description: string;
}

/** A small reader for our feature files: tags line, Scenario line, description lines. */
function scenarios(): Scenario[] {
  const out: Scenario[] = [];
  for (const file of readdirSync(featuresDir).filter((f) => f.endsWith('.feature'))) {
    const lines = readFileSync(join(featuresDir, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const m = /^\s*Scenario: (.*)$/.exec(line);
      if (!m) return;
      const tags = (lines[i - 1] ?? '')
        .trim()
        .split(/\s+/)
        .filter((t) => t.startsWith('@'));
      const description: string[] = [];
      for (let j = i + 1; j < lines.length && /^\s*Spec /.test(lines[j]!); j++)
        description.push(lines[j]!.trim());
      out.push({ file, name: m[1]!, tags, description: description.join('\n') });
    });
  }
  return out;
}

const all = scenarios();

test('the spec has clauses to cover', () => {
  assert.ok(spec.length > 30, `parsed ${spec.length} clauses`);
});

test('every turret MUST and SHOULD clause has a scenario', () => {
  const missing = spec
    .filter((c) => c.level !== 'MAY' && !(c.clause in NOT_TURRET_OBSERVABLE))
    .filter((c) => !all.some((s) => s.tags.includes(`@clause-${c.clause}`)))
    .map((c) => `${c.clause} (${c.level}): ${c.text}`);
  assert.deepEqual(missing, [], `clauses without a scenario:\n${missing.join('\n')}`);
});

test('the not-observable list names only clauses of the spec, each with a reason', () => {
  for (const [clause, reason] of Object.entries(NOT_TURRET_OBSERVABLE)) {
    assert.ok(
      spec.some((c) => c.clause === clause),
      `${clause} is not in the spec`,
    );
    assert.ok(reason.length > 10);
  }
});

test('every scenario quotes each clause it is tagged with, verbatim, with its level', () => {
  for (const s of all) {
    const clauses = s.tags.map((t) => /^@clause-([0-9.]+)$/.exec(t)?.[1]).filter((c) => c !== undefined);
    assert.ok(clauses.length > 0, `${s.file}: "${s.name}" has no @clause- tag`);
    for (const n of clauses) {
      const c = spec.find((x) => x.clause === n);
      assert.ok(c, `${s.file}: "${s.name}" is tagged with @clause-${n}, which the spec does not have`);
      assert.ok(
        s.description.includes(`Spec ${n} (${c.level}): "${c.text}"`),
        `${s.file}: "${s.name}" does not quote clause ${n} verbatim:\n  ${c.text}`,
      );
    }
  }
});

test('every scenario has one level tag that matches its clauses', () => {
  for (const s of all) {
    const levels = s.tags.filter((t) => t === '@must' || t === '@should' || t.startsWith('@ext-'));
    assert.equal(levels.length, 1, `${s.file}: "${s.name}" needs exactly one of @must, @should, @ext-<name>`);
    const first = spec.find((c) => `@clause-${c.clause}` === s.tags.find((t) => t.startsWith('@clause-')));
    const expected = first?.extension
      ? `@ext-${first.extension}`
      : first?.level === 'SHOULD'
        ? '@should'
        : '@must';
    assert.equal(levels[0], expected, `${s.file}: "${s.name}"`);
  }
});

test('feature files are named by their spec section number', () => {
  for (const s of all) {
    const section = Number(s.file.slice(0, 2));
    for (const t of s.tags.filter((x) => x.startsWith('@clause-'))) {
      if (s.tags.length > 0 && t === s.tags.find((x) => x.startsWith('@clause-'))) {
        assert.equal(Number(t.slice(8).split('.')[0]), section, `${s.file}: "${s.name}" first clause ${t}`);
      }
    }
  }
});
