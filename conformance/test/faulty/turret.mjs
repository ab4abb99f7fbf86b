#!/usr/bin/env node
// A small turret written from spec/protocol.adoc, used to prove the kit: with no fault it should
// pass every scenario; `--fault=<name>` breaks exactly one rule so the kit must name that clause.
// Usage: node turret.mjs <config.json> [--fault=<name>]
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { pathToFileURL } from 'node:url';
import * as zmq from 'zeromq';
import { decodeCommand, encodeProtobufBatch, isAddressedTo } from '@oct/protocol';
import { KeyFileError, parseCertificate, readCertificate } from '@oct/protocol/curve-keys';

const configPath = process.argv[2];
const fault = (process.argv.find((a) => a.startsWith('--fault=')) ?? '--fault=none').slice(8);
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const canons =
  fault === 'one-canon'
    ? 1
    : fault === 'only-cannons'
      ? Number(config.cannons ?? 1)
      : Number(config.canons ?? config.cannons ?? 1);
const rampup = fault === 'no-rampup' ? 0 : Number(config.rampup ?? 0);
// legacy: speaks as oct-turrets 0.2.8 does (no protocol, no capabilities, results without names).
const legacy = fault === 'legacy';
const uuid = randomUUID();
const capabilities = legacy ? [] : ['batch', 'protobuf', 'accounting', 'session'];
const hqTimeoutMs = Number(config.hq_timeout ?? 30) * 1000;
// A transaction still running after transaction_timeout is reported as timed out (spec 7.6).
const txTimeoutS = Number(config.transaction_timeout ?? 60);
let hqCaps = [];
let runId = null; // session: the run_id of the last start obeyed
let lastHeard = performance.now();
let state = 'ready';
let context = {};
let resultsSent = null;
let wrapped = 0;
let modern = false; // speaks protocol 1.x once an HQ advertised it (spec 8.15, section 12)
let stops = 0;
let canonsAbandoned = 0; // at the last stop (spec 4.3.6)
// Canons get this long to finish their transaction after a stop, then are abandoned (spec 4.3.6).
const STOP_GRACE_MS = 5000;
let emitted = 0;

if (fault === 'need-hq')
  await new Promise((ok) => {
    const probe = connect(Number(config.hq_rc), config.hq_address, () => ok(probe.destroy()));
    probe.on('error', () => process.exit(2));
  });
// curve (spec 11): with both key files, SUB and PUSH are CURVE clients of the HQ holding the key.
function curveOptions() {
  if (!config.curve_server_key || !config.curve_secret_key || fault === 'curve-ignore-keys') return {};
  const path = (file) => resolve(dirname(configPath), file);
  try {
    const server = readCertificate(path(config.curve_server_key), { secret: false });
    const own =
      fault === 'curve-lax-mode' // reads the secret file whatever its mode
        ? parseCertificate(readFileSync(path(config.curve_secret_key), 'utf8'), config.curve_secret_key)
        : readCertificate(path(config.curve_secret_key), { secret: true });
    return { curveServerKey: server.publicKey, curvePublicKey: own.publicKey, curveSecretKey: own.secretKey };
  } catch (e) {
    if (!(e instanceof KeyFileError) || fault === 'curve-stack-trace') throw e;
    process.stderr.write(`turret.mjs: ${e.message} (spec 11.3)\n`);
    process.exit(2);
  }
}
const curve = curveOptions();
const push = new zmq.Push({ linger: 2000, ...curve });
const sub = new zmq.Subscriber(fault === 'curve-plain-sub' ? {} : curve);
const endpoints = new Map([
  [push, `tcp://${config.hq_address}:${config.hq_rc}`],
  [sub, `tcp://${config.hq_address}:${config.hq_publisher}`],
]);
// spec 11.5: one line per socket and kind of failure, and keep trying. ZeroMQ retries on its own when
// the HQ drops the connection (another key), but gives up on the endpoint after a mechanism
// mismatch (a plain HQ) or a ZAP refusal: then connect again a second later.
for (const [socket, which] of [
  [sub, 'SUB'],
  [push, 'PUSH'],
]) {
  const said = new Set();
  let again = null;
  (async () => {
    for await (const event of socket.events) {
      if (!event.type.startsWith('handshake:error')) continue;
      const final = event.type === 'handshake:error:protocol' || event.type === 'handshake:error:auth';
      if (final && !again && fault !== 'curve-no-reconnect')
        again = setTimeout(() => {
          again = null;
          if (socket.closed) return;
          try {
            socket.disconnect(endpoints.get(socket));
          } catch {
            // libzmq already dropped the endpoint
          }
          socket.connect(endpoints.get(socket));
        }, 1000);
      if (said.has(event.type) || fault === 'curve-silent') continue;
      said.add(event.type);
      process.stderr.write(
        `turret.mjs: CURVE handshake with the HQ failed on ${which} (${event.type}); retrying\n`,
      );
      if (fault === 'curve-give-up') process.exit(3);
    }
  })().catch(() => undefined);
}
push.connect(endpoints.get(push));
sub.connect(endpoints.get(sub));
sub.subscribe(fault === 'no-broadcast' ? uuid : '');

let chain = Promise.resolve();
const send = (text) => (chain = chain.then(() => push.send(text)).catch(() => undefined));
const both = (cap) => capabilities.includes(cap) && (hqCaps.includes(cap) || fault === 'batch-always');

function status(word = state) {
  if (fault === 'no-status') return;
  if (fault === 'bad-word' && word === 'running') word = 'busy';
  if (!modern && fault !== 'modern-before-advert') {
    // spec 12.1: until an HQ advertised protocol 1.x, exactly the keys OCT 0.4's HQ stores.
    const old = {
      turret: config.name,
      status: fault === 'uppercase' ? word.toUpperCase() : word,
      uuid,
      rampup,
      script: config.script,
      cannons: canons,
    };
    if (fault === 'bad-status') delete old.rampup;
    send(JSON.stringify(old));
    return;
  }
  const m = {
    turret: config.name,
    status: fault === 'uppercase' ? word.toUpperCase() : word,
    uuid,
    rampup,
    script: config.script,
    canons,
  };
  if (fault === 'bad-status') delete m.rampup;
  if (fault !== 'no-protocol' && !legacy) Object.assign(m, { protocol: '1.0', capabilities });
  if (resultsSent !== null && both('accounting'))
    m.results_sent = fault === 'seq-gap' ? resultsSent + 1 : resultsSent;
  if (both('session') && runId !== null && fault !== 'no-run-id') m.run_id = runId;
  if (canonsAbandoned > 0 && word !== 'running' && fault !== 'no-canons-abandoned')
    m.canons_abandoned = canonsAbandoned;
  const text = JSON.stringify(m);
  send(fault === 'array-status' && resultsSent !== null && !wrapped++ ? `[${text}]` : text);
}

let Transaction;
let loadError = null;
try {
  ({ Transaction } = await import(pathToFileURL(resolve(dirname(configPath), config.script)).href));
} catch (e) {
  loadError = e;
}
// abort-at-start-exit-zero: like a turret that loads its script at start, it aborts then.
if (loadError !== null && fault !== 'abort-at-start-exit-zero') {
  const e = loadError;
  status('aborted');
  send(
    JSON.stringify({
      turret: config.name,
      status: 'aborted',
      uuid,
      rampup,
      script: config.script,
      canons,
      ...(legacy || !modern ? {} : { protocol: '1.0', capabilities, reason: String(e) }),
    }),
  );
  await chain;
  await new Promise((r) => setTimeout(r, 300));
  process.exit(fault === 'abort-exit-zero' ? 0 : 1);
}

if (fault !== 'late-status') status();
else setTimeout(() => status(), 7000);
const heartbeat = setInterval(() => {
  if (fault === 'late-status' && performance.now() < 7000) return;
  if (state === 'ready' && fault !== 'no-heartbeat') status();
}, 2000);
// session: nothing heard from the HQ for hq_timeout while running: stop as on stop (spec 8.11).
setInterval(() => {
  if (!both('session') || state !== 'running' || !firing || hqTimeoutMs <= 0 || fault === 'outlive-hq')
    return;
  if (performance.now() - lastHeard < hqTimeoutMs) return;
  void stop().then(() => status());
}, 100);

// Firing
let firing = null; // { t0, seq, buffer, canonsDone: Promise[] , stopped }
function emit(run, result) {
  if (run.closed) return; // an abandoned canon's late result (spec 4.3.6)
  if (both('accounting')) result.seq = fault === 'seq-gap' && run.seq === 3 ? ++run.seq : run.seq;
  run.seq += 1;
  run.sent += 1;
  if (both('batch')) run.buffer.push(result);
  else {
    const text = JSON.stringify(
      legacy
        ? result
        : modern || fault === 'uuid-before-advert'
          ? { turret_name: config.name, uuid, ...result }
          : { ...result, turret_name: config.name },
    );
    send(text);
    emitted += 1;
    if (fault === 'duplicate-results' || (fault === 'duplicate-one-in-twenty' && emitted % 20 === 0))
      send(text);
  }
}
function flush(run) {
  if (run.buffer.length === 0) return;
  const batch = { turret_name: config.name, uuid, results: run.buffer.splice(0) };
  if (fault === 'bad-batch') delete batch.uuid;
  if (both('protobuf'))
    chain = chain
      .then(() =>
        push.send(Buffer.from(encodeProtobufBatch(batch)).subarray(fault === 'untagged-protobuf' ? 1 : 0)),
      )
      .catch(() => undefined);
  else send(JSON.stringify(batch));
}
async function canon(run, i) {
  const stagger = fault === 'rampup-zero-stagger' && rampup === 0 ? 1000 * i : (i * rampup * 1000) / canons;
  await new Promise((r) => setTimeout(r, stagger));
  while (!run.stopped) {
    const txn = new Transaction(config, fault === 'no-context' ? {} : context);
    const t = performance.now();
    try {
      await txn.setup?.();
    } catch (e) {
      // A failed setup is reported as a result apart from transactions, then retried (spec 5.3.2).
      const result = {
        elapsed: (t - run.t0) / 1000,
        epoch: Date.now() / 1000,
        scriptrun_time: (performance.now() - t) / 1000,
        error: `setup: ${String(e?.message ?? e)}`,
        custom_timers: {},
      };
      if (modern && fault !== 'no-setup-failed') result.setup_failed = true;
      emit(run, result);
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    while (!run.stopped) {
      txn.customTimers = {};
      const t = performance.now();
      const epoch =
        fault === 'whole-epoch'
          ? Math.floor(Date.now() / 1000)
          : fault === 'ms-epoch'
            ? Date.now()
            : Date.now() / 1000;
      let error = '';
      try {
        const outcome = txn.run();
        if (txTimeoutS > 0) {
          let timer;
          const late = new Promise((r) => (timer = setTimeout(r, txTimeoutS * 1000, 'late')));
          const first = await Promise.race([Promise.resolve(outcome).then(() => 'done'), late]);
          clearTimeout(timer);
          if (first === 'late') error = `transaction timed out after ${txTimeoutS} s (transaction_timeout)`;
        } else await outcome;
      } catch (e) {
        error = fault === 'empty-error' ? '' : String(e?.message ?? e) || 'error';
        if (fault === 'error-kills-canon') run.stopped = true;
      }
      const result = {
        elapsed: (t - run.t0) / 1000,
        epoch,
        scriptrun_time: (performance.now() - t) / 1000,
        error: fault === 'error-on-success' && error === '' ? 'none' : error,
        custom_timers: fault === 'drop-timers' ? {} : { ...txn.customTimers },
      };
      if (fault === 'malformed-results') result.scriptrun_time = 'fast';
      if (fault === 'error-null') result.error = null;
      if (fault === 'drop-in-flight' && run.stopped) continue;
      if (fault === 'no-turret-name') {
        send(JSON.stringify(result));
        continue;
      }
      emit(run, result);
    }
    if (fault !== 'no-teardown') await txn.tearDown?.();
  }
}
function start(id = null) {
  runId = id;
  const run = { t0: performance.now(), seq: 0, sent: 0, buffer: [], stopped: false };
  run.timer = setInterval(() => flush(run), 100);
  run.finished = 0;
  run.done = Promise.all(
    Array.from({ length: canons }, (_, i) => canon(run, i).finally(() => run.finished++)),
  );
  firing = run;
  resultsSent = null;
  canonsAbandoned = 0;
  state = fault === 'stays-ready' ? 'ready' : 'running';
}
async function stop() {
  const run = firing;
  if (!run) return;
  run.stopped = true;
  let grace;
  await Promise.race([run.done, new Promise((r) => (grace = setTimeout(r, STOP_GRACE_MS)))]);
  clearTimeout(grace);
  run.closed = true;
  canonsAbandoned = canons - run.finished;
  clearInterval(run.timer);
  flush(run);
  resultsSent = run.sent;
  firing = null;
  state = fault === 'no-ready-after-stop' ? 'running' : 'ready';
}

for await (const [frame] of sub) {
  lastHeard = performance.now();
  const decoded = decodeCommand(frame);
  if (!decoded.ok) {
    if (fault === 'die-on-malformed') process.exit(3);
    if (fault === 'bad-advert-legacy' && /^ \{"command":"status_request"/.test(String(frame))) {
      // Takes an invalid advertisement (e.g. protocol "2.0") for an HQ advertising nothing (spec 4.1.1).
      hqCaps = [];
      modern = false;
      status();
    }
    continue;
  }
  const { topic, command, known } = decoded.value;
  if (fault === 'die-on-direct' && topic !== '') process.exit(3); // parses the whole frame as JSON
  const mine =
    fault === 'obey-other' ? true : fault === 'ignore-direct' ? topic === '' : isAddressedTo(topic, uuid);
  if (!mine) continue;
  if (fault === 'strict-fields' && Object.keys(command).some((k) => k !== 'command' && k !== 'msg')) continue;
  if (!known) {
    if (fault === 'die-on-unknown') process.exit(3);
    continue;
  }
  switch (command.command) {
    case 'status_request': {
      const msg = command.msg;
      if (msg === null || msg === undefined) {
        // A legacy HQ (spec 8.15): every extension out of effect, and its dialect (section 12).
        if (fault !== 'sticky-extensions') {
          hqCaps = [];
          modern = false;
        }
      } else if (
        !legacy &&
        typeof msg === 'object' &&
        typeof msg.protocol === 'string' &&
        msg.protocol.startsWith('1.')
      ) {
        // spec 12.5: speaking 1.x from now on, mid-firing: seq and results_sent count from here.
        if (!modern && firing) {
          firing.seq = 0;
          firing.sent = 0;
        }
        modern = true;
        hqCaps = Array.isArray(msg.capabilities) ? msg.capabilities : [];
      }
      // session: another HQ's run on these ports; this start is not its (spec 8.10).
      const hqRun = msg && typeof msg === 'object' ? msg.run_id : undefined;
      if (both('session') && state === 'running' && typeof hqRun === 'string' && hqRun !== runId)
        if (fault !== 'ignore-new-run') await stop();
      if (fault === 'no-status-running' && state === 'running') continue;
      if (fault === 'mute-after-stop' && state === 'ready' && stops > 0) continue;
      break;
    }
    case 'start':
      if (state === 'running' && fault !== 'restart-on-start') continue;
      if (loadError !== null) {
        status('aborted');
        await chain;
        process.exit(0);
      }
      if (fault === 'restart-on-start' && firing) {
        firing.stopped = true;
        firing = null;
      }
      if (fault === 'no-ready-after-stop' && resultsSent !== null) continue;
      start(typeof command.run_id === 'string' ? command.run_id : null);
      if (fault === 'silent-start') continue;
      break;
    case 'stop':
      if (fault === 'ignore-stop') continue;
      if (fault === 'die-on-idle-stop' && state === 'ready') process.exit(3);
      if (fault === 'abort-on-early-stop' && firing && performance.now() - firing.t0 < 3000) {
        status('aborted');
        await chain;
        process.exit(1);
      }
      stops += 1;
      if (fault === 'ready-while-stopping' && firing) state = 'ready';
      // Canons finish in the background: statuses meanwhile say running (spec 4.3.5, 4.1).
      void stop().then(() => status());
      break;
    case 'kill':
      clearInterval(heartbeat);
      if (fault !== 'no-kill-status') status('killed');
      await chain;
      if (fault === 'slow-kill') await new Promise((r) => setTimeout(r, 5000));
      process.exit(1);
      break;
    case 'set_transaction_context':
      // Without msg, the context becomes {} (spec 4.5.3).
      if (command.msg !== undefined || fault !== 'context-needs-msg') context = command.msg ?? {};
      break;
  }
  status();
}
