/**
 * `oct run --junit <file>`: the thresholds' verdicts as a JUnit XML file for CI systems (Jenkins,
 * GitLab, GitHub test reporters): one testsuite, one testcase per threshold with a <failure> carrying
 * its message when it failed, and one testcase `run outcome` that fails when the run did not
 * complete (no turrets, every turret dead, aborted by a threshold, interrupted...). Written by hand:
 * the document is a dozen fixed elements, and escaping (the five XML entities, and the characters XML
 * 1.0 cannot hold at all removed) is a few lines, where a library would add a dependency for no gain.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { ThresholdVerdict } from '@oct/reporter';

/** Characters XML 1.0 cannot hold, even escaped (C0 controls but tab, LF, CR; lone surrogates; U+FFFE/F). */
const NOT_XML =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text or attribute value, escaped for XML. */
export function xmlEscape(text: string): string {
  return text
    .replace(NOT_XML, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface JunitInput {
  /** The project's name (the testsuite is named after it). */
  project: string;
  /** How the run ended, e.g. `completed`, and its one-line message. */
  outcome: string;
  message: string;
  /** Seconds the run lasted. */
  duration: number;
  /** When it started (epoch seconds), if it did. */
  startedAt: number | null;
  verdicts: readonly ThresholdVerdict[];
}

/** The JUnit XML document. */
export function junitXml(r: JunitInput): string {
  const cases: string[] = [];
  const outcomeOk = r.outcome === 'completed';
  cases.push(
    `    <testcase classname="oct.run" name="run outcome" time="${r.duration.toFixed(3)}">` +
      (outcomeOk
        ? ''
        : `\n      <failure type="outcome" message="${xmlEscape(`run ${r.outcome.replace(/_/g, ' ')}: ${r.message}`)}">${xmlEscape(r.message)}</failure>\n    `) +
      `</testcase>`,
  );
  for (const v of r.verdicts) {
    const name = `${v.metric} ${v.stat} ${v.bound}`;
    cases.push(
      `    <testcase classname="oct.thresholds" name="${xmlEscape(name)}" time="0">` +
        (v.passed
          ? ''
          : `\n      <failure type="threshold" message="${xmlEscape(v.message)}">${xmlEscape(`thresholds[${v.index}]: ${v.message}`)}</failure>\n    `) +
        `</testcase>`,
    );
  }
  const failures = (outcomeOk ? 0 : 1) + r.verdicts.filter((v) => !v.passed).length;
  const tests = cases.length;
  const stamp =
    r.startedAt !== null ? ` timestamp="${new Date(r.startedAt * 1000).toISOString().slice(0, 19)}"` : '';
  const suite = xmlEscape(`oct ${r.project}`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="oct" tests="${tests}" failures="${failures}" errors="0" time="${r.duration.toFixed(3)}">
  <testsuite name="${suite}" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="${r.duration.toFixed(3)}"${stamp}>
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}

/** Writes the document whole (a temporary file renamed), or throws naming the file. */
export function writeJunit(path: string, r: JunitInput): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, junitXml(r));
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw Object.assign(new Error(`--junit ${path}: ${(e as Error).message}`), {
      code: (e as NodeJS.ErrnoException).code,
    });
  }
}
