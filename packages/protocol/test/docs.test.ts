// `npm run docs` end to end: the AsciiDoc sources build to self-contained HTML (no CDN), the protocol
// page carries every clause anchor, and the reference covers every schema.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadRawSchemas, repoRoot, specDir } from './helpers.js';

const PAGES = ['index', 'protocol', 'messages', 'write-a-turret', 'user-guide'];

void describe('docs build', () => {
  const out = mkdtempSync(join(tmpdir(), 'oct-docs-'));
  const html = new Map<string, string>();

  void before(() => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '../../tools/docs/build.ts', '--out', out], {
      cwd: join(repoRoot, 'packages', 'protocol'),
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(run.status, 0, `docs build failed:\n${run.stdout}\n${run.stderr}`);
    for (const page of PAGES) {
      const file = join(out, `${page}.html`);
      assert.ok(existsSync(file), `${page}.html was not written`);
      html.set(page, readFileSync(file, 'utf8'));
    }
  });
  void after(() => rmSync(out, { recursive: true, force: true }));

  void it('protocol.html has an anchor for every clause of spec/protocol.adoc', () => {
    const ids = [
      ...readFileSync(join(specDir, 'protocol.adoc'), 'utf8').matchAll(/^\[\[(clause-[0-9.]+)\]\]/gm),
    ].map((m) => m[1]!);
    assert.ok(ids.length >= 50);
    for (const id of ids)
      assert.ok(html.get('protocol')!.includes(`id="${id}"`), `protocol.html lacks ${id}`);
  });

  void it('messages.html documents every schema and links clauses into protocol.html', () => {
    const page = html.get('messages')!;
    for (const [name, schema] of loadRawSchemas()) {
      if (name === 'common') continue;
      assert.ok(page.includes(String(schema.title)), `messages.html lacks ${String(schema.title)}`);
    }
    assert.match(page, /href="protocol\.html#clause-5\.3"/);
    assert.match(page, /GENERATED|scriptrun_time/);
  });

  void it('index.html links the other pages', () => {
    for (const page of PAGES.filter((p) => p !== 'index')) {
      assert.ok(html.get('index')!.includes(`href="${page}.html"`), `index.html does not link ${page}.html`);
    }
  });

  void it('every page embeds its stylesheet and references no remote stylesheet, script or font', () => {
    for (const [page, text] of html) {
      assert.match(text, /<style>/, `${page}.html has no embedded stylesheet`);
      assert.doesNotMatch(text, /<link\b[^>]*href="(https?:)?\/\//i, `${page}.html links a remote resource`);
      assert.doesNotMatch(text, /<script\b[^>]*src="(https?:)?\/\//i, `${page}.html loads a remote script`);
      assert.doesNotMatch(
        text,
        /@import|fonts\.googleapis|cdnjs|jsdelivr|unpkg/i,
        `${page}.html mentions a CDN`,
      );
    }
  });
});
