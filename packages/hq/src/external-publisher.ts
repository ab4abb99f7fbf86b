/**
 * The external publisher (config `external_publisher`, user guide: the external publisher): a PUB socket on which the HQ
 * re-publishes every result it stores, as the original OCT did, for live dashboards and other
 * consumers.
 *
 * Each result is one two-part ZeroMQ message `[topic, result-json]`, OCT 0.4's framing: a consumer
 * written for OCT (`sub.setsockopt_string(zmq.SUBSCRIBE, topic)`, `topic, msg = sub.recv_multipart()`)
 * works unchanged. The topic is `oct run -p <topic>`, else a random hex uuid (uuid4().hex, as OCT),
 * printed by `oct run` at the start. There is no one-part mode: a consumer that wants every run's
 * results subscribes to `""` and reads the second part.
 *
 * Publishing never waits, nor costs the run's threads more than a hand-over: the socket lives on a
 * thread of its own (external-publisher-worker.ts), to which the main thread passes each flush's
 * frames as one string. A PUB socket drops a subscriber's messages once its queue holds
 * SEND_HIGH_WATER_MARK of them (the PUB contract), so a slow or stuck consumer loses results, never
 * slows the run; and should the thread itself fall MAX_BACKLOG frames behind, further frames are
 * dropped before it (counted in `dropped`). Without `external_publisher` nothing here runs, and the
 * ingest thread does not even serialise stored rows (IngestThreadOptions.onStored is left out).
 *
 * ```
 *  HQ ingest thread -- stored rows as JSON --> HQ main thread -- one string per flush --> publisher thread
 *  publisher thread PUB -- [topic, result JSON] -->  consumer SUB (subscribed to the topic)
 * ```
 */
import { randomUUID } from 'node:crypto';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HqError } from './run-types.js';

/** Messages queued per subscriber before the PUB socket drops that subscriber's next ones. */
export const SEND_HIGH_WATER_MARK = 100_000;

/** Frames handed to the publisher thread and not yet sent, beyond which new ones are dropped. */
export const MAX_BACKLOG = 200_000;

/** How long closing the socket may still spend sending what is queued (ms). */
const LINGER_MS = 1_000;

/** The `external_publisher` config value: off, OCT's port number, or a ZeroMQ endpoint. */
export type ExternalPublisherSetting = false | number | string;

/** @internal The publisher thread's workerData. */
export interface PublisherSetup {
  endpoint: string;
  topic: string;
  sendHighWaterMark: number;
  lingerMs: number;
}

/** @internal Main thread -> publisher thread. `frames`: JSON texts joined by newlines (JSON escapes its own). */
export type ToPublisher = { t: 'frames'; text: string } | { t: 'flush'; id: number } | { t: 'close' };

/** @internal Publisher thread -> main thread. */
export type FromPublisher =
  | { t: 'bound'; endpoint: string }
  | { t: 'failed'; message: string }
  | { t: 'sent'; n: number }
  | { t: 'flushed'; id: number };

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

/** The thread's source file beside this module: .ts when run from src/ (tsx), .js from dist/. */
const workerUrl = new URL(
  `./external-publisher-worker${extname(fileURLToPath(import.meta.url))}`,
  import.meta.url,
);

/** Run from src/ under tsx: the thread registers tsx itself (as ingest-thread.ts does). */
function fromSource(entry: URL): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((t) => t.register()).then(() => import(${JSON.stringify(entry.href)}))`;
}

/**
 * The publisher: `publish()` is called on the main thread with the rows the ingest thread has just
 * stored, and hands them to the publisher thread in one message; it never waits.
 *
 * @example
 * const ext = await ExternalPublisher.open(5002, randomTopic(), 'config.json');
 * ext.publish(['{"scriptrun_time":0.1,...}']);
 * await ext.flushed();
 * ext.close();
 */
export class ExternalPublisher {
  /** What the socket is bound to (the port filled in for `tcp://*:*`). */
  readonly endpoint: string;
  /** The first part of every message. */
  readonly topic: string;
  /** Frames dropped before the publisher thread because it was MAX_BACKLOG frames behind. */
  dropped = 0;
  private readonly worker: Worker;
  private backlog = 0;
  private nextFlush = 0;
  private readonly flushWaiters = new Map<number, () => void>();
  private closed = false;

  private constructor(worker: Worker, endpoint: string, topic: string) {
    this.worker = worker;
    this.endpoint = endpoint;
    this.topic = topic;
    worker.on('message', (m: FromPublisher) => {
      if (m.t === 'sent') this.backlog -= m.n;
      else if (m.t === 'flushed') {
        this.flushWaiters.get(m.id)?.();
        this.flushWaiters.delete(m.id);
      }
    });
    // The thread ends by itself after close(), or with the process: settle whoever waits.
    worker.once('exit', () => {
      this.closed = true;
      for (const w of this.flushWaiters.values()) w();
      this.flushWaiters.clear();
    });
  }

  /**
   * Starts the publisher thread and binds the PUB socket for `setting` (not false). Throws HqError
   * naming `configPath` and the key when the endpoint cannot be bound (port in use, bad address).
   */
  static async open(setting: number | string, topic: string, configPath: string): Promise<ExternalPublisher> {
    const endpoint = externalEndpoint(setting)!;
    const setup: PublisherSetup = {
      endpoint,
      topic,
      sendHighWaterMark: SEND_HIGH_WATER_MARK,
      lingerMs: LINGER_MS,
    };
    const worker = workerUrl.pathname.endsWith('.ts')
      ? new Worker(fromSource(workerUrl), { eval: true, workerData: setup })
      : new Worker(workerUrl, { workerData: setup });
    const first = await new Promise<FromPublisher | Error>((resolve) => {
      worker.once('message', resolve);
      worker.once('error', resolve);
      worker.once('exit', (code) => resolve(new Error(`the publisher thread exited (${code})`)));
    });
    if (first instanceof Error || first.t !== 'bound') {
      void worker.terminate();
      const why = first instanceof Error ? first.message : first.t === 'failed' ? first.message : first.t;
      throw new HqError(`${configPath}: cannot bind external_publisher at ${endpoint}: ${why}`);
    }
    return new ExternalPublisher(worker, first.endpoint, topic);
  }

  /** Hands each stored result frame over to be sent as `[topic, frame]`; never waits. */
  publish(frames: readonly string[]): void {
    if (this.closed || frames.length === 0) return;
    if (this.backlog + frames.length > MAX_BACKLOG) {
      this.dropped += frames.length;
      return;
    }
    this.backlog += frames.length;
    this.worker.postMessage({ t: 'frames', text: frames.join('\n') } satisfies ToPublisher);
  }

  /** Resolves once every frame given to publish() so far has been queued on the socket (or dropped). */
  flushed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const id = this.nextFlush++;
    return new Promise((resolve) => {
      this.flushWaiters.set(id, resolve);
      this.worker.postMessage({ t: 'flush', id } satisfies ToPublisher);
    });
  }

  /** Closes the socket; what is queued still goes out for up to a second, then the thread ends. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker.postMessage({ t: 'close' } satisfies ToPublisher);
    // The thread lingers to send what is queued; it must not keep the process alive longer.
    this.worker.unref();
  }
}
