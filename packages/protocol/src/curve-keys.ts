/// <reference types="node" />
/**
 * CURVE key pairs and the files that hold them (spec 11). A key pair is a Curve25519 (X25519) pair,
 * which is what CurveZMQ uses, written in Z85 (ZeroMQ's text encoding: 40 characters per key). Files
 * use ZeroMQ's certificate format (CZMQ's zcert, pyzmq's `zmq.auth`), so that turrets in other
 * languages load them with their ZeroMQ library: `<name>.key` holds the public key,
 * `<name>.key_secret` both keys and is written with mode 0600.
 *
 * Z85 is written here (twenty lines) rather than taken from a package: the ones on npm are unkept,
 * and zeromq.js offers no encoder for a key it is handed as bytes (a ZAP request's client key).
 * The only module of this package that needs Node (the reference above): the rest stays portable.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';

/** A CURVE key pair, each key in Z85 (40 characters). */
export interface CurveKeyPair {
  publicKey: string;
  secretKey: string;
}

/** What a certificate file holds: the secret key only in a `.key_secret` file. */
export interface CurveCertificate {
  name: string | null;
  publicKey: string;
  secretKey: string | null;
}

/** A key file that cannot be used: the message names the file and says what to do. */
export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** Z85-encodes bytes whose length is a multiple of 4 (ZeroMQ RFC 32). */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) throw new RangeError('z85Encode: length must be a multiple of 4');
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    let value = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
    let chunk = '';
    for (let j = 0; j < 5; j++) {
      chunk = Z85[value % 85]! + chunk;
      value = Math.floor(value / 85);
    }
    out += chunk;
  }
  return out;
}

/** A fresh X25519 key pair, as CurveZMQ uses. */
export function newCurveKeyPair(): CurveKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const pub = publicKey.export({ format: 'jwk' }).x!;
  const sec = privateKey.export({ format: 'jwk' }).d!;
  return {
    publicKey: z85Encode(Buffer.from(pub, 'base64url')),
    secretKey: z85Encode(Buffer.from(sec, 'base64url')),
  };
}

/** The text of a certificate file, public (`secret` false) or secret. */
export function certificateText(name: string, pair: CurveKeyPair, secret: boolean, now = new Date()): string {
  const head = secret
    ? [
        '#   ZeroMQ CURVE **Secret** Certificate',
        '#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.',
      ]
    : ['#   ZeroMQ CURVE Public Certificate', '#   Give it to the other side; it holds no secret.'];
  return [
    `#   ****  Generated on ${now.toISOString().slice(0, 10)} by oct keys  ****`,
    ...head,
    '',
    'metadata',
    `    name = ${JSON.stringify(name)}`,
    'curve',
    `    public-key = "${pair.publicKey}"`,
    ...(secret ? [`    secret-key = "${pair.secretKey}"`] : []),
    '',
  ].join('\n');
}

const KEY = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/;

/** Reads a certificate's text; `file` names it in errors. */
export function parseCertificate(text: string, file: string): CurveCertificate {
  const field = (key: string): string | null => {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"\\s*$`, 'm').exec(text);
    return m ? m[1]! : null;
  };
  const publicKey = field('public-key');
  const secretKey = field('secret-key');
  for (const [what, key] of [
    ['public-key', publicKey],
    ['secret-key', secretKey],
  ] as const) {
    if (key !== null && !KEY.test(key))
      throw new KeyFileError(`${file}: ${what} is not a Z85 CURVE key (40 characters)`);
  }
  if (publicKey === null) throw new KeyFileError(`${file}: no public-key line: not a ZeroMQ certificate`);
  return { name: field('name'), publicKey, secretKey };
}

/**
 * Reads a certificate file. With `secret`, the file must hold the secret key and be readable by its
 * owner only (mode 0600, as `oct keys` writes it): a secret others can read is no secret.
 */
export function readCertificate(path: string, options: { secret: boolean }): CurveCertificate {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new KeyFileError(
      code === 'ENOENT'
        ? `${path}: key file not found (make the keys with \`oct keys\`)`
        : `${path}: cannot read: ${(e as Error).message}`,
    );
  }
  const cert = parseCertificate(text, path);
  if (!options.secret) return cert;
  if (cert.secretKey === null)
    throw new KeyFileError(
      `${path}: no secret-key line: this is a public certificate, give the .key_secret file`,
    );
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0)
    throw new KeyFileError(
      `${path}: secret key readable by others (mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 ${path}`,
    );
  return cert;
}

/** Writes `<base>.key` and `<base>.key_secret` (mode 0600) for `name`; returns their paths. */
export function writeCertificates(
  base: string,
  name: string,
  pair: CurveKeyPair = newCurveKeyPair(),
): { publicFile: string; secretFile: string } {
  const publicFile = `${base}.key`;
  const secretFile = `${base}.key_secret`;
  writeFileSync(publicFile, certificateText(name, pair, false));
  writeFileSync(secretFile, certificateText(name, pair, true), { mode: 0o600 });
  chmodSync(secretFile, 0o600); // an existing file keeps its mode through writeFileSync
  return { publicFile, secretFile };
}
