/** The chart library inlined into every report: uPlot's browser build and stylesheet, read from its package. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ChartAssets {
  js: string;
  css: string;
  version: string;
}

let cached: ChartAssets | undefined;

/** uPlot's IIFE bundle (defines the global `uPlot`) and CSS, made safe to inline in a <script>/<style>. */
export function chartAssets(): ChartAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('uplot/package.json');
  const dir = join(dirname(pkgPath), 'dist');
  const version = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
  // "</script" or "</style" inside the inlined text would end the element early.
  const js = readFileSync(join(dir, 'uPlot.iife.min.js'), 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  const css = readFileSync(join(dir, 'uPlot.min.css'), 'utf8').replace(/<\/(style)/gi, '<\\/$1');
  cached = { js, css, version };
  return cached;
}
