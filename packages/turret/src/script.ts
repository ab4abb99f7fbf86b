/**
 * Loading a user's transaction script (JavaScript or TypeScript ES module, no build step) and
 * adapting its two accepted shapes, a `Transaction` class or a default function, to one interface.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResolvedTurretConfig } from '@oct/protocol';
import { makeSelfResolvable } from './self-resolve.js';
import type {
  CustomTimers,
  TransactionClass,
  TransactionContext,
  TransactionFunction,
  TransactionInstance,
} from './transaction.js';

/** One canon's transaction, whichever shape the script has. */
export interface CanonTransaction {
  setup(): unknown;
  /** Starts one run with fresh timers; returns what the script returned (maybe a promise). */
  run(): unknown;
  /** The timers the last run set. */
  timers(): CustomTimers;
  tearDown(): unknown;
}

/** A loaded script: makes one transaction per canon. */
export type TransactionFactory = (
  config: ResolvedTurretConfig,
  context: TransactionContext,
) => CanonTransaction;

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** Imports the script at absolute path `file`; TypeScript goes through tsx. Throws a one-line Error. */
export async function loadScript(file: string): Promise<TransactionFactory> {
  let mod: Record<string, unknown>;
  makeSelfResolvable(); // scripts import '@oct/turret' wherever they are
  try {
    if (TS_EXTENSIONS.has(extname(file))) {
      const { tsImport } = await import('tsx/esm/api');
      mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
    } else {
      mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    }
  } catch (e) {
    const where = syntaxErrorAt(file, e);
    if (where) throw new Error(`cannot load script ${where}`);
    throw new Error(`cannot load script ${file}: ${errorText(e)}`);
  }
  return adapt(mod, file);
}

/** What esbuild (tsx's compiler) throws: each message with where it is (0-based column). */
interface EsbuildFailure {
  errors?: { text: string; location: { file: string; line: number; column: number } | null }[];
}

/**
 * `file:line:column: SyntaxError: text` for a syntax error in the script, or null. Node's import says
 * what is wrong but not where; tsx (TypeScript) says where, with a 0-based column. The file is then
 * parsed again, without running it, by the esbuild that tsx uses; columns are 1-based, as editors count.
 */
function syntaxErrorAt(file: string, e: unknown): string | null {
  const tsxMessage = e instanceof Error ? /^(.+):(\d+):(\d+): ERROR: (.*)$/m.exec(e.message) : null;
  if (tsxMessage)
    return `${tsxMessage[1]}:${tsxMessage[2]}:${Number(tsxMessage[3]) + 1}: SyntaxError: ${tsxMessage[4]}`;
  if (!(e instanceof SyntaxError)) return null;
  try {
    const esbuild = createRequire(import.meta.resolve('tsx/esm/api'))('esbuild') as {
      transformSync(code: string, options: Record<string, unknown>): unknown;
    };
    esbuild.transformSync(readFileSync(file, 'utf8'), { loader: 'js', format: 'esm', sourcefile: file });
  } catch (parse) {
    const first = (parse as EsbuildFailure).errors?.[0];
    if (first?.location) {
      const { line, column } = first.location;
      return `${file}:${line}:${column + 1}: SyntaxError: ${e.message}`;
    }
  }
  return null; // the script parses: the error is in a module it imports, which Node's text names
}

function adapt(mod: Record<string, unknown>, file: string): TransactionFactory {
  // tsx may wrap a CommonJS-looking module in `default`; look one level down too.
  const nested =
    mod.default !== null && typeof mod.default === 'object' ? (mod.default as Record<string, unknown>) : {};
  const cls = mod.Transaction ?? nested.Transaction;
  if (typeof cls === 'function') return classFactory(cls as TransactionClass);
  const fn = typeof mod.default === 'function' ? mod.default : nested.default;
  if (typeof fn === 'function') {
    if (isClass(fn)) return classFactory(fn as TransactionClass);
    return functionFactory(fn as TransactionFunction);
  }
  throw new Error(
    `script ${file} exports neither a class "Transaction" nor a default function (see the @oct/turret README)`,
  );
}

function isClass(fn: unknown): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

function classFactory(Cls: TransactionClass): TransactionFactory {
  return (config, context) => {
    const tx: TransactionInstance = new Cls(config, context);
    if (typeof tx.run !== 'function') throw new Error('the Transaction class has no run() method');
    return {
      setup: () => tx.setup?.(),
      run: () => {
        tx.customTimers = {};
        return tx.run();
      },
      timers: () => tx.customTimers,
      tearDown: () => tx.tearDown?.(),
    };
  };
}

function functionFactory(fn: TransactionFunction): TransactionFactory {
  return (config, context) => {
    let customTimers: CustomTimers = {};
    return {
      setup: () => undefined,
      run: () => {
        customTimers = {};
        return fn({ config, context, customTimers });
      },
      timers: () => customTimers,
      tearDown: () => undefined,
    };
  };
}

/** A non-empty one-line text for anything thrown (spec 7.1: `error` is non-empty). */
export function errorText(e: unknown): string {
  let text: string;
  if (e instanceof Error) text = e.message ? `${e.name}: ${e.message}` : e.name;
  else if (typeof e === 'string') text = e;
  else {
    try {
      text = JSON.stringify(e) ?? String(e);
    } catch {
      text = String(e);
    }
  }
  text = text.replace(/\s*\n\s*/g, ' ').trim();
  return text === '' ? 'Error' : text;
}
