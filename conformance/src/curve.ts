/**
 * The kit's side of CURVE (spec 11): the key pairs of a scenario, the key files it gives the turret
 * and the ZAP handler of its fake HQ. CURVE is set up by configuration, not advertised on the wire,
 * so the kit makes the keys itself (with `--curve`) and writes their paths into the turret config.
 *
 * ```
 *  turret (CURVE client, keys from its config) --handshake--> fake HQ PUB / PULL (CURVE servers)
 *                                                               | ZAP request: domain, client key
 *                                                               v
 *                                         inproc://zeromq.zap.01 (ZapResponder) -> 200 / 400
 * ```
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  certificateText,
  newCurveKeyPair,
  writeCertificates,
  z85Encode,
  type CurveKeyPair,
} from '@oct/protocol/curve-keys';
import * as zmq from 'zeromq';

export type { CurveKeyPair };

/** The key pairs of one scenario: the HQ's, an impostor HQ's, and the turret's. */
export interface ScenarioKeys {
  hq: CurveKeyPair;
  /** Another HQ's pair: the turret is never given its public key (spec 11.4). */
  other: CurveKeyPair;
  turret: CurveKeyPair;
}

export function newScenarioKeys(): ScenarioKeys {
  return { hq: newCurveKeyPair(), other: newCurveKeyPair(), turret: newCurveKeyPair() };
}

/** How a scenario spoils the key files it gives the turret (spec 11.3). */
export type KeyFileFault = 'none' | 'secret-readable' | 'server-not-certificate';

/** The key files the turret config names, relative to the config's directory (spec 9.1, 11.4). */
export const KEY_FILES = {
  server: 'keys/hq.key',
  secret: 'keys/conformance.key_secret',
} as const;

/**
 * Writes `keys/hq.key` (the HQ's public certificate) and `keys/conformance.key{,_secret}` (the
 * turret's pair, mode 0600) under `dir`, spoiled as `fault` says. The HQ's secret stays in memory.
 */
export function writeTurretKeyFiles(dir: string, keys: ScenarioKeys, fault: KeyFileFault): void {
  mkdirSync(join(dir, 'keys'), { recursive: true });
  const server = join(dir, KEY_FILES.server);
  // A PEM public key is the likely mistake: a key file, but not a ZeroMQ certificate.
  writeFileSync(
    server,
    fault === 'server-not-certificate'
      ? generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'pem' })
      : certificateText('hq', keys.hq, false),
  );
  const { secretFile } = writeCertificates(join(dir, 'keys', 'conformance'), 'conformance', keys.turret);
  if (fault === 'secret-readable') chmodSync(secretFile, 0o644);
}

/** One ZAP request the fake HQ answered. */
export interface ZapDecision {
  at: number;
  /** The ZAP domain: which of the HQ's sockets the peer connected to. */
  domain: string;
  address: string;
  mechanism: string;
  /** The client's public key in Z85, '' without one. */
  clientKey: string;
  admitted: boolean;
}

/** The ZAP domain of each fake HQ socket, so a decision tells which socket it was for. */
export const ZAP_DOMAINS = { pub: 'oct-commands', pull: 'oct-results' } as const;

/**
 * Answers the ZAP requests of one zmq.Context (ZeroMQ RFC 27): admits a CURVE client only with the
 * key the kit gave the turret. Each fake HQ has its own context, so handlers never collide.
 */
export class ZapResponder {
  readonly decisions: ZapDecision[] = [];
  private readonly socket: zmq.Reply;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    context: zmq.Context,
    private readonly admit: string,
    private readonly onDecision: () => void,
  ) {
    this.socket = new zmq.Reply({ context, linger: 0 });
  }

  /** Binds the context's ZAP endpoint; do it before the server sockets bind. */
  async start(): Promise<void> {
    await this.socket.bind('inproc://zeromq.zap.01');
    this.loop = this.serve();
  }

  private async serve(): Promise<void> {
    try {
      for await (const frames of this.socket) {
        const [version, requestId, domain, address, , mechanism, key] = frames;
        const clientKey = key && key.length === 32 ? z85Encode(key) : '';
        const admitted = mechanism?.toString() === 'CURVE' && clientKey === this.admit;
        this.decisions.push({
          at: performance.now(),
          domain: domain?.toString() ?? '',
          address: address?.toString() ?? '',
          mechanism: mechanism?.toString() ?? '',
          clientKey,
          admitted,
        });
        this.onDecision();
        await this.socket.send([
          version ?? '1.0',
          requestId ?? '',
          admitted ? '200' : '400',
          admitted ? 'OK' : 'not the key the kit gave the turret',
          admitted ? 'conformance' : '',
          '',
        ]);
      }
    } catch {
      // The socket was closed with the fake HQ.
    }
  }

  async close(): Promise<void> {
    if (!this.socket.closed) this.socket.close();
    await this.loop;
  }
}
