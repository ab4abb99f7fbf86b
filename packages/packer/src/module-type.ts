/**
 * The `"type"` of a packed turret's package.json. The packer writes that package.json, so it must say
 * what the script was in the project, or Node guesses and warns (MODULE_TYPELESS_PACKAGE_JSON) about a
 * file the user never wrote: the type of the package.json nearest to the script, else what Node's own
 * detection makes of its source (ES module syntax -> "module").
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compileFunction } from 'node:vm';

export type ModuleType = 'module' | 'commonjs';

/** The SyntaxErrors that only ES module syntax causes in CommonJS (those Node's detection looks for). */
const ESM_ONLY =
  /Cannot use import statement outside a module|Unexpected token 'export'|Cannot use 'import\.meta' outside a module|await is only valid in async functions/;

async function declaredType(scriptPath: string): Promise<ModuleType | 'none' | undefined> {
  for (let dir = path.dirname(scriptPath); ; dir = path.dirname(dir)) {
    let text: string | undefined;
    try {
      text = await readFile(path.join(dir, 'package.json'), 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      try {
        const type = (JSON.parse(text) as { type?: unknown }).type;
        return type === 'module' || type === 'commonjs' ? type : 'none';
      } catch {
        return 'none'; // Node would fail on it anyway; detect from the source.
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Whether the source only parses as an ES module. */
export function hasModuleSyntax(source: string): boolean {
  try {
    compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname']);
    return false;
  } catch (err) {
    return err instanceof SyntaxError && ESM_ONLY.test(err.message);
  }
}

/** The module type a packed package needs for the script at `scriptPath` (absolute). */
export async function moduleTypeOf(scriptPath: string): Promise<ModuleType> {
  const ext = path.extname(scriptPath);
  if (['.mjs', '.mts'].includes(ext)) return 'module';
  if (['.cjs', '.cts'].includes(ext)) return 'commonjs';
  const declared = await declaredType(scriptPath);
  if (declared === 'module' || declared === 'commonjs') return declared;
  // TypeScript goes through tsx, which reads import/export either way: ES modules are its natural form.
  if (ext !== '.js') return 'module';
  return hasModuleSyntax(await readFile(scriptPath, 'utf8')) ? 'module' : 'commonjs';
}
