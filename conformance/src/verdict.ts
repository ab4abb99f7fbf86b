/**
 * The verdict: Cucumber's message stream folded into scenarios and clauses, rendered as one page
 * (Markdown and terminal) that names each failed clause with its text and the evidence.
 */

interface Timestamp {
  seconds: number;
  nanos: number;
}

const ms = (t: Timestamp): number => t.seconds * 1000 + t.nanos / 1e6;

/** The parts of Cucumber's messages (cucumber/messages) that the verdict reads. */
export interface Envelope {
  gherkinDocument?: {
    uri?: string;
    feature?: { name: string; children: { scenario?: { id: string; description: string } }[] };
  };
  pickle?: {
    id: string;
    name: string;
    uri: string;
    tags: { name: string }[];
    astNodeIds: string[];
    steps: { id: string; text: string }[];
  };
  testCase?: { id: string; pickleId: string; testSteps: { id: string; pickleStepId?: string }[] };
  testCaseStarted?: { id: string; testCaseId: string; timestamp: Timestamp };
  testCaseFinished?: { testCaseStartedId: string; timestamp: Timestamp };
  testStepFinished?: {
    testCaseStartedId: string;
    testStepId: string;
    testStepResult: { status: string; message?: string };
  };
  attachment?: { testCaseStartedId?: string; body: string };
}

/** One scenario's outcome. */
export interface ScenarioVerdict {
  name: string;
  feature: string;
  /** Clause numbers from the @clause- tags. */
  clauses: string[];
  /** must, should or ext-<name>. */
  level: string;
  /** The clause sentences the scenario quotes. */
  quote: string;
  /**
   * passed; failed; not-applicable (an extension the turret does not advertise); not-tested (an
   * extension the kit was not told to test, e.g. curve without --curve); listed (dry run).
   */
  status: 'passed' | 'failed' | 'not-applicable' | 'not-tested' | 'listed';
  failure?: { step: string; evidence: string; transcript?: string };
  /** How long the scenario took. */
  durationMs: number;
}

/** One clause's outcome over its scenarios. */
export interface ClauseVerdict {
  clause: string;
  level: string;
  status: 'met' | 'failed' | 'not-applicable' | 'not-tested' | 'listed';
  scenarios: string[];
}

/** What runConformance returns. */
export interface Verdict {
  /** True when no selected scenario failed (and at least one ran). */
  passed: boolean;
  turret: string;
  fixtures: string;
  selection: string;
  durationMs: number;
  scenarios: ScenarioVerdict[];
  clauses: ClauseVerdict[];
  /** The one-page verdict in Markdown. */
  markdown: string;
  /** The same for a terminal (no transcripts). */
  text: string;
}

interface Context {
  turret: string;
  fixtures: string;
  selection: string;
  durationMs: number;
  dryRun: boolean;
  /** Levels whose scenarios the kit skipped on purpose, with why (e.g. ext-curve without --curve). */
  notTested?: Record<string, string>;
}

/** Folds Cucumber's envelopes into a verdict. */
export function buildVerdict(envelopes: Envelope[], ctx: Context): Verdict {
  const descriptions = new Map<string, { description: string; feature: string }>();
  const pickles = new Map<string, NonNullable<Envelope['pickle']>>();
  const testCases = new Map<string, NonNullable<Envelope['testCase']>>();
  const started = new Map<string, string>(); // testCaseStartedId -> testCaseId
  const times = new Map<string, [number, number]>(); // testCaseStartedId -> [start, finish] ms
  const steps = new Map<string, { status: string; message?: string; stepId: string }[]>();
  const attachments = new Map<string, string[]>();
  for (const e of envelopes) {
    if (e.gherkinDocument?.feature) {
      for (const child of e.gherkinDocument.feature.children) {
        if (child.scenario)
          descriptions.set(child.scenario.id, {
            description: child.scenario.description,
            feature: e.gherkinDocument.feature.name,
          });
      }
    }
    if (e.pickle) pickles.set(e.pickle.id, e.pickle);
    if (e.testCase) testCases.set(e.testCase.id, e.testCase);
    if (e.testCaseStarted) {
      started.set(e.testCaseStarted.id, e.testCaseStarted.testCaseId);
      times.set(e.testCaseStarted.id, [ms(e.testCaseStarted.timestamp), ms(e.testCaseStarted.timestamp)]);
    }
    if (e.testCaseFinished) {
      const t = times.get(e.testCaseFinished.testCaseStartedId);
      if (t) t[1] = ms(e.testCaseFinished.timestamp);
    }
    if (e.testStepFinished) {
      const list = steps.get(e.testStepFinished.testCaseStartedId) ?? [];
      list.push({ ...e.testStepFinished.testStepResult, stepId: e.testStepFinished.testStepId });
      steps.set(e.testStepFinished.testCaseStartedId, list);
    }
    if (e.attachment?.testCaseStartedId) {
      const list = attachments.get(e.attachment.testCaseStartedId) ?? [];
      list.push(e.attachment.body);
      attachments.set(e.attachment.testCaseStartedId, list);
    }
  }
  const scenarios: ScenarioVerdict[] = [];
  for (const [startedId, testCaseId] of started) {
    const testCase = testCases.get(testCaseId);
    const pickle = testCase && pickles.get(testCase.pickleId);
    if (!testCase || !pickle) continue;
    const tags = pickle.tags.map((t) => t.name);
    const clauses = tags
      .map((t) => /^@clause-([0-9.]+)$/.exec(t)?.[1])
      .filter((c): c is string => c !== undefined);
    const level =
      tags.find((t) => t === '@must' || t === '@should' || t.startsWith('@ext-'))?.slice(1) ?? 'must';
    const desc = descriptions.get(pickle.astNodeIds[0] ?? '');
    const results = steps.get(startedId) ?? [];
    const failed = results.find((r) => r.status !== 'PASSED' && r.status !== 'SKIPPED');
    let status: ScenarioVerdict['status'] = 'passed';
    let failure: ScenarioVerdict['failure'];
    if (ctx.dryRun) status = 'listed';
    else if (failed) {
      status = 'failed';
      const pickleStepId = testCase.testSteps.find((s) => s.id === failed.stepId)?.pickleStepId;
      const step = pickle.steps.find((s) => s.id === pickleStepId)?.text ?? '(a hook)';
      const evidence =
        failed.status === 'FAILED'
          ? (failed.message ?? 'failed')
          : `step is ${failed.status.toLowerCase()} (a kit defect)`;
      failure = { step, evidence: evidence.trim(), transcript: attachments.get(startedId)?.join('\n') };
    } else if (results.some((r) => r.status === 'SKIPPED'))
      status = ctx.notTested?.[level] ? 'not-tested' : 'not-applicable';
    scenarios.push({
      name: pickle.name,
      feature: desc?.feature ?? pickle.uri,
      clauses,
      level,
      quote: (desc?.description ?? '')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .join('\n'),
      status,
      failure,
      durationMs: (times.get(startedId)?.[1] ?? 0) - (times.get(startedId)?.[0] ?? 0),
    });
  }
  const clauses = foldClauses(scenarios);
  const ran = scenarios.filter((s) => s.status === 'passed' || s.status === 'failed').length;
  const passed = !ctx.dryRun && ran > 0 && scenarios.every((s) => s.status !== 'failed');
  const { notTested = {}, ...shown } = ctx;
  const verdict: Verdict = { passed, ...shown, scenarios, clauses, markdown: '', text: '' };
  verdict.markdown = renderMarkdown(verdict, ctx.dryRun, notTested);
  verdict.text = renderText(verdict, ctx.dryRun, notTested);
  return verdict;
}

function foldClauses(scenarios: ScenarioVerdict[]): ClauseVerdict[] {
  const map = new Map<string, ClauseVerdict>();
  for (const s of scenarios) {
    for (const c of s.clauses) {
      const v = map.get(c) ?? {
        clause: c,
        level: s.level,
        status: s.status === 'listed' || s.status === 'not-tested' ? s.status : 'not-applicable',
        scenarios: [],
      };
      v.scenarios.push(s.name);
      if (s.status === 'failed') v.status = 'failed';
      else if (s.status === 'passed' && v.status !== 'failed') v.status = 'met';
      map.set(c, v);
    }
  }
  return [...map.values()].sort((a, b) => compareClauses(a.clause, b.clause));
}

function compareClauses(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

const LABEL = {
  met: 'met',
  failed: 'FAILED',
  'not-applicable': 'not applicable',
  'not-tested': 'not tested',
  listed: 'selected',
} as const;

function headline(v: Verdict, dryRun: boolean): string {
  if (dryRun) return `DRY RUN: ${v.scenarios.length} scenario(s) selected`;
  const count = (s: ScenarioVerdict['status']): number => v.scenarios.filter((x) => x.status === s).length;
  const untested = count('not-tested') > 0 ? `, ${count('not-tested')} not tested` : '';
  return `${v.passed ? 'PASS' : 'FAIL'}: ${count('passed')} passed, ${count('failed')} failed, ${count('not-applicable')} not applicable${untested}, of ${v.scenarios.length} scenario(s) in ${(v.durationMs / 1000).toFixed(1)} s`;
}

/** One line per level the kit skipped on purpose: "<level> not tested: <why>". */
function untestedLevels(v: Verdict, notTested: Record<string, string>): string[] {
  const levels = new Set(v.scenarios.filter((s) => s.status === 'not-tested').map((s) => s.level));
  return [...levels].map((level) => `${level} not tested: ${notTested[level] ?? 'not selected'}`);
}

function renderMarkdown(v: Verdict, dryRun: boolean, notTested: Record<string, string>): string {
  const out: string[] = [
    `# OCT turret conformance verdict`,
    '',
    `**${headline(v, dryRun)}**`,
    '',
    `- Turret: \`${v.turret}\``,
    `- Fixtures: \`${v.fixtures}\``,
    `- Selection: \`${v.selection}\``,
    ...untestedLevels(v, notTested).map((l) => `- **${l}**`),
    '',
    '## Clauses',
    '',
    '| Clause | Level | Verdict | Scenarios |',
    '| --- | --- | --- | --- |',
    ...v.clauses.map(
      (c) => `| ${c.clause} | ${c.level.toUpperCase()} | ${LABEL[c.status]} | ${c.scenarios.join('; ')} |`,
    ),
  ];
  const failures = v.scenarios.filter((s) => s.failure);
  if (failures.length > 0) out.push('', '## Failures');
  for (const s of failures) {
    out.push(
      '',
      `### (spec ${s.clauses.join(', ')}) ${s.level.toUpperCase()}: ${s.name}`,
      '',
      ...s.quote.split('\n').map((l) => `> ${l}  `),
      '',
      `Failed step: \`${s.failure!.step}\``,
      '',
      '```text',
      s.failure!.evidence,
      '```',
    );
    if (s.failure!.transcript)
      out.push(
        '',
        '<details><summary>Exchange and turret output</summary>',
        '',
        '```text',
        s.failure!.transcript,
        '```',
        '',
        '</details>',
      );
  }
  const na = v.scenarios.filter((s) => s.status === 'not-applicable');
  if (na.length > 0) {
    out.push(
      '',
      '## Not applicable',
      '',
      'These extension scenarios did not run because the turret does not advertise the extension (spec 8.3):',
      '',
    );
    for (const s of na) out.push(`- ${s.name} (${s.level})`);
  }
  const nt = v.scenarios.filter((s) => s.status === 'not-tested');
  if (nt.length > 0) {
    out.push('', '## Not tested', '', ...untestedLevels(v, notTested), '');
    for (const s of nt) out.push(`- ${s.name} (${s.level})`);
  }
  out.push(
    '',
    '"Passes" means: every selected scenario passed, or is an extension the turret does not advertise; ' +
      'scenarios not tested certify nothing. ' +
      'Times are measured by the kit at its sockets, with the slack added to each bound.',
    '',
  );
  return out.join('\n');
}

function renderText(v: Verdict, dryRun: boolean, notTested: Record<string, string>): string {
  const out: string[] = [headline(v, dryRun), `turret: ${v.turret}`, ...untestedLevels(v, notTested), ''];
  for (const c of v.clauses)
    out.push(
      `  ${c.status === 'failed' ? '✘' : c.status === 'met' ? '✔' : '-'} ${c.clause.padEnd(7)} ${c.level.toUpperCase().padEnd(14)} ${LABEL[c.status]}`,
    );
  for (const s of v.scenarios.filter((x) => x.failure)) {
    out.push(
      '',
      `✘ (spec ${s.clauses.join(', ')}) ${s.name}`,
      ...s.quote.split('\n').map((l) => `  ${l}`),
      `  failed step: ${s.failure!.step}`,
      ...s.failure!.evidence.split('\n').map((l) => `    ${l}`),
    );
  }
  return out.join('\n');
}
