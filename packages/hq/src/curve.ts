/**
 * The HQ's side of CURVE (spec 11): its key pair, the authorised turret keys, and the ZAP handler
 * that admits a connection only with one of them. ZAP is per ZeroMQ context, so each run has its
 * own context: two runs in one process never answer each other's handshakes.
 *
 * ```
 *  turret (CURVE client) --handshake--> HQ PUB / PULL (CURVE servers)
 *                                          | ZAP request: domain, address, client key
 *                                          v
 *                          inproc://zeromq.zap.01 (this handler) -> 200 admitted / 400 refused
 * ```
 */
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as zmq from 'zeromq';
import { KeyFileError, readCertificate, z85Encode } from '@oct/protocol/curve-keys';

/** The ZAP domain of each socket: the handler tells which socket a turret connected to by it. */
export const ZAP_DOMAINS = { pub: 'oct-commands', pull: 'oct-results' } as const;

/** The keys of a CURVE run. */
export interface HqCurveKeys {
  publicKey: string;
  secretKey: string;
  /** Authorised turret public keys -> the name of the file that holds each (`turrets/<name>.key`). */
  turrets: Map<string, string>;
  /** The key directory, for messages. */
  dir: string;
}

/** A connection the ZAP handler admitted or refused. */
export interface CurvePeer {
  socket: 'commands' | 'results';
  address: string;
  publicKey: string;
  /** The authorised key's name (its file), null when refused. */
  keyName: string | null;
}

/**
 * Reads `<keys>/hq.key_secret` and every `<keys>/turrets/*.key`; throws one Error whose message
 * names the file and says what to do.
 */
export function loadHqCurveKeys(projectDir: string, keysDir: string): HqCurveKeys {
  const dir = resolve(projectDir, keysDir);
  const shown = (path: string): string => relative(process.cwd(), path) || path;
  const read = (path: string, secret: boolean): ReturnType<typeof readCertificate> => {
    try {
      return readCertificate(path, { secret });
    } catch (e) {
      if (e instanceof KeyFileError)
        throw new Error(`security.curve: ${e.message.replace(path, shown(path))} (spec 11.3)`);
      throw e;
    }
  };
  const hq = read(join(dir, 'hq.key_secret'), true);
  const turretDir = join(dir, 'turrets');
  let files: string[];
  try {
    files = readdirSync(turretDir).filter((f) => f.endsWith('.key'));
  } catch {
    files = [];
  }
  if (files.length === 0)
    throw new Error(
      `security.curve: no turret key in ${shown(turretDir)} (turrets/<name>.key): make them with \`oct keys\` (spec 11.3)`,
    );
  const turrets = new Map<string, string>();
  for (const f of files.sort())
    turrets.set(read(join(turretDir, f), false).publicKey, f.slice(0, -'.key'.length));
  return { publicKey: hq.publicKey, secretKey: hq.secretKey!, turrets, dir };
}

/** Socket options of a CURVE server with the HQ's key, for one of its two sockets. */
export function serverOptions(keys: HqCurveKeys, socket: keyof typeof ZAP_DOMAINS) {
  return { curveServer: true, curveSecretKey: keys.secretKey, zapDomain: ZAP_DOMAINS[socket] } as const;
}

/**
 * Answers the ZAP requests of `context` (ZeroMQ RFC 27): admits CURVE clients whose key is
 * authorised, refuses everything else. Every decision is reported to `onPeer`.
 */
export class ZapHandler {
  private readonly socket: zmq.Reply;
  private loop: Promise<void> = Promise.resolve();

  private constructor(
    context: zmq.Context,
    private readonly keys: HqCurveKeys,
    private readonly onPeer: (peer: CurvePeer) => void,
  ) {
    this.socket = new zmq.Reply({ context, linger: 0 });
  }

  static async start(
    context: zmq.Context,
    keys: HqCurveKeys,
    onPeer: (peer: CurvePeer) => void,
  ): Promise<ZapHandler> {
    const zap = new ZapHandler(context, keys, onPeer);
    await zap.socket.bind('inproc://zeromq.zap.01');
    zap.loop = zap.serve();
    return zap;
  }

  private async serve(): Promise<void> {
    try {
      for await (const frames of this.socket) {
        const [version, requestId, domain, address, , mechanism, key] = frames;
        const publicKey = key && key.length === 32 ? z85Encode(key) : '';
        const keyName = mechanism?.toString() === 'CURVE' ? (this.keys.turrets.get(publicKey) ?? null) : null;
        const socket = domain?.toString() === ZAP_DOMAINS.pub ? 'commands' : 'results';
        this.onPeer({ socket, address: address?.toString() ?? '?', publicKey, keyName });
        await this.socket.send([
          version ?? '1.0',
          requestId ?? '',
          keyName ? '200' : '400',
          keyName ? 'OK' : 'key not authorised',
          keyName ?? '',
          '',
        ]);
      }
    } catch {
      // closed with the run
    }
  }

  async close(): Promise<void> {
    if (!this.socket.closed) this.socket.close();
    await this.loop;
  }
}
