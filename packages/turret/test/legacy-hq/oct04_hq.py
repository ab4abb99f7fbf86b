#!/usr/bin/python3
"""A stand-in for the HQ of OCT 0.4 (Python, peewee 2 models), written for the tests of spec 12.

It refuses exactly what that HQ refuses, and behaves as it does on the wire:
- it binds PUB and PULL (here on random loopback ports, printed as the first line of stdout);
- while waiting for turrets it sends `status_request` with `msg: null` (and only then);
- it counts any status as a joined turret; once `--min-turrets` have sent one it sends
  `set_transaction_context` (msg {}) then `start`, both broadcast;
- a turret first heard once the run goes on gets its start as a direct order "<uuid> {...}";
- a status becomes a row of its `turret` table (`Turret(name=status.turret, **rest)`), whose
  columns are exactly name, uuid, cannons (NOT NULL), script, rampup, status, updated_at;
- a result becomes a row of its `result` table, whose columns are exactly error, scriptrun_time,
  elapsed, epoch, custom_timers, turret_name;
- any other key, a missing `cannons`, or a frame that is not a JSON object is an error: like the
  original, it stops there; this stand-in prints {"refused": ...} and exits with code 3.

After `--run-time` seconds it broadcasts `stop`, keeps storing what arrives for `--drain` seconds,
then prints a JSON summary as its last line and exits 0. Needs pyzmq (Debian: python3-zmq).
"""
import argparse
import json
import sqlite3
import sys
import time

import zmq

TURRET_COLUMNS = ("name", "uuid", "cannons", "script", "rampup", "status", "updated_at")
RESULT_COLUMNS = ("error", "scriptrun_time", "elapsed", "epoch", "custom_timers", "turret_name")


class Refused(Exception):
    """What the original HQ would have died of."""


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def column_value(value):
    # peewee stores a dict or list given to a text column as its JSON (custom_timers)
    return json.dumps(value) if isinstance(value, (dict, list)) else value


class LegacyHq:
    def __init__(self, args):
        self.args = args
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE TABLE turret (id INTEGER PRIMARY KEY, name TEXT, uuid TEXT, cannons INTEGER NOT NULL,"
            " script TEXT, rampup INTEGER, status TEXT, updated_at TEXT)"
        )
        self.db.execute(
            "CREATE TABLE result (id INTEGER PRIMARY KEY, error TEXT, scriptrun_time REAL, elapsed REAL,"
            " epoch REAL, custom_timers TEXT, turret_name TEXT)"
        )
        self.ctx = zmq.Context()
        self.pub = self.ctx.socket(zmq.PUB)
        self.pub.setsockopt(zmq.LINGER, 0)
        self.pull = self.ctx.socket(zmq.PULL)
        self.pull.setsockopt(zmq.LINGER, 0)
        self.publish_port = self.pub.bind_to_random_port("tcp://127.0.0.1")
        self.rc_port = self.pull.bind_to_random_port("tcp://127.0.0.1")
        self.turrets = {}  # uuid -> name
        self.started = False
        self.status_requests = 0
        self.direct_starts = []
        self.statuses = 0

    def publish(self, command, msg, channel=""):
        self.pub.send_string("%s %s" % (channel, json.dumps({"command": command, "msg": msg})))

    def receive(self, timeout_ms):
        """One frame as the original reads it (recv_json): a JSON object, or an error."""
        if not self.pull.poll(timeout_ms):
            return None
        frame = self.pull.recv()
        try:
            data = json.loads(frame.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Refused({"refused": "frame", "why": "not JSON", "frame": repr(frame[:200])})
        if not isinstance(data, dict):
            raise Refused({"refused": "frame", "why": "not a JSON object", "frame": repr(frame[:200])})
        return data

    def store_status(self, data):
        row = dict(data)
        row["name"] = row.pop("turret", None)
        row["updated_at"] = time.strftime("%Y-%m-%d %H:%M:%S")
        for key in row:
            if key not in TURRET_COLUMNS:
                raise Refused({"refused": key, "table": "turret", "message": data})
        if row.get("cannons") is None:
            raise Refused({"refused": "cannons", "why": "NOT NULL constraint failed: turret.cannons", "message": data})
        keys = sorted(row)
        uuid = row.get("uuid")
        if uuid in self.turrets:
            self.db.execute(
                "UPDATE turret SET %s WHERE uuid = ?" % ", ".join("%s = ?" % k for k in keys),
                [column_value(row[k]) for k in keys] + [uuid],
            )
            return
        self.db.execute(
            "INSERT INTO turret (%s) VALUES (%s)" % (", ".join(keys), ", ".join("?" for _ in keys)),
            [column_value(row[k]) for k in keys],
        )
        self.turrets[uuid] = row["name"]
        if self.started:  # a late turret gets its start as a direct order
            self.direct_starts.append(uuid)
            self.publish("start", "open fire", uuid)

    def store_result(self, data):
        for key in data:
            if key not in RESULT_COLUMNS:
                raise Refused({"refused": key, "table": "result", "message": data})
        keys = sorted(data)
        self.db.execute(
            "INSERT INTO result (%s) VALUES (%s)" % (", ".join(keys), ", ".join("?" for _ in keys)),
            [column_value(data[k]) for k in keys],
        )

    def handle(self, data):
        if "status" in data:
            self.statuses += 1
            self.store_status(data)
        elif self.started:
            self.store_result(data)

    def run(self):
        say({"publish_port": self.publish_port, "rc_port": self.rc_port})
        deadline = time.monotonic() + self.args.join_timeout
        while len(self.turrets) < self.args.min_turrets:
            if time.monotonic() > deadline:
                say({"error": "%d of %d turrets within %s s" % (len(self.turrets), self.args.min_turrets, self.args.join_timeout)})
                return 4
            self.publish("status_request", None)
            self.status_requests += 1
            data = self.receive(2000)
            if data is not None and "status" in data:
                self.handle(data)
        self.publish("set_transaction_context", {})
        self.publish("start", "open fire")
        self.started = True
        say({"event": "started", "turrets": sorted(self.turrets)})
        end = time.monotonic() + self.args.run_time
        while time.monotonic() < end:
            data = self.receive(100)
            if data is not None:
                self.handle(data)
        self.publish("stop", "stopping fire")
        end = time.monotonic() + self.args.drain
        while time.monotonic() < end:
            data = self.receive(100)
            if data is not None:
                self.handle(data)
        by_turret = dict(self.db.execute("SELECT COALESCE(turret_name, ''), COUNT(*) FROM result GROUP BY 1"))
        turrets = [
            {"name": n, "uuid": u, "cannons": c, "status": s}
            for n, u, c, s in self.db.execute("SELECT name, uuid, cannons, status FROM turret ORDER BY id")
        ]
        say({
            "results": sum(by_turret.values()),
            "results_by_turret": by_turret,
            "turrets": turrets,
            "statuses": self.statuses,
            "status_requests": self.status_requests,
            "direct_starts": self.direct_starts,
        })
        return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--min-turrets", type=int, default=1)
    p.add_argument("--run-time", type=float, default=3)
    p.add_argument("--drain", type=float, default=2)
    p.add_argument("--join-timeout", type=float, default=60)
    args = p.parse_args()
    hq = LegacyHq(args)
    try:
        code = hq.run()
    except Refused as e:
        say(e.args[0])
        code = 3
    hq.ctx.destroy(linger=0)
    sys.exit(code)


if __name__ == "__main__":
    main()
