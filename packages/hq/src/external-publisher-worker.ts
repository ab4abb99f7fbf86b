/**
 * The external publisher's thread (ExternalPublisher is its other half): owns the PUB socket, so the
 * per-message cost of sending (a few microseconds each) is spent neither on the main thread, which
 * receives the turrets' frames, nor on the ingest thread, which stores them.
 *
 * ```
 *  main thread -- {t: 'frames', text: "<json>\n<json>..."} -->  this thread
 *  this thread -- [topic, json] per result --------------------> PUB (subscribers)
 *  this thread -- {t: 'sent', n} / {t: 'flushed', id} ---------> main thread
 * ```
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as zmq from 'zeromq';
import type { FromPublisher, PublisherSetup, ToPublisher } from './external-publisher.js';

const setup = workerData as PublisherSetup;
const port = parentPort!;
const post = (m: FromPublisher): void => port.postMessage(m);
const socket = new zmq.Publisher({ linger: setup.lingerMs, sendHighWaterMark: setup.sendHighWaterMark });
/** Messages are handled one after the other: zeromq.js allows one send in flight per socket. */
let chain: Promise<unknown> = Promise.resolve();

async function handle(m: ToPublisher): Promise<void> {
  switch (m.t) {
    case 'frames': {
      const frames = m.text.split('\n');
      // A PUB socket queues or drops, never blocks: each send resolves at once.
      for (const f of frames) if (!socket.closed) await socket.send([setup.topic, f]);
      post({ t: 'sent', n: frames.length });
      return;
    }
    case 'flush':
      post({ t: 'flushed', id: m.id });
      return;
    case 'close':
      // What is queued still goes out for up to lingerMs, then the thread ends.
      if (!socket.closed) socket.close();
      port.close();
      return;
  }
}

try {
  await socket.bind(setup.endpoint);
  post({ t: 'bound', endpoint: socket.lastEndpoint ?? setup.endpoint });
  port.on('message', (m: ToPublisher) => {
    chain = chain.then(() => handle(m)).catch(() => undefined);
  });
} catch (e) {
  socket.close();
  post({ t: 'failed', message: (e as Error).message });
  port.close();
}
