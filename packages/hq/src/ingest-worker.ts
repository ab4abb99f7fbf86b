/**
 * The ingest thread: decodes the frames the receive thread hands over in chunks, stores results,
 * rejects, turrets and the run row in the results file, and reports statuses and counts back
 * (IngestThread is its other half). It owns the only SQLite connection of the run.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { forEachFrame } from './frame-chunk.js';
import { Ingest } from './ingest.js';
import type { FromIngest, IngestTally, IngestThreadSetup, ToIngest } from './ingest-messages.js';
import { ResultsStore } from './store/store.js';

const setup = workerData as IngestThreadSetup;
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

const store = open();
if (store) serve(store);

function serve(store: ResultsStore): void {
  const progress = new Int32Array(setup.progress);
  // When the chunk being handled was received, and the turrets heard from in it (liveness is judged
  // on when frames arrived, not on when a backlog let them be decoded).
  let chunkAt = 0;
  const heard = new Set<string>();
  const ingest: Ingest = new Ingest(store, {
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
      post({ t: 'storeFailed', message: `storing results in ${setup.dbPath} failed: ${e.message}` });
    },
  });
  const tally = (): IngestTally => ({
    counts: { ...ingest.counts },
    received: ingest.counts.stored + ingest.counts.notStored + ingest.pendingCount,
    storedByUuid: [...ingest.storedByUuid],
    notStoredByUuid: [...ingest.notStoredByUuid],
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
  port.on('message', (m: ToIngest) => {
    try {
      handle(m);
    } catch (e) {
      throw new Error(`storing results in ${setup.dbPath} failed: ${(e as Error).message}`);
    }
  });

  function handle(m: ToIngest): void {
    switch (m.t) {
      case 'frames': {
        // One clock reading per chunk: its frames arrived within CHUNK_MS of each other.
        const now = performance.now();
        chunkAt = m.at;
        forEachFrame(m.chunk, (frame) => ingest.handle(frame, now));
        if (heard.size > 0) {
          post({ t: 'heard', uuids: [...heard], at: m.at });
          heard.clear();
        }
        done(m.at);
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
          store.saveTurret(m.row);
        } catch (e) {
          warnUnlessFailed(`storing turret ${m.row.name} failed`, e);
        }
        return;
      case 'reject':
        ingest.rejectFrame(m.code, m.reason, Buffer.from(m.frame));
        return;
      case 'run':
        try {
          store.updateRun(m.fields);
        } catch (e) {
          warnUnlessFailed('updating the run row failed', e);
        }
        return;
      case 'close': {
        flush();
        let rejects = ingest.counts.rejects;
        try {
          rejects = store.countRejects();
          store.close();
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
  post({ t: 'ready' });
}
