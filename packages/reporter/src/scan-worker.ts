/** Worker thread of scanResults: scans one rowid range of the results file and posts the partial result. */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { partialToPlain, scanRange, type ScanPlan } from './aggregate.js';

const plan = workerData as ScanPlan;
let db: Database.Database | undefined;
try {
  db = new Database(plan.dbPath, { readonly: true, fileMustExist: true });
  const plain = partialToPlain(scanRange(db, plan));
  parentPort?.postMessage({ ok: true, result: plain });
} catch (err) {
  parentPort?.postMessage({ ok: false, message: (err as Error).message });
} finally {
  db?.close();
}
