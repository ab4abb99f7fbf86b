/**
 * PostgreSQL URLs in `results_database.db_uri`: recognised, checked, and masked. A URL carries the
 * password, so every message that names one goes through maskUri / maskSecrets first.
 */

/** Whether `uri` asks for PostgreSQL (postgresql:// or postgres://). */
export const isPgUri = (uri: string): boolean => /^postgres(?:ql)?:\/\//i.test(uri);

/** `uri` with its password replaced by `***` (also when it does not parse as a URL). */
export function maskUri(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:)[^@/?#]*@/i, '$1***@');
}

/** The password of `uri`, raw and percent-decoded, for masking in messages; [] when it has none. */
function secretsOf(uri: string): string[] {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:([^@/?#]*)@/i.exec(uri);
  if (!m || m[1] === '') return [];
  const raw = m[1]!;
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // A malformed escape: only the raw form can appear.
  }
  return [...new Set([raw, decoded])];
}

/** `message` with every appearance of `uri`'s password masked. */
export function maskSecrets(message: string, uri: string): string {
  let out = message.replaceAll(uri, maskUri(uri));
  for (const secret of secretsOf(uri)) out = out.replaceAll(secret, '***');
  return out;
}

/**
 * Checks a PostgreSQL URL: host and database name present. Returns null when valid, else what is
 * wrong (without the password).
 */
export function pgUriProblem(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'not a valid URL (expected postgresql://user:password@host:port/database)';
  }
  if (url.hostname === '') return 'no host (expected postgresql://user:password@host:port/database)';
  if (url.port !== '' && !(Number(url.port) > 0 && Number(url.port) < 65536))
    return `port ${url.port} out of range`;
  if (url.pathname.replace(/^\//, '') === '')
    return 'no database name (expected postgresql://user:password@host:port/database)';
  return null;
}
