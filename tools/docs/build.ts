// `npm run docs`: docs/*.adoc and docs/reference/*.adoc -> self-contained HTML in docs/html/ (or the
// directory given with `--out <dir>`). The stylesheet is embedded and no web fonts, icon fonts, math or
// highlighter scripts are referenced, so the pages read offline; the build fails if any remote
// stylesheet or script slips into the output.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import Asciidoctor from '@asciidoctor/core';

export const repoRoot = join(import.meta.dirname, '..', '..');
const docsDir = join(repoRoot, 'docs');

/** Attributes that keep every page self-contained. */
const OFFLINE_ATTRIBUTES: Record<string, string | boolean> = {
  'webfonts!': '', // no Google Fonts <link>
  'linkcss!': '', // embed the default stylesheet
  'icons!': '', // no Font Awesome from a CDN
  'stem!': '', // no MathJax
  'source-highlighter!': '', // no highlight.js from a CDN
  reproducible: '', // no "last updated" time: the same input gives the same bytes
  'allow-uri-read!': '',
};

/** The AsciiDoc sources to convert: docs/*.adoc and docs/reference/*.adoc. */
export function docSources(): string[] {
  const list = (dir: string) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.adoc'))
      .sort()
      .map((f) => join(dir, f));
  return [...list(docsDir), ...list(join(docsDir, 'reference'))];
}

/** Remote stylesheets, scripts, imports or fonts referenced by an HTML page (should be none). */
export function remoteReferences(html: string): string[] {
  const found: string[] = [];
  // Comments load nothing; scan only live markup and CSS.
  const live = html.replace(/<!--[\s\S]*?-->/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
  const patterns = [
    /<link\b[^>]*\bhref\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/gi,
    /<script\b[^>]*\bsrc\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/gi,
    /@import\s+(?:url\()?\s*["']?((?:https?:)?\/\/[^"')\s;]+)/gi,
    /url\(\s*["']?((?:https?:)?\/\/[^"')\s]+)/gi,
  ];
  for (const re of patterns) for (const m of live.matchAll(re)) found.push(m[1]!);
  return found;
}

/** Converts every doc into `outDir` (flat: `protocol.html`, `messages.html`, ...). Returns the files written. */
export function buildDocs(outDir = join(docsDir, 'html')): string[] {
  const asciidoctor = Asciidoctor();
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const problems: string[] = [];
  for (const source of docSources()) {
    const target = join(outDir, `${basename(source, '.adoc')}.html`);
    // Collect asciidoctor's warnings (broken includes, bad cross references, table errors): they fail the build.
    const logger = asciidoctor.MemoryLogger.create();
    asciidoctor.LoggerManager.setLogger(logger);
    // safe mode: includes work, but only inside base_dir (the repo), and nothing is read from the network.
    const doc = asciidoctor.loadFile(source, {
      safe: 'safe',
      base_dir: repoRoot,
      standalone: true,
      // `specdir` lets docs/protocol.adoc include the spec: in safe mode includes resolve inside base_dir.
      attributes: { ...OFFLINE_ATTRIBUTES, outfilesuffix: '.html', specdir: join(repoRoot, 'spec') },
    });
    // The default stylesheet keeps its web-font @import as a comment: drop it, so that not even a
    // dormant CDN address is left in the page.
    const html = doc.convert().replace(/\/\*\s*@import\s+"https?:[^"]*";?\s*\*\//g, '');
    const remote = remoteReferences(html);
    if (remote.length) problems.push(`${relative(repoRoot, source)}: remote resources ${remote.join(', ')}`);
    if (/Unresolved directive/.test(html))
      problems.push(`${relative(repoRoot, source)}: an include did not resolve`);
    for (const m of logger.getMessages()) {
      problems.push(`${relative(repoRoot, source)}: asciidoctor ${m.getSeverity()}: ${m.getText()}`);
    }
    writeFileSync(target, html);
    written.push(target);
  }
  if (problems.length) throw new Error(`docs build failed:\n  ${problems.join('\n  ')}`);
  return written;
}

function main(): void {
  const i = process.argv.indexOf('--out');
  const outDir = i > 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]!) : undefined;
  try {
    for (const file of buildDocs(outDir)) {
      console.log(`wrote ${relative(process.cwd(), file)} (${readFileSync(file).length} bytes)`);
    }
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
