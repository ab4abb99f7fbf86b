/** CURVE key files (spec 11.3): Z85, ZeroMQ certificates, secret files readable by their owner only. */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import {
  KeyFileError,
  newCurveKeyPair,
  parseCertificate,
  readCertificate,
  writeCertificates,
  z85Encode,
} from '../src/curve-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'oct-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

void it('encodes Z85 as ZeroMQ RFC 32 does', () => {
  assert.equal(z85Encode(Uint8Array.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b])), 'HelloWorld');
  assert.throws(() => z85Encode(new Uint8Array(3)), RangeError);
});

void it('writes a key pair as ZeroMQ certificates and reads it back; the secret file is mode 0600', () => {
  const pair = newCurveKeyPair();
  assert.match(pair.publicKey, /^.{40}$/);
  assert.notEqual(pair.publicKey, pair.secretKey);
  const { publicFile, secretFile } = writeCertificates(join(dir, 't1'), 't1', pair);
  assert.deepEqual(readCertificate(publicFile, { secret: false }), {
    name: 't1',
    publicKey: pair.publicKey,
    secretKey: null,
  });
  assert.deepEqual(readCertificate(secretFile, { secret: true }), { name: 't1', ...pair });
});

void it('refuses, naming the file, a secret others can read, a public file given as secret, and a non-certificate', () => {
  const { publicFile, secretFile } = writeCertificates(join(dir, 'loose'), 'loose');
  chmodSync(secretFile, 0o644);
  assert.throws(
    () => readCertificate(secretFile, { secret: true }),
    (e: Error) =>
      e instanceof KeyFileError &&
      e.message === `${secretFile}: secret key readable by others (mode 0644): run chmod 600 ${secretFile}`,
  );
  assert.throws(() => readCertificate(publicFile, { secret: true }), /no secret-key line/);
  const junk = join(dir, 'junk.key');
  writeFileSync(junk, 'hello');
  assert.throws(() => readCertificate(junk, { secret: false }), /junk\.key: no public-key line/);
  assert.throws(
    () => readCertificate(join(dir, 'none.key'), { secret: false }),
    /none\.key: key file not found/,
  );
  assert.throws(() => parseCertificate('public-key = "short"', 'x.key'), /x\.key: public-key is not a Z85/);
});
