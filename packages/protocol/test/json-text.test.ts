/** Config files as users write them: JSON syntax errors at file:line:column, "did you mean" warnings. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkProjectConfig, checkTurretConfig, closestKey, parseJsonText } from '../src/index.js';
import { firstErrorOffset } from '../src/json-text.js';

describe('parseJsonText', () => {
  it('names file:line:column of a syntax error, 1-based', () => {
    const cases: [string, number, number, RegExp][] = [
      ['{\n  "run_time": 5,\n  "b": }\n', 3, 8, /Unexpected token '\}'/],
      ['{\n  "a": 1\n  "b": 2\n}', 3, 3, /Expected ',' or '\}' after property value/],
      ['{ "run_time": ', 1, 15, /Unexpected end of JSON input/],
      ['{"a": 1,}', 1, 9, /./],
      ['{"a": tru}', 1, 7, /./],
      ['{"a": "x\ty"}', 1, 9, /control character/],
      ['{} x', 1, 4, /non-whitespace/],
      ['', 1, 1, /Unexpected end/],
    ];
    for (const [text, line, column, reason] of cases) {
      const r = parseJsonText(text, 'p/config.json');
      assert.equal(r.ok, false, text);
      if (r.ok) continue;
      assert.deepEqual([r.line, r.column], [line, column], JSON.stringify(text));
      assert.match(r.message, new RegExp(`^p/config\\.json:${line}:${column}: not valid JSON: `));
      assert.match(r.reason, reason);
      assert.doesNotMatch(r.message, /position|is not valid JSON$/);
    }
  });

  it('agrees with JSON.parse on what is JSON', () => {
    const valid = [
      '{}',
      '[]',
      '0',
      '-1.5e+3',
      '"a\\u00e9\\n"',
      ' {"a": [true, false, null, {"b": []}]} ',
      '"\u2028"',
    ];
    for (const t of valid) assert.equal(firstErrorOffset(t), -1, t);
    const invalid = ['01', '1.', '.5', '"\\x"', "{'a': 1}", '[1,]', '{"a" 1}', 'nul', '"abc', '-'];
    for (const t of invalid) {
      assert.throws(() => JSON.parse(t), SyntaxError, t);
      assert.ok(firstErrorOffset(t) >= 0, t);
    }
  });
});

describe('unknown config keys', () => {
  it('suggests the close key, or none when nothing is close or two are', () => {
    assert.equal(closestKey('run_tme', ['run_time', 'rc_port']), 'run_time');
    assert.equal(closestKey('min_turret', ['min_turrets']), 'min_turrets');
    assert.equal(closestKey('colour', ['run_time', 'rc_port']), null);
    assert.equal(closestKey('ab', ['a', 'b']), null);
  });

  it('warns about every unknown key of config.json, keeps it, and says "did you mean" when one is close', () => {
    const r = checkProjectConfig(
      {
        run_time: 5,
        results_ts_interval: 1,
        min_turret: 1,
        my_note: 'x',
        turrets: [{ name: 't', canons: 1, script: 's.js' }],
      },
      'p/config.json',
    );
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.ok(
      r.warnings.includes(
        'WARNING: p/config.json: unknown key "min_turret" (did you mean "min_turrets"?); kept as written',
      ),
      r.warnings.join('\n'),
    );
    assert.ok(r.warnings.includes('WARNING: p/config.json: unknown key "my_note"; kept as written'));
    assert.equal(r.config.min_turret, 1, 'kept (spec 9.2)');
  });

  it('warns about a turret config key only when it is close to a known one (its own keys are expected)', () => {
    const r = checkTurretConfig({ name: 't', canon: 2, canons: 1, script: 's.js', api_url: 'x' }, 't.json');
    assert.ok(r.ok);
    if (!r.ok) return;
    const unknown = r.warnings.filter((w) => w.includes('unknown key'));
    assert.deepEqual(unknown, [
      'WARNING: t.json: unknown key "canon" (did you mean "canons"?); kept as written',
    ]);
  });
});
