/**
 * The transaction contract a user script implements, and the `timed` helper. A script exports either
 * a `Transaction` class (one instance per canon) or a default function called once per transaction.
 */
import type { ResolvedTurretConfig } from '@oct/protocol';

/** Named timers a transaction sets, name -> seconds. */
export type CustomTimers = Record<string, number>;

/** What the context of `set_transaction_context` holds (spec 4.5): any JSON value, `{}` if none. */
export type TransactionContext = unknown;

/** A transaction instance: the turret creates one per canon at each start. */
export interface TransactionInstance {
  /** Reset to `{}` by the turret before each run and read after it. */
  customTimers: CustomTimers;
  /** Optional, once per canon before its first run; excluded from `scriptrun_time`. */
  setup?(): unknown;
  /** One transaction: sync or async. A throw (or rejection) becomes the result's `error` (spec 7.1). */
  run(): unknown;
  /** Optional, once per canon when the turret stops. */
  tearDown?(): unknown;
}

/** The class a script exports as `Transaction`. */
export type TransactionClass = new (
  config: ResolvedTurretConfig,
  context: TransactionContext,
) => TransactionInstance;

/** What a default-exported transaction function receives; `customTimers` is fresh for each call. */
export interface TransactionArgs {
  config: ResolvedTurretConfig;
  context: TransactionContext;
  customTimers: CustomTimers;
}

/** A script's default export: one call per transaction. */
export type TransactionFunction = (args: TransactionArgs) => unknown;

/**
 * Times `fn` (sync or async) into `customTimers[name]` in seconds, on a monotonic clock, and returns
 * what `fn` returns. The timer is set even when `fn` throws, then the error goes on.
 *
 * @example
 * ```js
 * import { timed } from '@oct/turret';
 * export default async function run({ customTimers }) {
 *   await timed(customTimers, 'home', () => fetch('http://127.0.0.1:8080/'));
 * }
 * ```
 */
export function timed<T>(customTimers: CustomTimers, name: string, fn: () => T): T {
  const t0 = performance.now();
  const done = (): void => {
    customTimers[name] = (performance.now() - t0) / 1000;
  };
  let out: T;
  try {
    out = fn();
  } catch (e) {
    done();
    throw e;
  }
  if (isPromiseLike(out)) {
    return Promise.resolve(out).finally(done) as T;
  }
  done();
  return out;
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as PromiseLike<unknown>).then === 'function'
  );
}
