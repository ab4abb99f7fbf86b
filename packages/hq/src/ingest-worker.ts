/**
 * The ingest thread: decodes the frames the receive thread hands over in chunks, stores results,
 * rejects, turrets and the run row in the results file, and reports statuses and counts back
 * (IngestThread is its other half). It owns the run's only store connection: a SQLite file, or a
 * PostgreSQL database (db_uri postgresql://...), whose calls are asynchronous: then each message is
 * handled to the end, store calls settled, before the next is taken, so the order, the counts and
 * the back-pressure (`done` is called once a chunk is stored) are those of SQLite.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { forEachFrame } from './frame-chunk.js';
import { Ingest } from './ingest.js';
import { LiveMetrics } from './live-metrics.js';
import type { FromIngest, IngestTally, IngestThreadSetup, ToIngest } from './ingest-messages.js';
import { PgStore } from './store/pg-store.js';
import { isPgUri, maskUri } from './store/pg-uri.js';
import { ResultsStore } from './store/store.js';

const setup = workerData as IngestThreadSetup;
/** PostgreSQL: packs of results whose COPY may run while the next is encoded (bench/hq/pg-ingest.ts). */
const PACKS_IN_FLIGHT = 3;
const port = parentPort!;
const post = (m: FromIngest): void => port.postMessage(m);
const warn = (what: string, e: unknown): void =>
  post({ t: 'warning', message: `${what}: ${(e as Error).message}` });

function open(): ResultsStore | null {
  try {
    const store = new ResultsStore(setup.dbPath, { insertLimit: setup.insertLimit });
    if (setup.run) store.createRun(setup.run);
    return store;
  } catch (e) {
    post({ t: 'failed', message: `cannot open the results file ${setup.dbPath}: ${(e as Error).message}` });
    return null;
  }
}

async function openPg(): Promise<PgStore | null> {
  try {
    return await PgStore.open(
      setup.dbPath,
      setup.runId ?? crypto.randomUUID(),
      setup.run,
      setup.storeTimeoutMs,
    );
  } catch (e) {
    // PgStore's messages name the server with its password masked.
    post({ t: 'failed', message: `results_database.db_uri: ${(e as Error).message}` });
    return null;
  }
}

/** Where results go, as messages name it (a PostgreSQL URL without its password). */
const where = isPgUri(setup.dbPath) ? maskUri(setup.dbPath) : setup.dbPath;

if (isPgUri(setup.dbPath)) {
  const store = await openPg();
  if (store) serve(store);
} else {
  const store = open();
  if (store) serve(store);
}

function serve(store: ResultsStore | PgStore): void {
  const pgStore = store instanceof PgStore ? store : null;
  const progress = new Int32Array(setup.progress);
  // When the chunk being handled was received, and the turrets heard from in it (liveness is judged
  // on when frames arrived, not on when a backlog let them be decoded).
  let chunkAt = 0;
  const heard = new Set<string>();
  const metrics = setup.metrics ? new LiveMetrics(setup.metrics) : null;
  const ingest: Ingest = new Ingest(store, {
    onCounted: metrics ? (pack, stored) => metrics.add(pack, stored) : undefined,
    flushAt: setup.flushAt,
    // Counts first, so the receiver judges a status (accounting) against what preceded it.
    onStatus: (status) => {
      post({ t: 'tally', tally: tally() });
      post({ t: 'status', status, at: chunkAt });
    },
    onHeard: (uuid) => heard.add(uuid),
    onStored: setup.publishStored
      ? (rows) => post({ t: 'stored', frames: rows.map((r) => JSON.stringify(r)) })
      : undefined,
    onMessage: setup.logMessages ? (_kind, m) => post({ t: 'log', line: JSON.stringify(m) }) : undefined,
    onError: (e) => warn('ingest', e),
    // Counts first, so the receiver sees the refused rows counted when it learns of the failure.
    onStoreFailed: (e) => {
      post({ t: 'tally', tally: tally() });
      post({ t: 'storeFailed', message: `storing results in ${where} failed: ${e.message}` });
    },
  });
  const tally = (): IngestTally => ({
    counts: { ...ingest.counts },
    received: ingest.counts.stored + ingest.counts.notStored + ingest.pendingCount,
    storedByUuid: [...ingest.storedByUuid],
    notStoredByUuid: [...ingest.notStoredByUuid],
    ...(metrics ? { metrics: metrics.snapshot() } : {}),
  });
  /** Once the file refused results, its failing turret and run row updates are not worth a warning each. */
  const warnUnlessFailed = (what: string, e: unknown): void => {
    if (ingest.storeFailure === null) warn(what, e);
  };
  const flush = (): void => {
    try {
      ingest.flush();
    } catch (e) {
      warn('storing results failed', e);
    }
  };

  const done = (at: number): void => {
    Atomics.store(progress, 2, Math.floor(at));
    const doneCount = (Atomics.add(progress, 0, 1) + 1) | 0;
    // The receiver paused for us (too many chunks in flight): wake it once enough are done.
    const target = Atomics.load(progress, 1);
    if (
      target !== 0 &&
      ((doneCount - target) | 0) >= 0 &&
      Atomics.compareExchange(progress, 1, target, 0) === target
    )
      post({ t: 'unblocked' });
  };

  // A results file that refuses rows (disk full, file damaged) is reported once (storeFailed) and the
  // run stops its turrets; results are still decoded and counted, not stored. Anything else thrown
  // here ends this thread with the reason, and with it the run.
  const fatal = (e: unknown): Error =>
    new Error(`storing results in ${where} failed: ${(e as Error).message}`);
  if (pgStore === null) {
    port.on('message', (m: ToIngest) => {
      try {
        handle(m);
      } catch (e) {
        throw fatal(e);
      }
    });
  } else {
    // One message at a time, each to the end (its store calls settled) before the next.
    const queue: ToIngest[] = [];
    let running = false;
    const drain = async (): Promise<void> => {
      running = true;
      try {
        for (let m = queue.shift(); m !== undefined; m = queue.shift()) await handleAsync(m, pgStore);
      } catch (e) {
        setImmediate(() => {
          throw fatal(e);
        });
      }
      running = false;
    };
    port.on('message', (m: ToIngest) => {
      queue.push(m);
      if (!running) void drain();
    });
  }

  const afterFrames = (at: number): void => {
    if (heard.size > 0) {
      post({ t: 'heard', uuids: [...heard], at });
      heard.clear();
    }
    done(at);
  };

  function handle(m: ToIngest): void {
    switch (m.t) {
      case 'frames': {
        // One clock reading per chunk: its frames arrived within CHUNK_MS of each other.
        const now = performance.now();
        chunkAt = m.at;
        forEachFrame(m.chunk, (frame) => ingest.handle(frame, now));
        afterFrames(m.at);
        return;
      }
      case 'rows':
        ingest.storePacked(m.rows);
        done(m.at);
        return;
      case 'flush':
        ingest.flush();
        post({ t: 'flushed', id: m.id, tally: tally() });
        return;
      case 'turret':
        try {
          (store as ResultsStore).saveTurret(m.row);
        } catch (e) {
          warnUnlessFailed(`storing turret ${m.row.name} failed`, e);
        }
        return;
      case 'reject':
        ingest.rejectFrame(m.code, m.reason, Buffer.from(m.frame));
        return;
      case 'run':
        try {
          (store as ResultsStore).updateRun(m.fields);
        } catch (e) {
          warnUnlessFailed('updating the run row failed', e);
        }
        return;
      case 'close': {
        flush();
        let rejects = ingest.counts.rejects;
        try {
          rejects = (store as ResultsStore).countRejects();
          (store as ResultsStore).close();
        } catch (e) {
          if (ingest.storeFailure === null) warn('closing the results file failed', e);
          else if (existsSync(`${setup.dbPath}-wal`))
            post({
              t: 'warning',
              message: `${setup.dbPath}-wal holds results that could not be folded into ${basename(setup.dbPath)} (no room): keep it beside it, SQLite reads both`,
            });
        }
        post({ t: 'closed', tally: tally(), rejects });
        port.close();
        return;
      }
    }
  }

  /** Packs whose COPY may still run (PostgreSQL). */
  const window: Promise<void>[] = [];

  /** handle() for PostgreSQL: every store call of a message settles before the next step. */
  async function handleAsync(m: ToIngest, pg: PgStore): Promise<void> {
    // Anything but a pack waits until every pack before it is stored (statuses are judged on counts).
    if (m.t !== 'rows' && window.length > 0) {
      await Promise.all(window);
      window.length = 0;
    }
    switch (m.t) {
      case 'frames': {
        const now = performance.now();
        chunkAt = m.at;
        const frames: Uint8Array[] = [];
        forEachFrame(m.chunk, (frame) => frames.push(frame));
        // Settle after each frame that stored something: a status then sees every result before it counted.
        for (const frame of frames) {
          ingest.handle(frame, now);
          if (ingest.busy) await ingest.settle();
        }
        afterFrames(m.at);
        return;
      }
      case 'rows': {
        // Packs only add rows: the next may be encoded while the database copies this one (one
        // connection: COPYs run in order). Each is done, for back-pressure, once it is stored.
        ingest.storePacked(m.rows);
        const at = m.at;
        window.push(ingest.settledSoFar().then(() => done(at)));
        if (window.length >= PACKS_IN_FLIGHT) await window.shift();
        return;
      }
      case 'flush':
        ingest.flush();
        await ingest.settle();
        post({ t: 'flushed', id: m.id, tally: tally() });
        return;
      case 'turret':
        await pg
          .saveTurret(m.row)
          .catch((e: unknown) => warnUnlessFailed(`storing turret ${m.row.name} failed`, e));
        return;
      case 'reject':
        ingest.rejectFrame(m.code, m.reason, Buffer.from(m.frame));
        await ingest.settle();
        return;
      case 'run':
        await pg
          .updateRun(m.fields)
          .catch((e: unknown) => warnUnlessFailed('updating the run row failed', e));
        return;
      case 'close': {
        flush();
        await ingest.settle();
        let rejects = ingest.counts.rejects;
        try {
          rejects = await pg.countRejects();
        } catch (e) {
          warnUnlessFailed('counting rejected frames failed', e);
        }
        await pg.close().catch((e: unknown) => warnUnlessFailed('closing the database connection failed', e));
        post({ t: 'closed', tally: tally(), rejects });
        port.close();
        return;
      }
    }
  }
  post({ t: 'ready' });
}
