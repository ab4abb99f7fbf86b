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
  attachment?: { testCaseStartedId?: string; body: string; mediaType?: string };
}

/**
 * Media types of the notes a scenario attaches for the verdict (not shown as transcript): the
 * profile the turret was judged by, and why a scenario is not applicable.
 */
export const NOTE_MEDIA = {
  /** JSON `{"advertised1x": boolean}`: whether any status of the scenario carried `protocol`. */
  profile: 'application/vnd.oct.profile+json',
  /** Text: why the scenario does not apply to this turret, e.g. "legacy turret". */
  notApplicable: 'application/vnd.oct.not-applicable+text',
  /** Text: why the kit could not test the scenario, e.g. an optional fixture that is not given. */
  notTested: 'application/vnd.oct.not-tested+text',
} as const;

/** The clauses a failure's evidence names: `(spec 4.3.1)` or `(spec 4.3.1, 6.1)` at its start. */
export function evidenceClauses(evidence: string): string[] {
  const m = /^\(spec ([0-9]+(?:\.[0-9]+)*(?:, [0-9]+(?:\.[0-9]+)*)*)\)/.exec(evidence.trim());
  return m ? m[1]!.split(', ') : [];
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
   * passed; failed; not-applicable (an extension the turret does not advertise, or a 1.x rule and
   * a legacy turret); not-tested (an extension the kit was not told to test, e.g. curve without
   * --curve); kit-error (the kit itself failed: nothing is judged); listed (dry run).
   */
  status: 'passed' | 'failed' | 'not-applicable' | 'not-tested' | 'kit-error' | 'listed';
  /** Why a not-applicable scenario does not apply, when it is not an unadvertised extension. */
  notApplicable?: string;
  /** Why a not-tested scenario was not tested, when it is not its level's reason. */
  notTested?: string;
  failure?: {
    step: string;
    evidence: string;
    transcript?: string;
    /**
     * The clauses the evidence names: the failure counts against them. The scenario's other
     * clauses are blocked by them (not judged), unless the failure came after the scenario's own
     * steps (a check of the whole exchange, run once the steps passed).
     */
    clauses: string[];
    /** The failure came from the check run after the scenario's steps. */
    afterSteps: boolean;
  };
  /** How long the scenario took. */
  durationMs: number;
}

/** One clause's outcome over its scenarios. */
export interface ClauseVerdict {
  clause: string;
  level: string;
  /**
   * failed: a failure's evidence names it; blocked: a scenario of it could not get far enough
   * because another clause failed first (`blockedBy`); kit-error: the kit failed, nothing judged.
   */
  status: 'met' | 'failed' | 'blocked' | 'kit-error' | 'not-applicable' | 'not-tested' | 'listed';
  scenarios: string[];
  /** For blocked: the clauses whose failure stopped its scenarios. */
  blockedBy?: string[];
  /** E.g. "legacy turret" for a clause (or part of one) that applies to protocol 1.x turrets only. */
  notApplicable?: string;
}

/** What runConformance returns. */
export interface Verdict {
  /** True when no selected scenario failed or met a kit error (and at least one ran). */
  passed: boolean;
  /**
   * The profile the turret was judged by: `protocol-1.x`, or `legacy` for a turret that never
   * advertised protocol 1.x (no `protocol` in any status): 1.x-only rules do not apply to it.
   */
  profile: 'protocol-1.x' | 'legacy';
  /** Scenarios in which the kit itself failed (not the turret's fault). */
  kitErrors: number;
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
  const notes = new Map<string, { mediaType: string; body: string }[]>();
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
      const id = e.attachment.testCaseStartedId;
      const mediaType = e.attachment.mediaType ?? 'text/plain';
      if (Object.values(NOTE_MEDIA).includes(mediaType as (typeof NOTE_MEDIA)[keyof typeof NOTE_MEDIA])) {
        notes.set(id, [...(notes.get(id) ?? []), { mediaType, body: e.attachment.body }]);
      } else attachments.set(id, [...(attachments.get(id) ?? []), e.attachment.body]);
    }
  }
  const scenarios: ScenarioVerdict[] = [];
  let saw1x = false;
  let sawProfile = false;
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
    const scenarioNotes = notes.get(startedId) ?? [];
    for (const n of scenarioNotes.filter((x) => x.mediaType === NOTE_MEDIA.profile)) {
      sawProfile = true;
      if ((JSON.parse(n.body) as { advertised1x?: boolean }).advertised1x) saw1x = true;
    }
    const notApplicable = scenarioNotes.find((x) => x.mediaType === NOTE_MEDIA.notApplicable)?.body;
    const notTested = scenarioNotes.find((x) => x.mediaType === NOTE_MEDIA.notTested)?.body;
    const failed = results.find((r) => r.status !== 'PASSED' && r.status !== 'SKIPPED');
    let status: ScenarioVerdict['status'] = 'passed';
    let failure: ScenarioVerdict['failure'];
    if (ctx.dryRun) status = 'listed';
    else if (failed) {
      const testStep = testCase.testSteps.find((s) => s.id === failed.stepId);
      const step = pickle.steps.find((s) => s.id === testStep?.pickleStepId)?.text;
      const afterSteps = step === undefined && testCase.testSteps.indexOf(testStep!) > 0;
      const evidence = (
        failed.status === 'FAILED'
          ? (failed.message ?? 'failed')
          : `step is ${failed.status.toLowerCase()} (a kit defect)`
      ).trim();
      const named = evidenceClauses(evidence);
      // A failure that names no clause is an exception in the kit itself, never the turret's fault.
      status = named.length > 0 ? 'failed' : 'kit-error';
      failure = {
        step: step ?? (afterSteps ? 'the checks of the whole exchange, after the steps' : '(a hook)'),
        evidence: status === 'kit-error' ? `kit error (not a verdict on the turret): ${evidence}` : evidence,
        transcript: attachments.get(startedId)?.join('\n'),
        clauses: named,
        afterSteps,
      };
    } else if (results.some((r) => r.status === 'SKIPPED'))
      status = ctx.notTested?.[level] || notTested ? 'not-tested' : 'not-applicable';
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
      ...(notApplicable ? { notApplicable } : {}),
      ...(status === 'not-tested' && notTested ? { notTested } : {}),
      failure,
      durationMs: (times.get(startedId)?.[1] ?? 0) - (times.get(startedId)?.[0] ?? 0),
    });
  }
  const clauses = foldClauses(scenarios);
  const ran = scenarios.filter((s) => s.status === 'passed' || s.status === 'failed').length;
  const kitErrors = scenarios.filter((s) => s.status === 'kit-error').length;
  const passed =
    !ctx.dryRun && ran > 0 && scenarios.every((s) => s.status !== 'failed' && s.status !== 'kit-error');
  const profile = sawProfile && !saw1x ? 'legacy' : 'protocol-1.x';
  const { notTested = {}, ...shown } = ctx;
  const verdict: Verdict = {
    passed,
    profile,
    kitErrors,
    ...shown,
    scenarios,
    clauses,
    markdown: '',
    text: '',
  };
  verdict.markdown = renderMarkdown(verdict, ctx.dryRun, notTested);
  verdict.text = renderText(verdict, ctx.dryRun, notTested);
  return verdict;
}

/** Clause outcomes, worst first: a clause takes the worst outcome of its scenarios. */
const RANK: ClauseVerdict['status'][] = [
  'failed',
  'blocked',
  'kit-error',
  'met',
  'not-applicable',
  'not-tested',
  'listed',
];

function foldClauses(scenarios: ScenarioVerdict[]): ClauseVerdict[] {
  const map = new Map<string, ClauseVerdict>();
  const levels = new Map<string, string>();
  for (const s of scenarios) for (const c of s.clauses) if (!levels.has(c)) levels.set(c, s.level);
  const mark = (
    clause: string,
    scenario: ScenarioVerdict,
    status: ClauseVerdict['status'],
    blockedBy: string[] = [],
  ): void => {
    const known = map.get(clause);
    const v = known ?? { clause, level: levels.get(clause) ?? scenario.level, status, scenarios: [] };
    if (!v.scenarios.includes(scenario.name)) v.scenarios.push(scenario.name);
    if (known && RANK.indexOf(status) < RANK.indexOf(v.status)) v.status = status;
    if (status === 'blocked')
      v.blockedBy = [...new Set([...(v.blockedBy ?? []), ...blockedBy])].sort(compareClauses);
    if (scenario.notApplicable && (status === 'met' || status === 'not-applicable'))
      v.notApplicable = scenario.notApplicable;
    map.set(clause, v);
  };
  for (const s of scenarios) {
    if (s.status === 'failed' && s.failure) {
      const named = s.failure.clauses;
      // The failure counts against the clauses its evidence names...
      for (const c of named) mark(c, s, 'failed');
      // ...and the scenario's other clauses could not be judged, unless all its steps had passed.
      for (const c of s.clauses.filter((x) => !named.includes(x)))
        mark(c, s, s.failure.afterSteps ? 'met' : 'blocked', named);
    } else {
      const status: ClauseVerdict['status'] =
        s.status === 'passed'
          ? 'met'
          : s.status === 'kit-error'
            ? 'kit-error'
            : (s.status as ClauseVerdict['status']);
      for (const c of s.clauses) mark(c, s, status);
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
  blocked: 'blocked',
  'kit-error': 'KIT ERROR (not judged)',
  'not-applicable': 'not applicable',
  'not-tested': 'not tested',
  listed: 'selected',
} as const;

/** A clause's verdict in words: "blocked by 5.3", "not applicable (legacy turret)". */
function label(c: ClauseVerdict): string {
  if (c.status === 'blocked') return `blocked by ${c.blockedBy?.join(', ') ?? '?'}`;
  if (c.status === 'not-applicable' && c.notApplicable) return `not applicable (${c.notApplicable})`;
  if (c.status === 'met' && c.notApplicable) return `met (in part not applicable: ${c.notApplicable})`;
  return LABEL[c.status];
}

function headline(v: Verdict, dryRun: boolean): string {
  if (dryRun) return `DRY RUN: ${v.scenarios.length} scenario(s) selected`;
  const count = (s: ScenarioVerdict['status']): number => v.scenarios.filter((x) => x.status === s).length;
  const untested = count('not-tested') > 0 ? `, ${count('not-tested')} not tested` : '';
  const kit = v.kitErrors > 0 ? `, ${v.kitErrors} KIT ERROR(S) (not judged)` : '';
  const word = v.passed ? 'PASS' : count('failed') === 0 && v.kitErrors > 0 ? 'KIT ERROR' : 'FAIL';
  // A scenario whose failure names none of its own clauses was blocked by that other clause.
  const blocked = v.scenarios.filter(
    (s) => s.failure && s.status === 'failed' && !s.failure.clauses.some((c) => s.clauses.includes(c)),
  ).length;
  const failed = `${count('failed')} failed${blocked > 0 ? ` (${blocked} of them blocked by another clause's failure)` : ''}`;
  return `${word}: ${count('passed')} passed, ${failed}, ${count('not-applicable')} not applicable${untested}${kit}, of ${v.scenarios.length} scenario(s) in ${(v.durationMs / 1000).toFixed(1)} s`;
}

/** The profile line at the top, for a legacy turret. */
function profileLines(v: Verdict): string[] {
  if (v.profile !== 'legacy') return [];
  return [
    'Judged as a LEGACY turret: it never advertised protocol 1.x (no `protocol` in any status), so the rules for protocol 1.x turrets (5.3: `turret_name` and `uuid` in results; 8.2) are not applicable.',
  ];
}

/** The clause(s) a failed scenario is counted against, and those it blocked. */
function failureTitle(s: ScenarioVerdict): string {
  const named = s.failure!.clauses;
  const blocked = s.failure!.afterSteps ? [] : s.clauses.filter((c) => !named.includes(c));
  const spec = named.length > 0 ? named.join(', ') : s.clauses.join(', ');
  return `(spec ${spec}) ${s.level.toUpperCase()}: ${s.name}${blocked.length > 0 ? ` [blocks ${blocked.join(', ')}]` : ''}`;
}

/** One line per level the kit skipped on purpose: "<level> not tested: <why>". */
function untestedLevels(v: Verdict, notTested: Record<string, string>): string[] {
  const untested = v.scenarios.filter((s) => s.status === 'not-tested');
  const levels = new Set(untested.filter((s) => !s.notTested).map((s) => s.level));
  const reasons = new Set(untested.map((s) => s.notTested).filter((r): r is string => r !== undefined));
  return [
    ...[...levels].map((level) => `${level} not tested: ${notTested[level] ?? 'not selected'}`),
    ...[...reasons].map((why) => `not tested: ${why}`),
  ];
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
    ...profileLines(v).map((l) => `- **${l}**`),
    '',
    '## Clauses',
    '',
    '| Clause | Level | Verdict | Scenarios |',
    '| --- | --- | --- | --- |',
    ...v.clauses.map(
      (c) => `| ${c.clause} | ${c.level.toUpperCase()} | ${label(c)} | ${c.scenarios.join('; ')} |`,
    ),
  ];
  const failures = v.scenarios.filter((s) => s.failure);
  if (failures.length > 0) out.push('', '## Failures');
  for (const s of failures) {
    out.push(
      '',
      `### ${failureTitle(s)}`,
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
      'These scenarios did not run: the turret does not advertise their extension (spec 8.3), or they check a rule of protocol 1.x turrets and the turret is a legacy one:',
      '',
    );
    for (const s of na) out.push(`- ${s.name} (${s.notApplicable ?? s.level})`);
  }
  const nt = v.scenarios.filter((s) => s.status === 'not-tested');
  if (nt.length > 0) {
    out.push('', '## Not tested', '', ...untestedLevels(v, notTested), '');
    for (const s of nt) out.push(`- ${s.name} (${s.notTested ?? s.level})`);
  }
  out.push(
    '',
    '"Passes" means: every selected scenario passed, or is an extension the turret does not advertise, or a rule of protocol 1.x turrets and the turret a legacy one; ' +
      'a failure counts against the clause its evidence names, and the other clauses of its scenario are blocked by it (not judged); ' +
      'a kit error judges nothing; ' +
      'scenarios not tested certify nothing. ' +
      'Times are measured by the kit at its sockets, with the slack added to each bound.',
    '',
  );
  return out.join('\n');
}

function renderText(v: Verdict, dryRun: boolean, notTested: Record<string, string>): string {
  const out: string[] = [
    headline(v, dryRun),
    ...profileLines(v),
    `turret: ${v.turret}`,
    ...untestedLevels(v, notTested),
    '',
  ];
  for (const c of v.clauses)
    out.push(
      `  ${c.status === 'failed' || c.status === 'kit-error' ? '✘' : c.status === 'met' ? '✔' : '-'} ${c.clause.padEnd(7)} ${c.level.toUpperCase().padEnd(14)} ${label(c)}`,
    );
  for (const s of v.scenarios.filter((x) => x.failure)) {
    out.push(
      '',
      `✘ ${failureTitle(s)}`,
      ...s.quote.split('\n').map((l) => `  ${l}`),
      `  failed step: ${s.failure!.step}`,
      ...s.failure!.evidence.split('\n').map((l) => `    ${l}`),
    );
  }
  return out.join('\n');
}
