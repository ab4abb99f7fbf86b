/**
 * The fake HQ a scenario talks through: it binds PUB and PULL on random loopback ports (spec 2.1),
 * records every frame a turret sends with its arrival time, and lets steps wait for a message.
 *
 *   HQ PUB  -- "<topic> <json>" -->  turret SUB
 *   HQ PULL <-- status / result ---  turret PUSH
 *
 * With `curve` (spec 11) both sockets are CURVE servers in a context of their own, whose ZAP handler
 * admits only the turret's key; the sockets' monitor events show the turret's connection attempts
 * and failed handshakes, the evidence when no frame arrives.
 */
import {
  decodeTurretFrame,
  encodeCommand,
  type TurretMessage,
  type Result,
  type TurretStatus,
} from '@oct/protocol';
import * as zmq from 'zeromq';
import { ZAP_DOMAINS, ZapResponder, type ZapDecision } from './curve.js';

/** One frame received from the turret, decoded. */
export interface Received {
  /** Arrival, in ms on the kit's monotonic clock (performance.now()). */
  at: number;
  /** The frame as received. */
  raw: Buffer;
  /** The decoded message, or why it does not decode. */
  decoded: ReturnType<typeof decodeTurretFrame>;
  /** Parsed JSON when the frame is JSON at all (even when invalid), else undefined. */
  json: unknown;
}

/** One command frame the HQ sent. */
export interface Sent {
  at: number;
  frame: string | Buffer;
  label: string;
}

/** A result as received, with the frame it came in (results of a batch share a frame). */
export interface ReceivedResult {
  at: number;
  result: Result;
  /** The raw JSON of the result itself (for seq / turret_name checks), undefined for protobuf. */
  frame: Received;
  encoding: 'single' | 'json-batch' | 'protobuf-batch';
}

/** A connection event seen by one of the HQ's sockets (accepted, handshake done or failed). */
export interface ConnectionEvent {
  at: number;
  socket: 'PUB' | 'PULL';
  type: string;
  /** The error code of a failed handshake, e.g. ERR_ZMTP_CRYPTOGRAPHIC. */
  code?: string;
}

/** A CURVE fake HQ: its secret key, and the one client key its ZAP handler admits. */
export interface HqCurve {
  secretKey: string;
  admit: string;
}

type Waiter = { check: () => boolean; resolve: () => void };

/** A fake HQ: PUB + PULL on loopback, a log of the exchange, and waits on it. */
export class FakeHq {
  readonly received: Received[] = [];
  readonly sent: Sent[] = [];
  readonly connections: ConnectionEvent[] = [];
  private readonly pub: zmq.Publisher;
  private readonly pull: zmq.Pull;
  private readonly zap: ZapResponder | undefined;
  private waiters: Waiter[] = [];
  private sending: Promise<void> = Promise.resolve();
  private loop: Promise<void> | undefined;
  publishPort = 0;
  rcPort = 0;

  /** Plain ZeroMQ sockets, or CURVE servers with `curve` (spec 11). */
  constructor(readonly curve?: HqCurve) {
    if (curve) {
      // ZAP is per context: a context per fake HQ, so two never answer each other's handshakes.
      const context = new zmq.Context();
      const server = (domain: string) =>
        ({
          context,
          linger: 0,
          curveServer: true,
          curveSecretKey: curve.secretKey,
          zapDomain: domain,
        }) as const;
      this.pub = new zmq.Publisher(server(ZAP_DOMAINS.pub));
      this.pull = new zmq.Pull(server(ZAP_DOMAINS.pull));
      this.zap = new ZapResponder(context, curve.admit, () => this.notify());
    } else {
      this.pub = new zmq.Publisher({ linger: 0 });
      this.pull = new zmq.Pull({ linger: 0 });
    }
    void this.watch(this.pub, 'PUB');
    void this.watch(this.pull, 'PULL');
  }

  /** Binds both sockets (on the given ports, or random free ones) and starts receiving. */
  async listen(ports?: { publish: number; rc: number }): Promise<void> {
    await this.zap?.start();
    await bindRetrying(this.pub, ports?.publish);
    await bindRetrying(this.pull, ports?.rc);
    this.publishPort = portOf(this.pub.lastEndpoint);
    this.rcPort = portOf(this.pull.lastEndpoint);
    this.loop = this.receiveLoop();
  }

  /** Records connections and handshakes, so a silent turret's attempts are evidence. */
  private async watch(socket: zmq.Publisher | zmq.Pull, name: ConnectionEvent['socket']): Promise<void> {
    try {
      for await (const event of socket.events) {
        if (event.type !== 'accept' && !event.type.startsWith('handshake')) continue;
        const code = 'error' in event ? (event.error as { code?: string }).code : undefined;
        this.connections.push({
          at: performance.now(),
          socket: name,
          type: event.type,
          ...(code ? { code } : {}),
        });
        this.notify();
      }
    } catch {
      // The socket was closed.
    }
  }

  /** The ZAP handler's decisions (CURVE only). */
  get zapDecisions(): readonly ZapDecision[] {
    return this.zap?.decisions ?? [];
  }

  /** True once `socket` has accepted a connection since `since`. */
  accepted(socket: ConnectionEvent['socket'], since = 0): boolean {
    return this.connections.some((c) => c.socket === socket && c.type === 'accept' && c.at >= since);
  }

  /** One line per socket: connections accepted, handshakes done and failed (with their codes). */
  connectionSummary(): string {
    const lines = (['PUB', 'PULL'] as const).map((socket) => {
      const events = this.connections.filter((c) => c.socket === socket);
      const count = (type: string) => events.filter((c) => c.type === type).length;
      const failed = events.filter((c) => c.type.startsWith('handshake:error'));
      const codes = [...new Set(failed.map((c) => c.code ?? c.type))].join(', ');
      return `${socket}: ${count('accept')} connection(s) accepted, ${count('handshake')} handshake(s) done, ${failed.length} failed${codes ? ` (${codes})` : ''}`;
    });
    const zap = this.zapDecisions;
    if (this.curve)
      lines.push(
        `ZAP: ${zap.filter((d) => d.admitted).length} admitted, ${zap.filter((d) => !d.admitted).length} refused`,
      );
    return lines.join('; ');
  }

  private async receiveLoop(): Promise<void> {
    try {
      for await (const frames of this.pull) {
        const raw = Buffer.from(frames[0] ?? Buffer.alloc(0));
        let json: unknown;
        try {
          json = raw[0] === 0x01 ? undefined : JSON.parse(raw.toString('utf8'));
        } catch {
          json = undefined;
        }
        this.received.push({ at: performance.now(), raw, decoded: decodeTurretFrame(raw), json });
        this.notify();
      }
    } catch {
      // The socket was closed: the scenario is over.
    }
  }

  private notify(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }

  /** Publishes a command; `topic` '' broadcasts. Sends are serialised (zeromq allows one at a time). */
  send(command: string, msg: unknown, topic = '', extra: Record<string, unknown> = {}): Promise<void> {
    const frame = encodeCommand({ command, msg, ...extra } as Parameters<typeof encodeCommand>[0], topic);
    return this.sendRaw(frame, `${topic === '' ? 'broadcast' : `to ${topic}`} ${command}`);
  }

  /** Publishes any frame as is (for malformed-frame scenarios). */
  sendRaw(frame: string | Buffer, label = 'raw frame'): Promise<void> {
    const next = this.sending.then(async () => {
      this.sent.push({ at: performance.now(), frame, label });
      await this.pub.send(frame);
    });
    this.sending = next.catch(() => undefined);
    return next;
  }

  /** Resolves true once `check()` holds, false after `timeoutMs`. */
  waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
    if (check()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(check());
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Statuses received (valid ones, normalised), with arrival times. */
  statuses(since = 0): { at: number; status: TurretStatus; frame: Received }[] {
    const out: { at: number; status: TurretStatus; frame: Received }[] = [];
    for (const r of this.received) {
      if (r.at < since) continue;
      if (r.decoded.ok && r.decoded.value.kind === 'status')
        out.push({ at: r.at, status: r.decoded.value.status, frame: r });
      else if (!r.decoded.ok && looksLikeStatus(r.json))
        out.push({ at: r.at, status: lenientStatus(r.json), frame: r });
    }
    return out;
  }

  /** Every result received, flattened out of batches, with arrival times. Invalid frames are skipped. */
  results(since = 0): ReceivedResult[] {
    const out: ReceivedResult[] = [];
    for (const r of this.received) {
      if (r.at < since || !r.decoded.ok) continue;
      const m: TurretMessage = r.decoded.value;
      if (m.kind === 'result') out.push({ at: r.at, result: m.result, frame: r, encoding: 'single' });
      else if (m.kind === 'batch') {
        const encoding = m.encoding === 'protobuf' ? 'protobuf-batch' : 'json-batch';
        for (const result of m.results) out.push({ at: r.at, result, frame: r, encoding });
      }
    }
    return out;
  }

  /** Frames that look like results (single, or batches) but do not decode as valid. */
  invalidFrames(since = 0): Received[] {
    return this.received.filter((r) => r.at >= since && !r.decoded.ok);
  }

  async close(): Promise<void> {
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
    await this.sending;
    this.pub.close();
    this.pull.close();
    await this.loop;
    await this.zap?.close();
  }
}

/** Binds on loopback; a port just released by a closed fake HQ may take a moment to free. */
async function bindRetrying(socket: zmq.Publisher | zmq.Pull, port?: number): Promise<void> {
  const deadline = performance.now() + 5000;
  for (;;) {
    try {
      await socket.bind(`tcp://127.0.0.1:${port ?? '*'}`);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EADDRINUSE' || performance.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function portOf(endpoint: string | null): number {
  const m = /:(\d+)$/.exec(endpoint ?? '');
  if (!m) throw new Error(`cannot read the bound port from ${String(endpoint)}`);
  return Number(m[1]);
}

/** A status that fails validation still tells its state; steps that wait for a state use it. */
function looksLikeStatus(json: unknown): json is Record<string, unknown> {
  return (
    json !== null && typeof json === 'object' && typeof (json as Record<string, unknown>).status === 'string'
  );
}

function lenientStatus(json: Record<string, unknown>): TurretStatus {
  const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
  return {
    turret: String(json.turret ?? ''),
    status: String(json.status).toLowerCase() as TurretStatus['status'],
    uuid: String(json.uuid ?? ''),
    rampup: num(json.rampup),
    script: String(json.script ?? ''),
    canons: num(json.canons ?? json.cannons),
    protocol: typeof json.protocol === 'string' ? json.protocol : null,
    capabilities: Array.isArray(json.capabilities) ? (json.capabilities as string[]) : [],
    results_sent: json.results_sent === undefined ? null : num(json.results_sent),
    reason: typeof json.reason === 'string' ? json.reason : null,
  };
}
