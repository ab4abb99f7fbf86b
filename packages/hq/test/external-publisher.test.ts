/**
 * The external publisher on its own: OCT's port-number form, two-part `[topic, result]` messages,
 * topic filtering by the subscribers, and a stuck subscriber that never slows publishing (the PUB
 * socket, on the publisher thread, drops for it; the thread's own backlog is bounded).
 *
 *   ExternalPublisher PUB (tcp://*:<port>) -- [topic, json] -->  SUB "t-a" (the topic)
 *                                                           -->  SUB ""    (every topic)
 *                                                           -->  SUB "t-b" (another topic: nothing)
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as zmq from 'zeromq';
import { HqError } from '../src/index.js';
import { ExternalPublisher, MAX_BACKLOG, externalEndpoint, randomTopic } from '../src/external-publisher.js';
import { freePort } from './helpers.js';

const sockets: { close(): void }[] = [];
after(() => {
  for (const s of sockets) s.close();
});

/** Receives into `into` until the socket closes. */
function collect(sub: zmq.Subscriber, into: Buffer[][]): void {
  void (async () => {
    for await (const parts of sub) into.push(parts);
  })().catch(() => undefined);
}

async function until(predicate: () => boolean, timeoutMs: number, what: string, tick?: () => void) {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    tick?.();
    await new Promise((r) => setTimeout(r, 50));
  }
}

void describe('external_publisher', () => {
  void it('reads a port number as OCT did (every interface) and an endpoint as given', () => {
    assert.equal(externalEndpoint(5002), 'tcp://*:5002');
    assert.equal(externalEndpoint('tcp://127.0.0.1:5002'), 'tcp://127.0.0.1:5002');
    assert.equal(externalEndpoint('ipc:///tmp/oct.sock'), 'ipc:///tmp/oct.sock');
    assert.equal(externalEndpoint(false), null);
    const [a, b] = [randomTopic(), randomTopic()];
    assert.match(a, /^[0-9a-f]{32}$/, "uuid4().hex's form");
    assert.notEqual(a, b);
  });

  void it('sends each result as [topic, json]: the topic subscriber and "" get them all, another topic none', async () => {
    const port = await freePort();
    const ext = await ExternalPublisher.open(port, 't-a', 'config.json');
    sockets.push(ext);
    assert.equal(ext.endpoint, `tcp://0.0.0.0:${port}`);
    const got: Record<string, Buffer[][]> = { 't-a': [], '': [], 't-b': [] };
    for (const topic of Object.keys(got)) {
      const sub = new zmq.Subscriber({ linger: 0 });
      sockets.push(sub);
      sub.connect(`tcp://127.0.0.1:${port}`);
      sub.subscribe(topic);
      collect(sub, got[topic]!);
    }
    // Subscriptions land asynchronously: probe until both subscribers that should hear have heard.
    await until(
      () => got['t-a']!.length > 0 && got['']!.length > 0,
      30_000,
      'the subscriptions to land',
      () => ext.publish(['{"probe":true}']),
    );
    await ext.flushed();
    const probes = { a: got['t-a']!.length, all: got['']!.length };
    const frames = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ scriptrun_time: i, error: '' }));
    ext.publish(frames.slice(0, 400));
    ext.publish(frames.slice(400));
    await ext.flushed();
    await until(
      () => got['t-a']!.length >= probes.a + 1000 && got['']!.length >= probes.all + 1000,
      30_000,
      'every result',
    );
    for (const [name, received, skip] of [
      ['t-a', got['t-a']!, probes.a],
      ['""', got['']!, probes.all],
    ] as const) {
      const real = received.slice(skip).filter((m) => !m[1]!.toString().includes('probe'));
      assert.equal(real.length, 1000, `${name}: every result once`);
      for (const [i, parts] of real.entries()) {
        assert.equal(parts.length, 2, `${name}: two parts`);
        assert.equal(parts[0]!.toString(), 't-a');
        assert.deepEqual(JSON.parse(parts[1]!.toString()), { scriptrun_time: i, error: '' });
      }
    }
    assert.equal(got['t-b']!.length, 0, 'a subscriber to another topic gets nothing');
  });

  void it('never waits for a subscriber that does not read (PUB drops at its high-water mark)', async () => {
    const ext = await ExternalPublisher.open('tcp://127.0.0.1:*', randomTopic(), 'config.json');
    sockets.push(ext);
    const stuck = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 10 });
    sockets.push(stuck);
    // Once its handshake is done, the PUB has a queue for it to fill (observe before connecting).
    const handshake = (async () => {
      for await (const event of stuck.events) if (event.type === 'handshake') return;
    })();
    stuck.connect(ext.endpoint);
    stuck.subscribe();
    await handshake;
    const frame = JSON.stringify({ scriptrun_time: 0.1, error: '', custom_timers: { x: 'y'.repeat(200) } });
    const began = Date.now();
    // Three times the high-water mark, never read: far more than the socket may queue. Handed over
    // at once, the last 100,000 find the publisher thread MAX_BACKLOG frames behind: dropped there.
    for (let i = 0; i < 30; i++) ext.publish(Array.from({ length: 10_000 }, () => frame));
    assert.equal(MAX_BACKLOG, 200_000);
    assert.equal(ext.dropped, 100_000);
    await ext.flushed();
    assert.ok(Date.now() - began < 60_000, `publishing took ${Date.now() - began} ms`);
    // Once the thread has caught up, frames are taken again.
    ext.publish([frame]);
    await ext.flushed();
    assert.equal(ext.dropped, 100_000);
  });

  void it('names the config file and key when the endpoint cannot be bound', async () => {
    const ext = await ExternalPublisher.open('tcp://127.0.0.1:*', randomTopic(), 'config.json');
    sockets.push(ext);
    await assert.rejects(
      ExternalPublisher.open(ext.endpoint, 'x', '/p/config.json'),
      (e: unknown) =>
        e instanceof HqError &&
        e.message.startsWith(`/p/config.json: cannot bind external_publisher at ${ext.endpoint}: `),
    );
  });
});
