/**
 * The packer's user-facing error: every mistake in a project (a missing key, a missing file, a path
 * that leaves the project) becomes one line naming the file and the key, never a stack trace.
 */
export class PackError extends Error {
  /** One line per mistake found; `message` joins them with newlines. */
  readonly errors: readonly string[];

  constructor(errors: string | readonly string[]) {
    const list = typeof errors === 'string' ? [errors] : [...errors];
    super(list.join('\n'));
    this.name = 'PackError';
    this.errors = list;
  }
}
