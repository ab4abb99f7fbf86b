/** freePorts: the ports the kit names before its HQ binds them are distinct (issue 18: 2.4 failed on `Address already in use`). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePorts } from '../src/ports.js';

test('freePorts never returns the same port twice in one call', async () => {
  // Bounded: 6,000 pairs (the old probe-and-close returned a repeated pair about once in 2,000).
  for (let i = 0; i < 6000; i++) {
    const [a, b] = await freePorts(2);
    assert.ok(a! > 0 && b! > 0);
    assert.notEqual(a, b, `pair ${i}: the same port ${a} twice`);
  }
});
