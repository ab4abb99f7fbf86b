/**
 * `oct run <project> [-r dir | -o dir] [-p topic] [--no-results] [--local]`: check the project, bind,
 * wait for min_turrets, fire for run_time, stop, drain, store, report (unless --no-results). Ctrl-C
 * stops the turrets by protocol, keeps every result received and still writes the report (exit 130);
 * a second Ctrl-C cuts the drain short.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  HqError,
  isPgUri,
  loadProject,
  maskUri,
  newResultsDir,
  startRun,
  type HqRun,
  type RunSummary,
  type TurretView,
} from '@oct/hq';
import type { RunSummary as ReportSummary } from '@oct/reporter';
import { EXIT } from './errors.js';
import type { Io } from './io.js';
import { LocalTurrets } from './local.js';
import { progressView } from './progress.js';
import { endSummaryLines, verdictLines } from './end-summary.js';
import { writeJunit } from './junit.js';
import { applyOverrides, type Override } from './overrides.js';
import { clockWarnings, isStorageError, reportRun } from './report.js';

export interface RunCommandOptions {
  /** Parent of the `results_<timestamp>` directory (default `<project>/results`). */
  results?: string;
  /** The run's results directory itself (OCT's `-o`); exclusive with `results`. */
  outputDir?: string;
  /** The external publisher's topic (OCT's `-p`); default a random hex uuid. */
  publisherChannel?: string;
  /** Build no report.html / summary.json at the end (OCT's `--no-results`). */
  noReport?: boolean;
  /** Command-line overrides of config.json (--run-time, --canons, --min-turrets, --set), in order. */
  overrides?: Override[];
  /** Write the thresholds' verdicts as a JUnit XML file here. */
  junit?: string;
  /** Spawn the project's turrets as local child processes. */
  local?: boolean;
  /** Seconds to wait for min_turrets (default 60). */
  waitTimeout?: number;
  /** Seconds without an answer before a turret is marked lost (default 5). */
  lostAfter?: number;
  env?: NodeJS.ProcessEnv;
  /** Handle SIGINT/SIGTERM (default true; off when driven in-process by tests). */
  handleSignals?: boolean;
}

function describeTurret(t: TurretView): string {
  const proto = t.protocol
    ? `protocol ${t.protocol}${t.capabilities.length ? ` [${t.capabilities.join(',')}]` : ''}`
    : 'legacy';
  return `${t.name} (${t.uuid}) canons ${t.canons}, ${proto}`;
}

/** Runs a project; resolves to the process exit code. */
export async function runCommand(projectDir: string, options: RunCommandOptions, io: Io): Promise<number> {
  const loaded = loadProject(projectDir);
  if (!loaded.ok) {
    for (const e of loaded.errors) io.err(e);
    return EXIT.usage;
  }
  const overridden = applyOverrides(loaded.project, options.overrides ?? []);
  if (!overridden.ok) {
    for (const e of overridden.errors) io.err(e);
    return EXIT.usage;
  }
  const project = overridden.project;
  for (const w of project.warnings) io.err(w);
  const cfg = project.config;
  if (options.local && cfg.min_turrets > project.turrets.length) {
    io.err(
      `${project.configPath}: config.min_turrets is ${cfg.min_turrets} but the project has ${project.turrets.length} turret(s): a --local run could never start`,
    );
    return EXIT.usage;
  }
  let resultsDir: string | undefined;
  if (options.outputDir !== undefined) {
    resultsDir = resolve(options.outputDir);
    // One run per results directory: a report reads the whole results file.
    if (cfg.results_database.db_uri === 'default' && existsSync(join(resultsDir, 'results.sqlite'))) {
      io.err(
        `oct run: -o ${options.outputDir}: that directory already holds a results.sqlite (an earlier run); name a new directory`,
      );
      return EXIT.usage;
    }
  } else if (options.results) resultsDir = newResultsDir(options.results);
  if (options.publisherChannel !== undefined && cfg.external_publisher === false)
    io.err(
      `WARNING: -p/--publisher-channel ${options.publisherChannel}: ${project.configPath} has no external_publisher, so nothing is published`,
    );
  const waitTimeout = options.waitTimeout ?? 60;
  const controller = new AbortController();
  let run: HqRun;
  try {
    run = await startRun({
      projectDir: project.dir,
      project,
      resultsDir,
      ...(options.publisherChannel !== undefined ? { publisherChannel: options.publisherChannel } : {}),
      signal: controller.signal,
      ephemeralPorts: options.local ?? false,
      joinTimeoutMs: waitTimeout * 1000,
      lostAfterMs: (options.lostAfter ?? 5) * 1000,
      // A bar can move smoothly; plain lines stay at one a second.
      progressIntervalMs: cfg.progress_bar && io.isTTY ? 250 : 1000,
    });
  } catch (e) {
    if (e instanceof HqError) {
      io.err(e.message);
      return e.exitCode;
    }
    throw e;
  }

  const view = progressView(io, cfg.progress_bar);
  const log = (line: string): void => view.log(line);
  run.on('log', log);
  run.on('progress', (p) => view.update(p));
  run.on('turret', (e) => {
    if (e.kind === 'joined') log(`turret joined: ${describeTurret(e.turret)}, ${e.turret.status}`);
    else if (e.kind === 'lost') log(`turret lost: ${e.turret.name} (${e.turret.uuid}) stopped answering`);
    else if (e.kind === 'started_late')
      log(`turret ${e.turret.name} became ready after the start: sent start`);
    else if (e.turret.status === 'aborted' || e.turret.status === 'killed') {
      log(
        `turret ${e.turret.status}: ${e.turret.name} (${e.turret.uuid})${e.turret.reason ? `: ${e.turret.reason}` : ''}`,
      );
    }
  });
  run.on('phase', (phase) => {
    if (phase === 'running') log(`running for ${cfg.run_time} s`);
    else if (phase === 'draining') log('stopping: waiting for the last results');
  });

  let local: LocalTurrets | null = null;
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts === 1) {
      log(
        'interrupted: stopping the turrets and keeping the results received (Ctrl-C again to stop waiting)',
      );
      controller.abort();
    } else if (interrupts === 2) {
      run.stop('interrupted');
    } else {
      local?.killNow();
      process.exit(EXIT.interrupted);
    }
  };
  if (options.handleSignals ?? true) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  let summary: RunSummary;
  try {
    if (run.externalEndpoint)
      log(`external publisher on ${run.externalEndpoint}, topic ${run.publisherChannel}`);
    log(
      `HQ listening: commands on ${run.publishEndpoint}, results on ${run.rcEndpoint}; waiting for ${cfg.min_turrets} turret(s) (up to ${waitTimeout} s)`,
    );
    if (options.local) {
      local = new LocalTurrets({
        turrets: project.turrets,
        projectDir: project.dir,
        hqAddress: cfg.hq_address,
        publishPort: run.publishPort,
        rcPort: run.rcPort,
        log,
        env: options.env,
        keysDir: cfg.security.curve === true ? resolve(project.dir, cfg.security.keys ?? 'keys') : null,
      });
      local.spawnAll();
      const children = local;
      // Fail fast: if every child exits before the start, nothing will ever join.
      void children.allExited().then(() => {
        if (run.phase === 'waiting')
          run.stop('no_turrets', 'every local turret exited before the run started (see their output above)');
      });
    }
    summary = await run.done;
  } catch (e) {
    run.stop('interrupted', (e as Error).message);
    await run.done;
    throw e;
  } finally {
    view.stop();
    if (local) await local.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  printSummary(summary, io);
  const end = (code: number, report: ReportSummary | null): number =>
    endOfRun(summary, report, code, project.name, options, io);
  if (summary.startedAt === null) return end(summary.exitCode, null);
  if (options.noReport) {
    io.out(
      isPgUri(summary.dbPath)
        ? `report: not built (--no-results); oct rebuild-results <dir> --db <url> --run ${summary.runId} builds it`
        : `report: not built (--no-results); oct rebuild-results ${summary.resultsDir} builds it`,
    );
    return end(summary.exitCode, null);
  }
  const report = await reportRun(summary, cfg.results_ts_interval, {
    value: cfg.thresholds,
    source: project.configPath,
  });
  if (report.summary) for (const line of clockWarnings(report.summary)) io.err(line);
  if (report.summaryPath === null) {
    // Not even the HQ's summary fits: one line, and the way to get the report once there is room.
    io.err(
      `oct: report not written (${report.error}), nor summary.json; once there is room, \`oct rebuild-results ${summary.resultsDir}\` writes them`,
    );
    return end(report.storage ? EXIT.storage : EXIT.failure, null);
  }
  if (report.error)
    io.err(`WARNING: report not written by @oct/reporter (${report.error}); HQ summary written instead`);
  if (report.htmlPath) io.out(`report:  ${report.htmlPath}`);
  io.out(`summary: ${report.summaryPath}`);
  return end(report.storage ? EXIT.storage : summary.exitCode, report.summary);
}

/**
 * The end of `oct run`: the end summary (the reporter's figures; the HQ's verdicts when the reporter
 * did not run), the JUnit file (--junit), and the exit code: a completed run whose thresholds did not
 * all pass exits EXIT.thresholdsFailed. The reporter's verdicts (those of summary.json) decide.
 */
function endOfRun(
  summary: RunSummary,
  report: ReportSummary | null,
  code: number,
  project: string,
  options: RunCommandOptions,
  io: Io,
): number {
  const verdicts = report?.thresholds ?? summary.thresholds;
  const colour = io.isTTY && !process.env.NO_COLOR;
  const lines = report ? endSummaryLines(report, colour) : verdictLines(verdicts, colour);
  if (lines.length > 0) {
    io.out('');
    for (const line of lines) io.out(line);
  }
  let exit = code;
  if (summary.outcome === 'completed' && code === summary.exitCode)
    exit = verdicts.some((v) => !v.passed) ? EXIT.thresholdsFailed : EXIT.ok;
  if (options.junit !== undefined) {
    try {
      writeJunit(resolve(options.junit), {
        project,
        outcome: summary.outcome,
        message: summary.message,
        duration:
          summary.startedAt !== null ? (summary.stoppedAt ?? summary.finishedAt) - summary.startedAt : 0,
        startedAt: summary.startedAt,
        verdicts,
      });
      io.out(`junit:   ${options.junit}`);
    } catch (e) {
      io.err(`oct: ${(e as Error).message}`);
      if (exit === EXIT.ok) exit = isStorageError(e) ? EXIT.storage : EXIT.usage;
    }
  }
  return exit;
}

function printSummary(s: RunSummary, io: Io): void {
  const secs =
    s.startedAt !== null && s.stoppedAt !== null ? ` in ${(s.stoppedAt - s.startedAt).toFixed(1)} s` : '';
  const rate = s.transactions ? ` (${((s.errors / s.transactions) * 100).toFixed(2)}% errors)` : '';
  io.out(`run ${s.outcome.replace(/_/g, ' ')}: ${s.message}`);
  io.out(`transactions: ${s.transactions}, errors: ${s.errors}${rate}${secs}`);
  if (s.notStored)
    io.err(
      `WARNING: ${s.notStored} results received but not stored (the results file refused them); the counts here are the results in the file`,
    );
  if (s.setupFailures)
    io.err(
      `WARNING: ${s.setupFailures} failed setup(s): counted apart, not as transactions nor in any statistic (their messages are in the report)`,
    );
  for (const t of s.turrets) {
    const sent = t.resultsSent !== null ? `, sent ${t.resultsSent}` : '';
    const abandoned = t.canonsAbandoned ? `, ${t.canonsAbandoned} canon(s) abandoned at the stop` : '';
    io.out(`  ${t.name} (${t.uuid}) ${t.status}: stored ${t.resultsStored}${sent}${abandoned}`);
  }
  const abandoned = s.turrets.reduce((n, t) => n + (t.canonsAbandoned ?? 0), 0);
  if (abandoned)
    io.err(
      `WARNING: ${abandoned} canon(s) abandoned after the stop grace time: their transactions were still running and have no result (see transaction_timeout)`,
    );
  if (s.unattributed) io.out(`  unattributed (legacy turrets): ${s.unattributed}`);
  for (const m of s.missing)
    io.err(
      `WARNING: ${m.name} (${m.uuid}) sent ${m.sent} results, ${m.stored} stored: ${m.sent - m.stored} missing`,
    );
  for (const m of s.surplus)
    io.err(
      `WARNING: ${m.name} (${m.uuid}) sent ${m.sent} results, ${m.stored} stored in its name: ${m.stored - m.sent} came from elsewhere (forged, spec 7.5) or its count is wrong`,
    );
  if (s.quarantined)
    io.err(
      `WARNING: ${s.quarantined} result(s) kept aside in the quarantine table: they named a turret no status announced, or not the name their uuid announced (spec 7.3); counted as no turret's`,
    );
  if (s.rejects) io.err(`WARNING: ${s.rejects} invalid frame(s) received, kept in the reject table`);
  if (s.curve)
    io.out(
      `CURVE: ${s.curve.keys.length} authorised key(s) connected: ${s.curve.keys.map((k) => `${k.name} (${k.addresses.join(', ')})`).join(', ') || 'none'}`,
    );
  io.out(
    isPgUri(s.dbPath)
      ? `results: ${maskUri(s.dbPath)}, run ${s.runId} (oct rebuild-results <dir> --db <url> --run ${s.runId})`
      : `results: ${s.dbPath}`,
  );
}
