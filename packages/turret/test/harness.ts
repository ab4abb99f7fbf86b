/**
 * A small test-only HQ: binds PUB and PULL on random loopback ports, sends commands and collects
 * what turrets send, decoded with @oct/protocol. Also spawns the built `oct-turret` CLI.
 *
 * ```
 * harness PUB  -- commands -->  turret SUB
 * harness PULL <-- statuses, results --  turret PUSH
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Context, Publisher, Pull, Reply } from 'zeromq';
import { decodeTurretFrame, encodeCommand, type Result, type TurretStatus } from '@oct/protocol';

export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = join(PACKAGE_DIR, 'test', 'fixtures');
export const BIN = join(PACKAGE_DIR, 'dist', 'bin.js');

/** A result as received, with how it travelled. */
export interface Received extends Result {
  via: 'plain' | 'json-batch' | 'protobuf-batch';
  at: number;
  /** The JSON object as sent, for a plain result. */
  raw?: Record<string, unknown>;
}

export interface StatusReceived extends TurretStatus {
  raw: Record<string, unknown>;
  at: number;
}

/**
 * The advertisement of a 1.x HQ that offers no extension (spec 8.2): after it, a turret speaks protocol
 * 1.x (canons, protocol, capabilities; results with uuid) but the plain protocol (spec 8.2, 8.3).
 */
export const PLAIN_ADVERTISEMENT = { protocol: '1.0', capabilities: [] as string[] };

/** The msg of each command as this harness sends it by default: a 1.x HQ advertising no extension. */
const DEFAULT_MSG: Record<string, unknown> = {
  status_request: PLAIN_ADVERTISEMENT,
  start: 'open fire',
  stop: 'premature stop',
  kill: 'kill',
  set_transaction_context: {},
};

export class Harness {
  readonly statuses: StatusReceived[] = [];
  readonly results: Received[] = [];
  /** Frames that did not decode: each one is a protocol violation by the turret. */
  readonly invalid: string[] = [];
  private waiters = new Set<() => void>();
  private closed = false;
  private zap: Reply | null = null;

  private constructor(
    readonly pub: Publisher,
    readonly pull: Pull,
    readonly pubPort: number,
    readonly pullPort: number,
  ) {
    void this.collect();
  }

  /**
   * Binds on free ports, or on `ports` (a new HQ taking the ports of one that went away: binding is
   * retried for a while, as the old sockets may take a moment to let go of them).
   */
  static async create(
    ports?: { pub: number; pull: number },
    curve?: { secretKey: string },
  ): Promise<Harness> {
    // A CURVE HQ (spec 11.1) with its own context, whose ZAP handler admits any client key.
    const context = curve ? new Context() : undefined;
    const secure = curve ? { context, curveServer: true, curveSecretKey: curve.secretKey } : {};
    let zap: Reply | null = null;
    if (context) {
      zap = new Reply({ context, linger: 0 });
      await zap.bind('inproc://zeromq.zap.01');
      void (async () => {
        for await (const [version, id] of zap!) await zap!.send([version!, id!, '200', 'OK', '', '']);
      })().catch(() => undefined);
    }
    const pub = new Publisher({ linger: 0, ...secure });
    const pull = new Pull({ linger: 0, ...secure });
    await bindRetrying(pub, `tcp://127.0.0.1:${ports?.pub ?? '*'}`);
    await bindRetrying(pull, `tcp://127.0.0.1:${ports?.pull ?? '*'}`);
    const port = (s: Publisher | Pull): number => Number(/:(\d+)$/.exec(s.lastEndpoint ?? '')![1]);
    const h = new Harness(pub, pull, port(pub), port(pull));
    h.zap = zap;
    return h;
  }

  private async collect(): Promise<void> {
    for (;;) {
      let frame: Buffer;
      try {
        [frame] = (await this.pull.receive()) as [Buffer];
      } catch {
        return; // closed
      }
      const at = Date.now();
      const d = decodeTurretFrame(frame);
      if (!d.ok) this.invalid.push(d.error.message);
      else if (d.value.kind === 'status')
        this.statuses.push({
          ...d.value.status,
          raw: JSON.parse(frame.toString('utf8')) as Record<string, unknown>,
          at,
        });
      else if (d.value.kind === 'result')
        this.results.push({
          ...d.value.result,
          via: 'plain',
          at,
          raw: JSON.parse(frame.toString('utf8')) as Record<string, unknown>,
        });
      else {
        const via = d.value.encoding === 'json' ? 'json-batch' : 'protobuf-batch';
        for (const r of d.value.results) this.results.push({ ...r, via, at });
      }
      for (const w of this.waiters) w();
    }
  }

  /** A turret config (JSON file in `dir`) pointing at this harness. */
  writeConfig(dir: string, config: Record<string, unknown>, file = 'turret.json'): string {
    const path = join(dir, file);
    writeFileSync(
      path,
      JSON.stringify({
        hq_address: '127.0.0.1',
        hq_publisher: this.pubPort,
        hq_rc: this.pullPort,
        rampup: 0,
        ...config,
      }),
    );
    return path;
  }

  /**
   * Sends a command; `msg` defaults to what the legacy HQ sends for it, except for status_request
   * (PLAIN_ADVERTISEMENT; pass null for a legacy HQ's); `extra` goes beside it.
   */
  async send(
    command: string,
    msg: unknown = DEFAULT_MSG[command] ?? null,
    topic = '',
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await this.pub.send(
      encodeCommand({ command, msg, ...extra } as Parameters<typeof encodeCommand>[0], topic),
    );
  }

  async sendRaw(frame: string | Uint8Array): Promise<void> {
    await this.pub.send(frame);
  }

  /** Advertises the given capabilities in a status_request (spec 8.2). */
  async advertise(capabilities: string[], topic = ''): Promise<void> {
    await this.send('status_request', { protocol: '1.0', capabilities }, topic);
  }

  /** Waits until `check()` returns a value other than undefined/false. */
  async waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
    const first = check();
    if (first !== undefined && first !== false) return first;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(test);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const test = (): void => {
        const v = check();
        if (v === undefined || v === false) return;
        clearTimeout(timer);
        this.waiters.delete(test);
        resolve(v);
      };
      this.waiters.add(test);
    });
  }

  /** The first status from `uuid` (or anyone) after index `from` matching `state`. */
  waitStatus(
    state: string,
    opts: { uuid?: string; from?: number; timeoutMs?: number } = {},
  ): Promise<StatusReceived> {
    const from = opts.from ?? 0;
    return this.waitFor(
      () => this.statuses.slice(from).find((s) => s.status === state && (!opts.uuid || s.uuid === opts.uuid)),
      `status ${state}${opts.uuid ? ` from ${opts.uuid}` : ''}`,
      opts.timeoutMs,
    );
  }

  /**
   * Waits for a first `ready` (from the turret named `name`, if given), then advertises protocol 1.x
   * with no extension (as every 1.x HQ does, spec 8.2) until that turret answers in protocol 1.x
   * (spec 8.2): its subscription has then reached the PUB (slow joiner).
   */
  async ready(name?: string): Promise<StatusReceived> {
    const s = await this.waitFor(
      () => this.statuses.find((x) => x.status === 'ready' && (!name || x.turret === name)),
      `a ready status${name ? ` from ${name}` : ''}`,
    );
    await this.speakModern(s.uuid);
    return s;
  }

  /** Sends the plain advertisement every 300 ms until `uuid` answers with `protocol` (spec 8.2). */
  async speakModern(uuid: string): Promise<void> {
    const from = this.statuses.length;
    const modern = (): boolean =>
      this.statuses.slice(from).some((x) => x.uuid === uuid && typeof x.raw.protocol === 'string');
    for (let i = 0; i < 60 && !modern(); i++) {
      await this.send('status_request', PLAIN_ADVERTISEMENT);
      await this.waitFor(modern, `a protocol 1.x status from ${uuid}`, 300).catch(() => undefined);
    }
    if (!modern()) throw new Error(`${uuid} never answered the advertisement in protocol 1.x`);
  }

  resultsOf(uuid: string, from = 0): Received[] {
    return this.results.slice(from).filter((r) => r.uuid === uuid);
  }

  async waitResults(uuid: string, count: number, from = 0, timeoutMs = 20_000): Promise<Received[]> {
    return this.waitFor(
      () => {
        const rs = this.resultsOf(uuid, from);
        return rs.length >= count ? rs : undefined;
      },
      `${count} results from ${uuid}`,
      timeoutMs,
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pub.close();
    this.pull.close();
    this.zap?.close();
  }
}

async function bindRetrying(socket: Publisher | Pull, endpoint: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await socket.bind(endpoint);
      return;
    } catch (e) {
      if (attempt >= 50) throw e;
      await sleep(100);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'oct-turret-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A spawned `oct-turret` process. */
export interface TurretProcess {
  child: ChildProcess;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  /** Ends the process if still alive and waits for it. */
  stop(): Promise<void>;
}

export function spawnTurret(args: string[]): TurretProcess {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => (err += d));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    child,
    stderr: () => err,
    exited,
    // SIGTERM first (the turret closes and removes its temp dirs), SIGKILL if it lingers.
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      await exited;
    },
  };
}
