import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainOpenError } from '../src/store/native.js';

void describe('explainOpenError', () => {
  void it('turns the bindings error of an unbuilt better-sqlite3 into what to run', () => {
    const err = new Error('Could not locate the bindings file. Tried:\n → /x/build/better_sqlite3.node');
    const explained = explainOpenError(err);
    assert.match(explained.message, /^better-sqlite3 has no native module .*npm rebuild better-sqlite3/);
    assert.doesNotMatch(explained.message, /Tried:/);
  });

  void it('passes any other error on as it is', () => {
    const err = new Error('SQLITE_CANTOPEN: unable to open database file');
    assert.equal(explainOpenError(err), err);
  });
});
