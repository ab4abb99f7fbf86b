"""A bench sender for legacy frames, as OCT's own turrets send them: pyzmq, one JSON result per frame.

Usage: python3 sender.py <endpoint> <count> <id> [hwm]
Speaks the bench's stdio handshake: prints `ready` once connected and the frames are built, sends
when it reads `go`, and prints {"cpu": <µs of CPU spent sending>} when every frame is delivered.
"""
import json
import os
import resource
import sys
import time

import zmq

endpoint, count, _id = sys.argv[1], int(sys.argv[2]), sys.argv[3]
hwm = int(sys.argv[4]) if len(sys.argv) > 4 else 10000


def cpu_us():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (r.ru_utime + r.ru_stime) * 1e6


context = zmq.Context()
push = context.socket(zmq.PUSH)
push.setsockopt(zmq.SNDHWM, hwm)
push.setsockopt(zmq.LINGER, 60000)
# OCT_BENCH_CURVE="<server public> <client public> <client secret>": a CURVE client (spec 11.4).
curve = os.environ.get("OCT_BENCH_CURVE", "").split()
if len(curve) == 3:
    push.curve_serverkey, push.curve_publickey, push.curve_secretkey = (k.encode() for k in curve)
push.connect(endpoint)
t0 = time.time()
# Pre-encoded frames, cycled: the sender must not be the bottleneck (the same rows as sender.mjs).
pool = [
    json.dumps(
        {
            "elapsed": i / 1000,
            "epoch": t0 + i / 1000,
            "scriptrun_time": 0.001 + (i % 97) / 10000,
            "error": "timeout" if i % 50 == 0 else "",
            "custom_timers": {"login": 0.0005 + (i % 13) / 100000},
        },
        separators=(",", ":"),
    ).encode()
    for i in range(1000)
]
print("ready", flush=True)
sys.stdin.readline()
start = cpu_us()
send = push.send
for i in range(count):
    send(pool[i % 1000])
push.close()
context.term()  # returns once every frame is delivered (linger)
print(json.dumps({"cpu": cpu_us() - start}), flush=True)
