/*
 * Opens report.html in Debian's Chromium (headless, fresh profile, no network) and checks what a
 * person sees: the charts are drawn, the numbers shown match the database, and the page made no
 * request beyond its own file. Set OCT_REPORT_SCREENSHOT=/path.png to keep a screenshot.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { writeReport } from '../src/index.js';
import { exactPercentile, tempDir, writeOurStore } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function parseShown(text: string): number {
  return Number(text.replaceAll(',', '').replace(/[^0-9.+-]/g, ''));
}

void test('report.html in a real browser: charts drawn, numbers match the database, no network', async (t) => {
  if (!existsSync(CHROMIUM)) {
    const why = `${CHROMIUM} not found: this test needs Debian's chromium (apt-get install -y chromium)`;
    // CI installs it, so there a missing browser is a failure; elsewhere say so loudly and skip.
    if (process.env.CI) assert.fail(`${why}; .ci/run installs it`);
    t.skip(why);
    return;
  }
  const { dir, cleanup } = tempDir('browser');
  let closeBrowser = async (): Promise<void> => undefined;
  // One hook, in order: Chromium must be gone before its profile directory is removed.
  t.after(async () => {
    await closeBrowser();
    cleanup();
  });
  const dbPath = join(dir, 'results.sqlite');
  writeOurStore(dbPath);
  const { htmlPath } = await writeReport({ dbPath, outDir: join(dir, 'report') });

  // Expected figures straight from the database.
  const db = new Database(dbPath, { readonly: true });
  const totals = db.prepare("SELECT count(*) AS n, sum(error <> '') AS e FROM result").get() as {
    n: number;
    e: number;
  };
  const times = db
    .prepare('SELECT scriptrun_time FROM result ORDER BY scriptrun_time')
    .pluck()
    .all() as number[];
  db.close();

  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport: { width: 1360, height: 900 },
  });
  closeBrowser = () => context.close();
  const page = context.pages()[0] ?? (await context.newPage());
  const reportUrl = pathToFileURL(htmlPath).href;
  const requests: string[] = [];
  const pageErrors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(reportUrl, { waitUntil: 'load', timeout: 30_000 });
  await page.waitForSelector('html[data-charts]', { timeout: 30_000 });

  // Two charts (response time, throughput) per series: all transactions and the "login" timer.
  // Canvas width/height attributes: the drawing buffer uPlot sized (0 when never drawn).
  const canvases = await page.$$eval('.uplot canvas', (els) =>
    els.map((c) => ({ w: Number(c.getAttribute('width')), h: Number(c.getAttribute('height')) })),
  );
  assert.equal(canvases.length, 4, 'one canvas per chart');
  for (const c of canvases) assert.ok(c.w > 100 && c.h > 100, `canvas drawn with size ${c.w}x${c.h}`);
  const legend = await page.$$eval('#series-0 .u-legend .u-series', (els) =>
    els.map((e) => e.textContent ?? ''),
  );
  assert.ok(
    legend.some((l) => l.includes('p95')),
    'legend names the percentiles',
  );

  assert.equal(parseShown((await page.textContent('[data-testid=transactions]')) ?? ''), totals.n);
  assert.equal(parseShown((await page.textContent('[data-testid=errors]')) ?? ''), totals.e);
  assert.equal(
    await page.textContent('[data-testid=error-rate]'),
    `${((totals.e / totals.n) * 100).toFixed(2)} %`,
  );

  // The "All transactions" statistics row: Count, Errors, Min, Avg, p50, p80, p90, p95, p99, Max, Stdev.
  const cells = await page.$$eval('#series-0-stats tbody td', (els) => els.map((e) => e.textContent ?? ''));
  assert.equal(parseShown(cells[0]!), totals.n);
  assert.equal(parseShown(cells[1]!), totals.e);
  const shownMs = (i: number): number => parseShown(cells[i]!);
  const percentiles: [number, number][] = [
    [4, 50],
    [5, 80],
    [6, 90],
    [7, 95],
    [8, 99],
  ];
  for (const [i, p] of percentiles) {
    const expected = exactPercentile(times, p) * 1000;
    // 3 significant digits (0.1 %) plus the display's rounding to 0.1 ms.
    assert.ok(
      Math.abs(shownMs(i) - expected) <= expected * 1e-3 + 0.051,
      `p${p}: shown ${cells[i]}, exact ${expected} ms`,
    );
  }
  assert.equal(shownMs(2), times[0]! * 1000, 'min');
  assert.equal(shownMs(9), times[times.length - 1]! * 1000, 'max');

  const dead = await page.$$eval('#turrets tr.dead td:first-child', (els) => els.map((e) => e.textContent));
  assert.deepEqual(dead, ['beta', 'gamma'], 'lost and killed turrets are marked');

  assert.deepEqual(pageErrors, [], 'no script error');
  assert.deepEqual(
    requests.filter((u) => u !== reportUrl),
    [],
    'no request beyond the report file itself',
  );
  const shot = process.env.OCT_REPORT_SCREENSHOT ?? join(dir, 'report.png');
  await page.screenshot({ path: shot, fullPage: true });
  assert.ok(existsSync(shot));
});
