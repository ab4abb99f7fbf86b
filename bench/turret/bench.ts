/**
 * Turret benchmarks (not run by tests). Usage, from the repo root, after building @oct/turret:
 *
 *   node --import tsx bench/turret/bench.ts [--seconds 5] [--only results|http]
 *
 * 1. results/s delivered to a PULL sink with an empty transaction (1 and 2 workers, batch + protobuf
 *    + accounting negotiated); every result is decoded and the total is checked against results_sent.
 * 2. HTTP requests/s against a local keep-alive node:http server: autocannon vs the turret (GET through
 *    an undici Pool), same server, same number of connections, same run.
 *
 * bench PUB  -- status_request {capabilities}, start, stop, kill -->  turret SUB
 * bench PULL <-- statuses, protobuf batches --  turret PUSH
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Publisher, Pull } from 'zeromq';
import { PROTOBUF_BATCH_TAG, encodeCommand } from '@oct/protocol';

const here = dirname(fileURLToPath(import.meta.url));
const turretBin = join(here, '..', '..', 'packages', 'turret', 'dist', 'bin.js');
const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1] ?? 5) || 5;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Sink {
  pub: Publisher;
  pull: Pull;
  pubPort: number;
  pullPort: number;
  /** Decoded results so far, with the time of each frame's arrival. */
  count: number;
  statuses: Record<string, unknown>[];
  close(): void;
}

async function sink(): Promise<Sink> {
  const pub = new Publisher({ linger: 0 });
  const pull = new Pull({ linger: 0 });
  await pub.bind('tcp://127.0.0.1:*');
  await pull.bind('tcp://127.0.0.1:*');
  const port = (e: string | null): number => Number(/:(\d+)$/.exec(e ?? '')![1]);
  const s: Sink = {
    pub,
    pull,
    pubPort: port(pub.lastEndpoint),
    pullPort: port(pull.lastEndpoint),
    count: 0,
    statuses: [],
    close: () => {
      pub.close();
      pull.close();
    },
  };
  void (async () => {
    for (;;) {
      let frame: Buffer;
      try {
        [frame] = (await pull.receive()) as [Buffer];
      } catch {
        return;
      }
      if (frame[0] === PROTOBUF_BATCH_TAG) {
        s.count += countProtobufResults(frame);
        continue;
      }
      const msg = JSON.parse(frame.toString('utf8')) as Record<string, unknown>;
      if (Array.isArray(msg.results)) s.count += msg.results.length;
      else if ('status' in msg) s.statuses.push(msg);
      else s.count++;
    }
  })();
  return s;
}

/**
 * Counts the `results` (field 3) of a tagged ResultBatch frame by walking its top-level fields,
 * without decoding each result: the sink must not be the bottleneck. Correctness of the content is
 * the tests' business (they decode everything).
 */
function countProtobufResults(frame: Uint8Array): number {
  let i = 1;
  let n = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = frame[i++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  };
  while (i < frame.length) {
    const key = varint();
    const wire = key & 7;
    if (wire === 2) {
      const len = varint();
      if (key >>> 3 === 3) n++;
      i += len;
    } else if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new Error(`unexpected wire type ${wire}`);
  }
  return n;
}

async function until<T>(check: () => T | undefined, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Runs a turret for `seconds` and returns results/s measured after a 1 s warm-up. */
async function runTurret(
  config: Record<string, unknown>,
): Promise<{ rate: number; total: number; sent: number }> {
  const s = await sink();
  const dir = mkdtempSync(join(tmpdir(), 'oct-bench-'));
  const file = join(dir, 'turret.json');
  writeFileSync(file, JSON.stringify({ hq_publisher: s.pubPort, hq_rc: s.pullPort, rampup: 0, ...config }));
  const child = spawn(process.execPath, [turretBin, 'start', '--config', file], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  try {
    await until(() => s.statuses.find((x) => x.status === 'ready'), 'ready');
    await sleep(300);
    await s.pub.send(
      encodeCommand({
        command: 'status_request',
        msg: { protocol: '1.0', capabilities: ['batch', 'protobuf', 'accounting'] },
      }),
    );
    await sleep(100);
    await s.pub.send(encodeCommand({ command: 'start', msg: 'open fire' }));
    await sleep(1000);
    const c0 = s.count;
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const rate = ((s.count - c0) * 1000) / (performance.now() - t0);
    const before = s.statuses.length;
    await s.pub.send(encodeCommand({ command: 'stop', msg: 'bench over' }));
    const ready = await until(
      () => s.statuses.slice(before).find((x) => x.status === 'ready'),
      'ready after stop',
    );
    await sleep(300);
    return { rate, total: s.count, sent: Number(ready.results_sent) };
  } finally {
    await s.pub.send(encodeCommand({ command: 'kill', msg: 'bench over' })).catch(() => undefined);
    await exit(child);
    s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function exit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  return new Promise((r) =>
    child.once('exit', () => {
      clearTimeout(timer);
      r();
    }),
  );
}

async function resultsBench(): Promise<void> {
  for (const workers of [1, 2]) {
    const r = await runTurret({
      name: `empty-w${workers}`,
      canons: 4,
      workers,
      script: join(here, 'empty.js'),
    });
    const lost = r.sent - r.total;
    console.log(
      `results/s, empty transaction, ${workers} worker(s), 4 canons: ${Math.round(r.rate).toLocaleString('en')}/s` +
        ` (received ${r.total.toLocaleString('en')}, turret results_sent ${r.sent.toLocaleString('en')}, lost ${lost})`,
    );
  }
}

async function httpBench(): Promise<void> {
  const connections = 16;
  const server = spawn(process.execPath, [join(here, 'server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) =>
      server.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
    );
    const url = `http://127.0.0.1:${port}/`;
    const require = createRequire(import.meta.url);
    const autocannonCli = join(dirname(require.resolve('autocannon/package.json')), 'autocannon.js');
    // Alternate the two, twice, and keep each one's best: the machine is shared, load varies.
    let acBest = 0;
    let turretBest = 0;
    for (let round = 1; round <= 2; round++) {
      const ac = spawn(
        process.execPath,
        [autocannonCli, '-c', String(connections), '-d', String(seconds + 1), '-j', url],
        {
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      let out = '';
      ac.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise((r) => ac.once('close', r)); // 'close': stdout fully read
      const report = JSON.parse(out) as { requests: { average: number }; errors: number; non2xx: number };
      acBest = Math.max(acBest, report.requests.average);
      console.log(
        `round ${round} autocannon: ${Math.round(report.requests.average).toLocaleString('en')} req/s (${connections} connections, ${report.errors} errors, ${report.non2xx} non-2xx)`,
      );
      const t = await runTurret({
        name: 'http',
        canons: connections,
        workers: 1,
        script: join(here, 'http-get.js'),
        target_origin: `http://127.0.0.1:${port}`,
      });
      turretBest = Math.max(turretBest, t.rate);
      console.log(
        `round ${round} oct-turret: ${Math.round(t.rate).toLocaleString('en')} req/s (${connections} canons, 1 worker; ${t.sent - t.total} results lost)`,
      );
    }
    console.log(
      `best: oct-turret ${Math.round(turretBest).toLocaleString('en')} req/s = ${((100 * turretBest) / acBest).toFixed(0)}% of autocannon ${Math.round(acBest).toLocaleString('en')} req/s`,
    );
  } finally {
    server.kill('SIGTERM');
    await exit(server);
  }
}

if (only !== 'http') await resultsBench();
if (only !== 'results') await httpBench();
