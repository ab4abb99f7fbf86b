/**
 * Scripts `import { timed } from '@oct/turret'`, but a script outside any project that installed
 * @oct/turret (a turret.json in any directory, an `oct run --local` project, an extracted `--tar`
 * package) has no node_modules to find it in, and Node ignores NODE_PATH for imports. So the thread
 * that loads the script makes '@oct/turret' (and subpaths) resolvable wherever the script is: the
 * normal resolution goes first, so a project's own copy wins; only when it finds no such package is
 * the specifier resolved from this file, i.e. to this turret's own package (a self-reference through
 * its exports map).
 */
import Module, { createRequire, register, type ResolveHook } from 'node:module';

const SELF = '@oct/turret';
const isSelf = (specifier: string): boolean => specifier === SELF || specifier.startsWith(`${SELF}/`);

/** The resolve hook of this module, registered by makeSelfResolvable() (runs in Node's hooks thread). */
export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  if (!isSelf(specifier)) return nextResolve(specifier, context);
  try {
    return await nextResolve(specifier, context);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    return nextResolve(specifier, { ...context, parentURL: import.meta.url });
  }
};

type ResolveFilename = (this: unknown, request: string, ...rest: unknown[]) => string;

let done = false;

/**
 * Call in each thread that imports scripts: hooks registered in one thread do not reach worker
 * threads (Node 20). `import` goes through the resolve hook above; `require` does not (Node 20 has no
 * public hook for it), yet tsx runs a `.ts` script as CommonJS when no package.json says
 * "type": "module", its imports turned into require() calls. So CommonJS resolution gets the same
 * fallback, by wrapping Module._resolveFilename (undocumented, but what tsx itself wraps).
 */
export function makeSelfResolvable(): void {
  if (done) return;
  done = true;
  register(import.meta.url);
  const cjs = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = cjs._resolveFilename;
  const fromHere = createRequire(import.meta.url);
  cjs._resolveFilename = function (request, ...rest) {
    try {
      return original.call(this, request, ...rest);
    } catch (e) {
      if (!isSelf(request) || (e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
      return fromHere.resolve(request);
    }
  };
}
