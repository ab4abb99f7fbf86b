#!/usr/bin/python3
"""A small OCT turret in Python, written from spec/protocol.adoc (protocol 1.0, no extensions).

Until an HQ advertises protocol 1.x it speaks the dialect the OCT 0.4 HQ stores (spec 12): statuses
with exactly turret, uuid, cannons, script, rampup, status; results without uuid.

Usage: python3 turret.py <turret-config.json>

With `curve_server_key` and `curve_secret_key` in its config, both sockets are CURVE clients of the HQ
holding that server key (spec 11, oct_curve.py). The transaction script is a Python file defining `class Transaction` with `__init__(self, config,
context)`, `setup()`, `run()`, `tear_down()` and a `custom_timers` dict that the turret empties
before each run. Needs pyzmq (Debian: python3-zmq).
"""
import importlib.util
import json
import os
import re
import sys
import threading
import time
import uuid as uuidlib

import zmq

from oct_curve import HandshakeWatch, KeyFileError, load_keys, make_client

PROTOCOL = "1.0"
STATES = ("initialized", "ready", "running", "aborted", "killed")


class Turret:
    def __init__(self, config_path):
        with open(config_path, encoding="utf-8") as f:
            self.config = json.load(f)
        c = self.config
        self.name = c["name"]
        self.canons = int(c.get("canons", c.get("cannons", 1)))  # spec 9.1: legacy spelling
        self.rampup = float(c.get("rampup", 0))
        self.script = c["script"]
        config_dir = os.path.dirname(os.path.abspath(config_path))
        self.script_path = os.path.join(config_dir, self.script)
        keys = load_keys(c, config_dir)  # before any socket: a bad key file ends the turret (spec 11.3)
        self.uuid = str(uuidlib.uuid4())
        self.state = "ready"
        self.context = {}
        self.ctx = zmq.Context()
        self.push = self.ctx.socket(zmq.PUSH)
        self.push.setsockopt(zmq.LINGER, 2000)
        self.sub = self.ctx.socket(zmq.SUB)
        self.sub.setsockopt(zmq.SUBSCRIBE, b"")  # spec 2.2: broadcasts and direct orders
        host = c.get("hq_address", "127.0.0.1")
        endpoints = {
            "PUSH (results)": (self.push, "tcp://%s:%s" % (host, c.get("hq_rc", 5001))),
            "SUB (commands)": (self.sub, "tcp://%s:%s" % (host, c.get("hq_publisher", 5000))),
        }
        self.watch = None
        if keys is not None:  # spec 11.4: CURVE clients, set up before they connect
            for socket, _ in endpoints.values():
                make_client(socket, keys)
            self.watch = HandshakeWatch(endpoints, lambda line: sys.stderr.write("turret.py: %s\n" % line))
        # Plain ZeroMQ: watch the SUB's handshake, so the first status waits for it (see serve).
        self.sub_monitor = None if keys is not None else self.sub.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
        for socket, endpoint in endpoints.values():
            socket.connect(endpoint)
        self.lock = threading.Lock()  # a zmq socket is not thread-safe: canons share the PUSH socket
        self.stop_event = threading.Event()
        self.threads = []
        self.t0 = 0.0
        self.transaction_class = None
        # spec 12: an HQ advertised protocol 1.x (set by each valid status_request, 8.2 and 8.15)
        self.modern = False
        self.heard_request = False

    def send(self, message, flags=0):
        data = json.dumps(message).encode("utf-8")
        with self.lock:
            self.push.send(data, flags)

    def status(self, state=None, reason=None):
        if not self.modern:  # spec 12.1: exactly the columns of OCT 0.4's turret table
            m = {
                "turret": self.name,
                "uuid": self.uuid,
                "cannons": self.canons,
                "script": self.script,
                "rampup": self.rampup,
                "status": state or self.state,
            }
        else:
            m = self.modern_status(state, reason)
        # Never block the loop that runs the handshake watch: while libzmq has given up on the HQ
        # (spec 11.5) the PUSH socket has no peer, and only the watch connects it again. A status
        # lost then is said again by the next heartbeat or answer.
        try:
            self.send(m, zmq.NOBLOCK)
        except zmq.Again:
            pass

    def modern_status(self, state, reason):
        m = {
            "turret": self.name,
            "status": state or self.state,
            "uuid": self.uuid,
            "rampup": self.rampup,
            "script": self.script,
            "canons": self.canons,
            "protocol": PROTOCOL,
            "capabilities": [],
        }
        if reason is not None:
            m["reason"] = reason
        return m

    def negotiate(self, msg):
        """spec 8.2, 8.15: a 1.x advertisement switches to protocol 1.x, msg null back to section 12.
        Returns False for any other msg, an invalid advertisement: a malformed command (spec 4.1.1)."""
        if msg is not None:
            protocol = msg.get("protocol") if isinstance(msg, dict) else None
            if not (isinstance(protocol, str) and protocol.startswith("1.")
                    and re.match(r"^1\.[0-9]+$", protocol) and isinstance(msg.get("capabilities", []), list)):
                return False
        self.heard_request = True
        self.modern = msg is not None
        return True

    def load_script(self):
        spec = importlib.util.spec_from_file_location("oct_transaction", self.script_path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        self.transaction_class = module.Transaction

    def abort(self, reason):
        """Spec 7.2: say aborted, then exit non-zero."""
        sys.stderr.write("turret.py: aborting: %s\n" % reason)
        if not self.heard_request:
            # The legacy dialect has no reason (spec 12.1): listen a moment for a 1.x HQ's advertisement.
            deadline = time.monotonic() + 1.5
            while not self.heard_request and time.monotonic() < deadline:
                if self.sub.poll(100):
                    command = self.decode(self.sub.recv())
                    if command is not None and command["command"] == "status_request":
                        self.negotiate(command.get("msg"))
        self.status("aborted", reason)
        self.ctx.destroy(linger=2000)
        sys.exit(1)

    # firing

    def canon(self, index):
        if self.stop_event.wait(index * self.rampup / max(self.canons, 1)):
            return
        txn = None
        while txn is None:
            txn = self.transaction_class(self.config, self.context)
            started = time.monotonic()
            epoch = time.time()
            try:
                if hasattr(txn, "setup"):
                    txn.setup()
            except Exception as e:  # spec 5.3.2: reported apart from transactions, then retried
                result = {
                    "turret_name": self.name,
                    "elapsed": started - self.t0,
                    "epoch": epoch,
                    "scriptrun_time": time.monotonic() - started,
                    "error": "setup: %s: %s" % (type(e).__name__, e),
                    "custom_timers": {},
                }
                if self.modern:  # spec 5.3; none under a legacy HQ (12.2)
                    result["uuid"] = self.uuid
                    result["setup_failed"] = True
                self.send(result)
                txn = None
                if self.stop_event.wait(1.0):
                    return
        while not self.stop_event.is_set():
            txn.custom_timers = {}
            started = time.monotonic()
            epoch = time.time()
            error = ""
            try:
                txn.run()
            except Exception as e:  # spec 7.1: the error is data; the canon keeps firing
                error = "%s: %s" % (type(e).__name__, e) if str(e) else type(e).__name__
            result = {
                "turret_name": self.name,
                "elapsed": started - self.t0,
                "epoch": epoch,
                "scriptrun_time": time.monotonic() - started,
                "error": error,
                "custom_timers": {k: float(v) for k, v in getattr(txn, "custom_timers", {}).items()},
            }
            if self.modern:  # spec 5.3; none under a legacy HQ (12.2)
                result["uuid"] = self.uuid
            self.send(result)
        if hasattr(txn, "tear_down"):
            txn.tear_down()

    def start(self):
        self.stop_event.clear()
        self.t0 = time.monotonic()
        self.threads = [threading.Thread(target=self.canon, args=(i,), daemon=True) for i in range(self.canons)]
        for t in self.threads:
            t.start()
        self.state = "running"

    def stop(self):
        self.stop_event.set()
        for t in self.threads:
            t.join()
        self.threads = []
        self.state = "ready"

    # commands

    def decode(self, frame):
        """Spec 3.1, 4.7: the command addressed to this turret, or None (malformed, or someone else's)."""
        try:
            text = frame.decode("utf-8")
            topic, body = text.split(" ", 1)
            command = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            return None
        if not isinstance(command, dict) or not isinstance(command.get("command"), str):
            return None
        if topic not in ("", self.uuid):  # spec 3.1.2: someone else's order
            return None
        return command

    def handle(self, frame):
        """Spec 3.1, 4.6, 4.7: decode leniently; anything malformed or unknown is ignored."""
        command = self.decode(frame)
        if command is None:
            return
        name = command["command"]
        if name == "status_request":
            if not self.negotiate(command.get("msg")):
                return
        elif name == "start":
            if self.state == "running":  # spec 4.2.1
                return
            self.start()
        elif name == "stop":
            if self.state == "running":
                self.stop()
        elif name == "kill":
            self.stop_event.set()
            self.status("killed")
            self.ctx.destroy(linger=1000)
            os._exit(1)
        elif name == "set_transaction_context":
            msg = command.get("msg")
            self.context = {} if msg is None else msg  # spec 4.5.3: without msg, {}
        else:
            return  # spec 4.6
        self.status()  # spec 4.1, 4.8

    def serve(self):
        try:
            self.load_script()
        except Exception as e:
            self.abort("cannot load %s: %s: %s" % (self.script, type(e).__name__, e))
        if self.sub_monitor is not None:
            # An OCT 0.4 HQ sends a late turret its start once, in answer to its first status: say
            # it once the SUB has shaken hands with the HQ (at most 2 s from now, spec 12.6, 6.1),
            # and its subscription has had a moment to arrive, so the start is heard.
            if self.sub_monitor.poll(2000):
                time.sleep(0.05)
            self.sub.disable_monitor()
            self.sub_monitor.close(0)
        self.status()
        last_ready = time.monotonic()
        poller = zmq.Poller()
        poller.register(self.sub, zmq.POLLIN)
        if self.watch:
            self.watch.register(poller)
        while True:
            ready = dict(poller.poll(200))
            if ready.get(self.sub):
                self.handle(self.sub.recv())
            if self.watch:
                self.watch.handle(ready)
            if self.state == "ready" and time.monotonic() - last_ready >= 2:  # spec 6.2
                self.status()
                last_ready = time.monotonic()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write("usage: turret.py <turret-config.json>\n")
        sys.exit(2)
    try:
        turret = Turret(sys.argv[1])
    except KeyFileError as e:  # one line naming the file (spec 11.3)
        sys.stderr.write("turret.py: %s\n" % e)
        sys.exit(2)
    turret.serve()
