/**
 * Reference transcripts (spec/transcripts/): the frames exchanged between an HQ and the reference
 * turret, started as a real process, in each conformance flow, normalised so that a run on any
 * machine gives the same bytes. The HQ side is played here with zeromq directly:
 *
 * ```
 * XPUB (this HQ) -- " {command}" -->  turret SUB   (the XPUB shows when the turret has subscribed)
 * PULL (this HQ) <-- status/result --  turret PUSH
 * ```
 *
 * What is normalised (the README of spec/transcripts says the same, for readers):
 * - volatile values become placeholders: the turret's `uuid` (also as a direct order's topic) `<uuid>`,
 *   `run_id` `<run_id>`, `epoch` `<epoch>`, `elapsed` `<elapsed>`, `scriptrun_time`
 *   `<scriptrun_time>`, each `custom_timers` value `<seconds>`, `results_sent` `<results_sent>`,
 *   `reason` `<reason>`;
 * - results: only the first RESULTS_KEPT single results after each `start` are kept, or the first
 *   batch, cut to its first result; later results are left out, since how many arrive (and how many
 *   a batch holds) depends on timing;
 * - the periodic `ready` of spec 6.2: consecutive equal `ready` statuses are shown once, and a `ready`
 *   equal to the last status before a command, arriving before that command's answer, is left out
 *   (it was sent before the turret read the command).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { decodeTurretFrame } from '@oct/protocol';
import * as zmq from 'zeromq';

export const repoDir = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const transcriptsDir = join(repoDir, 'spec', 'transcripts');
const turretBin = join(repoDir, 'packages', 'turret', 'dist', 'bin.js');
const fixturesDir = join(repoDir, 'conformance', 'fixtures', 'reference');

/** Results kept after each start (the rest depend on timing). */
export const RESULTS_KEPT = 2;
/** How long any one expected frame may take (generous: a loaded 2-core machine). */
const WAIT_MS = 20_000;

/** The placeholders, by field: what a transcript's reader must treat as "any value". */
export const PLACEHOLDERS: Readonly<Record<string, string>> = {
  uuid: "the turret's uuid, chosen at each start of its process (spec 3.1); also the topic of a direct order",
  run_id: "the HQ run's identity (session, spec 8.8), a fresh UUID per run",
  epoch: 'wall-clock seconds when the transaction began (spec 5.7)',
  elapsed: 'seconds since the start when the transaction began (spec 5.7)',
  scriptrun_time: 'how long the transaction ran, in seconds (spec 5.7)',
  custom_timers: 'each timer value, in seconds (spec 5.4); the names are kept',
  results_sent: 'the number of results sent since the start (accounting, spec 8.6): depends on timing',
  reason: "why the turret aborted (spec 7.2): the reference turret's text names local paths",
};

export type Line =
  | { direction: 'hq->turret'; frame: string }
  | { direction: 'turret->hq'; json: unknown }
  | { direction: 'turret->hq'; protobuf: unknown }
  | { event: 'exit'; code: number | null };

interface Received {
  raw: Buffer;
  status?: string;
  results: number;
}

/** One HQ with one turret process, recording every frame both ways. */
class Exchange {
  readonly pub = new zmq.XPublisher({ linger: 0 });
  readonly pull = new zmq.Pull({ linger: 0 });
  /** Every frame, in the order this HQ sent or received it. */
  readonly log: ({ sent: string } | { received: Received } | { exit: number | null })[] = [];
  private wake: (() => void) | null = null;
  private subscribed = false;
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> | null = null;
  stderr = '';

  async bind(): Promise<{ pub: number; pull: number }> {
    await this.pub.bind('tcp://127.0.0.1:*');
    await this.pull.bind('tcp://127.0.0.1:*');
    void this.readPull();
    void this.readSubscriptions();
    const port = (s: zmq.Socket): number => Number(/:(\d+)$/.exec(s.lastEndpoint!)![1]);
    return { pub: port(this.pub), pull: port(this.pull) };
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async readPull(): Promise<void> {
    try {
      for await (const [frame] of this.pull) {
        const decoded = decodeTurretFrame(frame!);
        if (!decoded.ok)
          throw new Error(`the reference turret sent a frame that does not decode: ${decoded.error.message}`);
        const m = decoded.value;
        this.log.push({
          received: {
            raw: frame!,
            status: m.kind === 'status' ? m.status.status : undefined,
            results: m.kind === 'result' ? 1 : m.kind === 'batch' ? m.results.length : 0,
          },
        });
        this.notify();
      }
    } catch (e) {
      if (!this.pull.closed) throw e;
    }
  }

  private async readSubscriptions(): Promise<void> {
    try {
      for await (const [msg] of this.pub) {
        if (msg![0] === 1) {
          this.subscribed = true;
          this.notify();
        }
      }
    } catch {
      // closed
    }
  }

  /** Resolves when `ready()` holds, re-checked at each frame; fails after WAIT_MS naming `what`. */
  async until(what: string, ready: () => boolean): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!ready()) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `transcript: timed out waiting for ${what} (${this.log.length} frames logged); turret stderr:\n${this.stderr}`,
        );
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  }

  /** The index just past the last frame logged so far. */
  mark(): number {
    return this.log.length;
  }

  /** Waits for a status `status` received after `from`. */
  async status(status: string, from: number): Promise<void> {
    await this.until(`a "${status}" status`, () =>
      this.log.slice(from).some((e) => 'received' in e && e.received.status === status),
    );
  }

  /** Waits for `n` results received after `from`. */
  async results(n: number, from: number): Promise<void> {
    await this.until(`${n} results`, () => {
      let count = 0;
      for (const e of this.log.slice(from)) if ('received' in e) count += e.received.results;
      return count >= n;
    });
  }

  async send(body: Record<string, unknown>, topic = ''): Promise<number> {
    const frame = `${topic} ${JSON.stringify(body)}`;
    this.log.push({ sent: frame });
    await this.pub.send(frame);
    return this.mark() - 1;
  }

  /** Starts the turret process with this config, then waits for its SUB's subscription and `ready`. */
  async launch(configFile: string, expectReady = true): Promise<void> {
    const child = spawn(process.execPath, [turretBin, 'start', '--config', configFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((r) =>
      child.on('exit', (code) => {
        this.log.push({ exit: code });
        this.notify();
        r(code);
      }),
    );
    if (!expectReady) return;
    await this.status('ready', 0);
    await this.until('the turret to subscribe', () => this.subscribed);
  }

  async exit(): Promise<number | null> {
    return this.exited!;
  }

  async close(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await this.exited;
    }
    this.pub.close();
    this.pull.close();
  }
}

/** A flow: what the HQ does, given an exchange with a ready turret. */
export interface Flow {
  name: string;
  description: string;
  fixture: 'succeed_with_timer' | 'slow' | 'fail_to_load';
  canons: number;
  /** The HQ's part; returns after the last frame to record. */
  play(x: Exchange, runId: string): Promise<void>;
  /** Records the exit of the turret process (kill, abort). */
  recordsExit?: boolean;
}

const advertise = (capabilities: string[], runId?: string): Record<string, unknown> => ({
  command: 'status_request',
  msg: { protocol: '1.0', capabilities, ...(runId ? { run_id: runId } : {}) },
});

/** start, RESULTS_KEPT results, stop, ready: the heart of most flows. */
async function fire(
  x: Exchange,
  start: Record<string, unknown> = { command: 'start', msg: 'open fire' },
): Promise<void> {
  const started = await x.send(start);
  await x.status('running', started);
  await x.results(RESULTS_KEPT, started);
  const stopped = await x.send({ command: 'stop', msg: 'premature stop' });
  await x.status('ready', stopped);
}

async function ask(x: Exchange, body: Record<string, unknown>): Promise<void> {
  const at = await x.send(body);
  await x.until('an answer to status_request', () =>
    x.log.slice(at).some((e) => 'received' in e && e.received.status !== undefined),
  );
}

export const FLOWS: Flow[] = [
  {
    name: 'start-stop',
    description:
      'An HQ that advertises nothing (msg null, as OCT 0.4): status_request, set_transaction_context, start, results, stop, ready again (spec 4.1, 4.2, 4.3, 4.3.1, 4.5, 6.1).',
    fixture: 'succeed_with_timer',
    canons: 2,
    async play(x) {
      await ask(x, { command: 'status_request', msg: null });
      const ctx = await x.send({ command: 'set_transaction_context', msg: {} });
      await x.status('ready', ctx + 1);
      await fire(x);
    },
  },
  {
    name: 'kill-ready',
    description: 'kill while ready: a killed status, then the process exits (spec 4.4).',
    fixture: 'succeed_with_timer',
    canons: 1,
    recordsExit: true,
    async play(x) {
      await x.send({ command: 'kill', msg: null });
      await x.exit();
    },
  },
  {
    name: 'kill-running',
    description:
      'kill while running: a killed status, then the process exits; results not yet sent are dropped (spec 4.4).',
    fixture: 'succeed_with_timer',
    canons: 2,
    recordsExit: true,
    async play(x) {
      const started = await x.send({ command: 'start', msg: 'open fire' });
      await x.results(RESULTS_KEPT, started);
      await x.send({ command: 'kill', msg: null });
      await x.exit();
    },
  },
  {
    name: 'status-request-states',
    description:
      'status_request while ready, running, while the canons finish their transaction after a stop (still "running", no results_sent), and ready again; the slow fixture (1 s per transaction) (spec 4.1, 4.3, 4.3.1).',
    fixture: 'slow',
    canons: 2,
    async play(x) {
      await ask(x, { command: 'status_request', msg: null });
      const started = await x.send({ command: 'start', msg: 'open fire' });
      await x.results(RESULTS_KEPT, started);
      await ask(x, { command: 'status_request', msg: null });
      const stopped = await x.send({ command: 'stop', msg: 'premature stop' });
      await x.status('running', stopped);
      const asked = await x.send({ command: 'status_request', msg: null });
      await x.status('ready', asked);
      await ask(x, { command: 'status_request', msg: null });
    },
  },
  {
    name: 'negotiation-batch',
    description:
      'The HQ advertises batch: the turret sends result batches (spec 8.2, 8.3, 8.4). The results of a batch past the first kept are cut.',
    fixture: 'succeed_with_timer',
    canons: 2,
    async play(x) {
      await ask(x, advertise(['batch']));
      await fire(x);
    },
  },
  {
    name: 'negotiation-protobuf',
    description:
      'The HQ advertises batch and protobuf: result batches travel as tagged protobuf frames, shown decoded (spec 3.3, 8.5).',
    fixture: 'succeed_with_timer',
    canons: 2,
    async play(x) {
      await ask(x, advertise(['batch', 'protobuf']));
      await fire(x);
    },
  },
  {
    name: 'negotiation-accounting',
    description:
      'The HQ advertises accounting: results carry seq from 0, and the status after the stop carries results_sent (spec 8.6).',
    fixture: 'succeed_with_timer',
    canons: 2,
    async play(x) {
      await ask(x, advertise(['accounting']));
      await fire(x);
    },
  },
  {
    name: 'negotiation-session',
    description:
      'The HQ advertises session with its run_id and puts it in start: every status from the start on names it (spec 8.8, 8.9).',
    fixture: 'succeed_with_timer',
    canons: 2,
    async play(x, runId) {
      await ask(x, advertise(['session'], runId));
      await fire(x, { command: 'start', msg: 'open fire', run_id: runId });
    },
  },
  {
    name: 'abort',
    description:
      'A script that cannot be loaded: initialized, then aborted with a reason, then a non-zero exit (spec 7.2, 10.5).',
    fixture: 'fail_to_load',
    canons: 1,
    recordsExit: true,
    async play(x) {
      await x.exit();
    },
  },
];

/** Replaces the volatile values of a turret message or command body by their placeholders. */
function normalise(value: unknown, uuid: string | null, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => normalise(v, uuid));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (key === 'custom_timers') out[k] = '<seconds>';
      else if (k in PLACEHOLDERS && k !== 'custom_timers' && v !== null) out[k] = `<${k}>`;
      else out[k] = normalise(v, uuid, k);
    }
    return out;
  }
  if (typeof value === 'string' && uuid !== null && value === uuid) return '<uuid>';
  return value;
}

/** The turret's uuid, from its first status. */
function turretUuid(x: Exchange): string | null {
  for (const e of x.log) {
    if (!('received' in e) || e.received.raw[0] === 1) continue;
    const m = JSON.parse(e.received.raw.toString('utf8')) as { uuid?: unknown };
    if (typeof m.uuid === 'string') return m.uuid;
  }
  return null;
}

/** Turns an exchange's log into transcript lines, normalised as the header of this file says. */
function lines(x: Exchange): Line[] {
  const uuid = turretUuid(x);
  const out: Line[] = [];
  let lastStatus: string | null = null; // normalised JSON of the last status shown
  let statusBeforeCommand: string | null = null;
  let answered = true; // the last command's answer (a status different from the one before it) came
  let keep = 0; // results still to show after the last start
  for (const e of x.log) {
    if ('exit' in e) {
      out.push({ event: 'exit', code: e.exit });
      continue;
    }
    if ('sent' in e) {
      const space = e.sent.indexOf(' ');
      const topic = e.sent.slice(0, space);
      const body = JSON.parse(e.sent.slice(space + 1)) as Record<string, unknown>;
      const shownTopic = topic === '' ? '' : topic === uuid ? '<uuid>' : topic;
      out.push({ direction: 'hq->turret', frame: `${shownTopic} ${JSON.stringify(normalise(body, uuid))}` });
      if (body.command === 'start') keep = RESULTS_KEPT;
      statusBeforeCommand = lastStatus;
      answered = false;
      continue;
    }
    const raw = e.received.raw;
    if (raw[0] === 1) {
      const decoded = decodeTurretFrame(raw);
      if (!decoded.ok || decoded.value.kind !== 'batch')
        throw new Error('a protobuf frame that is not a batch');
      if (keep === 0) continue;
      const batch = { ...decoded.value, results: decoded.value.results.slice(0, 1) };
      keep = 0;
      out.push({ direction: 'turret->hq', protobuf: normalise(batch, uuid) });
      continue;
    }
    const json = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    if (e.received.results > 0) {
      if (keep === 0) continue;
      if (Array.isArray(json.results)) {
        // How many results a batch holds depends on timing: the first batch is shown with one.
        const results = json.results.slice(0, 1);
        keep = 0;
        out.push({ direction: 'turret->hq', json: normalise({ ...json, results }, uuid) });
      } else {
        keep -= 1;
        out.push({ direction: 'turret->hq', json: normalise(json, uuid) });
      }
      continue;
    }
    const shown = JSON.stringify(normalise(json, uuid));
    if (json.status === 'ready') {
      const last = out.at(-1);
      if (last !== undefined && 'json' in last && JSON.stringify(last.json) === shown) continue; // a repeat
      if (!answered && shown === statusBeforeCommand && laterDifferentStatus(x, e, shown, uuid)) continue;
    }
    if (shown !== statusBeforeCommand) answered = true;
    lastStatus = shown;
    out.push({ direction: 'turret->hq', json: JSON.parse(shown) as unknown });
  }
  return out;
}

/**
 * Whether, after `entry` and before the next command, the turret sent a status other than `shown`:
 * then a `ready` equal to the one before the command is a periodic repeat sent before the turret read
 * it, not its answer.
 */
function laterDifferentStatus(
  x: Exchange,
  entry: (typeof x.log)[number],
  shown: string,
  uuid: string | null,
): boolean {
  const from = x.log.indexOf(entry) + 1;
  for (const e of x.log.slice(from)) {
    if ('sent' in e) return false;
    if (!('received' in e) || e.received.status === undefined || e.received.raw[0] === 1) continue;
    const s = JSON.stringify(normalise(JSON.parse(e.received.raw.toString('utf8')), uuid));
    if (s !== shown) return true;
  }
  return false;
}

/** Runs one flow against a fresh reference turret process; returns its NDJSON text. */
export async function runFlow(flow: Flow): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `oct-transcript-${flow.name}-`));
  const x = new Exchange();
  try {
    const ports = await x.bind();
    const script = `${flow.fixture}.mjs`;
    copyFileSync(join(fixturesDir, script), join(dir, script));
    const config = {
      name: 'transcript',
      canons: flow.canons,
      rampup: 0,
      script,
      hq_address: '127.0.0.1',
      hq_publisher: ports.pub,
      hq_rc: ports.pull,
    };
    const configFile = join(dir, 'turret.json');
    writeFileSync(configFile, JSON.stringify(config));
    await x.launch(configFile, flow.fixture !== 'fail_to_load');
    await flow.play(x, randomUUID());
    const header = {
      transcript: flow.name,
      description: flow.description,
      turret: 'the reference turret (packages/turret), as a process',
      config: { ...config, hq_publisher: '<port>', hq_rc: '<port>' },
      fixture: `${flow.fixture} (spec 10; conformance/fixtures/reference/${basename(script)})`,
      results_kept: RESULTS_KEPT,
      placeholders: Object.keys(PLACEHOLDERS).map((k) => `<${k === 'custom_timers' ? 'seconds' : k}>`),
      regenerate: 'npm run transcripts',
    };
    const body = lines(x).filter((l) => flow.recordsExit || !('event' in l));
    return [header, ...body].map((l) => JSON.stringify(l)).join('\n') + '\n';
  } finally {
    await x.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
