/**
 * The external publisher (config `external_publisher`, DESIGN §2): a PUB socket on which the HQ
 * re-publishes every result it stores, as the original OCT did, for live dashboards and other
 * consumers.
 *
 * ```
 *  HQ ingest thread -- stored rows as JSON --> HQ main thread
 *  HQ external PUB  -- [topic, result JSON] -->  consumer SUB (subscribed to the topic)
 * ```
 *
 * Each result is one two-part ZeroMQ message `[topic, result-json]`, OCT 0.4's framing: a consumer
 * written for OCT (`sub.setsockopt_string(zmq.SUBSCRIBE, topic)`, `topic, msg = sub.recv_multipart()`)
 * works unchanged. The topic is `oct run -p <topic>`, else a random hex uuid (uuid4().hex, as OCT),
 * printed by `oct run` at the start. There is no one-part mode: a consumer that wants every run's
 * results subscribes to `""` and reads the second part.
 *
 * Publishing never waits: a PUB socket drops a subscriber's messages once its queue holds
 * SEND_HIGH_WATER_MARK of them (the PUB contract), so a slow or stuck consumer loses results, never
 * slows the run. Without `external_publisher` nothing here runs, and the ingest thread does not even
 * serialise stored rows (IngestThreadOptions.onStored is left out).
 */
import { randomUUID } from 'node:crypto';
import * as zmq from 'zeromq';
import { HqError } from './run-types.js';

/** Messages queued per subscriber before the PUB socket drops that subscriber's next ones. */
export const SEND_HIGH_WATER_MARK = 100_000;

/** How long closing the socket may still spend sending what is queued (ms). */
const LINGER_MS = 1_000;

/** The `external_publisher` config value: off, OCT's port number, or a ZeroMQ endpoint. */
export type ExternalPublisherSetting = false | number | string;

/**
 * Where a setting binds: a port number as OCT did, on every interface (`tcp://*:<port>`), an endpoint
 * string as given (`tcp://10.0.0.5:5002`, `ipc:///run/oct.sock`); null when off.
 */
export function externalEndpoint(setting: ExternalPublisherSetting | undefined): string | null {
  if (setting === false || setting === undefined) return null;
  return typeof setting === 'number' ? `tcp://*:${setting}` : setting;
}

/** A fresh topic when `oct run -p` names none: a random uuid in hex, without dashes (OCT's uuid4().hex). */
export function randomTopic(): string {
  return randomUUID().replace(/-/g, '');
}

/**
 * The bound PUB socket. `publish()` is called from the main thread with the rows the ingest thread has
 * just stored; sends are chained (zeromq.js allows one send in flight per socket) and each resolves at
 * once, since a PUB socket queues or drops, never blocks.
 *
 * @example
 * const ext = await ExternalPublisher.open(5002, randomTopic(), 'config.json');
 * ext.publish(['{"scriptrun_time":0.1,...}']);
 * await ext.flushed();
 * ext.close();
 */
export class ExternalPublisher {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly socket: zmq.Publisher;
  /** What the socket is bound to (the port filled in for `tcp://*:*`). */
  readonly endpoint: string;
  /** The first part of every message. */
  readonly topic: string;

  private constructor(socket: zmq.Publisher, endpoint: string, topic: string) {
    this.socket = socket;
    this.endpoint = endpoint;
    this.topic = topic;
  }

  /**
   * Binds the PUB socket for `setting` (not false). Throws HqError naming `configPath` and the key when
   * the endpoint cannot be bound (port in use, bad address).
   */
  static async open(setting: number | string, topic: string, configPath: string): Promise<ExternalPublisher> {
    const endpoint = externalEndpoint(setting)!;
    const socket = new zmq.Publisher({ linger: LINGER_MS, sendHighWaterMark: SEND_HIGH_WATER_MARK });
    try {
      await socket.bind(endpoint);
    } catch (e) {
      socket.close();
      throw new HqError(
        `${configPath}: cannot bind external_publisher at ${endpoint}: ${(e as Error).message}`,
      );
    }
    return new ExternalPublisher(socket, socket.lastEndpoint ?? endpoint, topic);
  }

  /** Queues `[topic, frame]` for each stored result frame; never waits for subscribers. */
  publish(frames: readonly string[]): void {
    const socket = this.socket;
    const topic = this.topic;
    this.chain = this.chain
      .then(async () => {
        for (const f of frames) {
          if (socket.closed) return;
          await socket.send([topic, f]);
        }
      })
      .catch(() => undefined);
  }

  /** Resolves once every frame given to publish() so far has been queued (or dropped). */
  async flushed(): Promise<void> {
    await this.chain;
  }

  /** Closes the socket; what is queued still goes out for up to a second. */
  close(): void {
    try {
      if (!this.socket.closed) this.socket.close();
    } catch {
      // already closed
    }
  }
}
