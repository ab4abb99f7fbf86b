"""CURVE for the turret (spec 11): the key files its config names, and one line when a handshake fails.

Keys are ZeroMQ certificates (the format of pyzmq's zmq.auth and CZMQ's zcert) holding Z85 keys. The
turret refuses, in one line naming the file, a secret key file that the group or others may read and
a file that is not a certificate (spec 11.3).
"""
import os
import re
import stat
import time

import zmq
import zmq.auth
from zmq.utils.monitor import recv_monitor_message

Z85_KEY = re.compile(rb"^[0-9a-zA-Z.\-:+=^!/*?&<>()\[\]{}@%$#]{40}$")


class KeyFileError(Exception):
    """A key file, or a pair of config keys, that cannot be used: the message says which and why."""


def load_keys(config, config_dir):
    """(server public key, own public key, own secret key), each the bytes of its Z85 text; None
    when the config names no key files (the turret then speaks plain ZeroMQ)."""
    server_file = config.get("curve_server_key")
    secret_file = config.get("curve_secret_key")
    if server_file is None and secret_file is None:
        return None
    if not isinstance(server_file, str) or not isinstance(secret_file, str):
        raise KeyFileError("turret config: give both curve_server_key and curve_secret_key, or neither (spec 9.1, 11.4)")
    if not zmq.has("curve"):
        raise KeyFileError("this libzmq has no CURVE support: install one built with libsodium (Debian: python3-zmq) (spec 11.4)")
    server, _ = read_certificate(os.path.join(config_dir, server_file), secret=False)
    public, secret = read_certificate(os.path.join(config_dir, secret_file), secret=True)
    return server, public, secret


def read_certificate(path, secret):
    """(public, secret or None) from a certificate; with `secret`, the file must hold the secret key
    and be readable by its owner only: a secret others can read is no secret."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError as e:
        raise KeyFileError("%s: cannot read the key file (%s) (spec 11.3)" % (path, e.strerror))
    if secret and mode & 0o077:
        raise KeyFileError("%s: secret key readable by others (mode %04o): run chmod 600 %s (spec 11.3)" % (path, mode, path))
    try:
        public_key, secret_key = zmq.auth.load_certificate(path)
    except ValueError:  # zmq.auth found no public-key line
        raise KeyFileError("%s: no public-key line: not a ZeroMQ certificate (spec 11.3)" % path)
    except OSError as e:
        raise KeyFileError("%s: cannot read the key file (%s) (spec 11.3)" % (path, e.strerror))
    for what, key in (("public-key", public_key), ("secret-key", secret_key)):
        if key is not None and not Z85_KEY.match(key):
            raise KeyFileError("%s: %s is not a Z85 CURVE key (40 characters) (spec 11.3)" % (path, what))
    if secret and secret_key is None:
        raise KeyFileError("%s: no secret-key line: this is a public certificate, give the .key_secret file (spec 11.3)" % path)
    return public_key, secret_key


def make_client(socket, keys):
    """Makes `socket` a CURVE client of the HQ holding the server key; before it connects (spec 11.4)."""
    server, public, secret = keys
    socket.curve_serverkey = server
    socket.curve_publickey = public
    socket.curve_secretkey = secret


FAILURES = {
    zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL: "the HQ closed the connection",
    zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL: "protocol error",
    zmq.EVENT_HANDSHAKE_FAILED_AUTH: "the HQ refused this turret's key",
}


# After these two, libzmq ends the connection for good (a protocol error): the watch reconnects.
FINAL = (zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL, zmq.EVENT_HANDSHAKE_FAILED_AUTH)
RETRY_S = 1.0


class HandshakeWatch:
    """Says once per socket and kind of failure that a CURVE handshake failed, and keeps trying
    (spec 11.5). ZeroMQ retries by itself when the HQ closes the connection (another key); after a
    protocol error (a plain HQ) or a refusal it gives up, so the watch connects again every second."""

    def __init__(self, sockets, log):
        mask = 0
        for event in FAILURES:
            mask |= event
        # name -> (socket, endpoint, monitor); monitors are attached before the sockets connect, so
        # the first failure is seen.
        self.sockets = {name: (s, ep, s.get_monitor_socket(mask)) for name, (s, ep) in sockets.items()}
        self.said = set()
        self.retry_at = {}
        self.log = log

    def register(self, poller):
        for _, _, monitor in self.sockets.values():
            poller.register(monitor, zmq.POLLIN)

    def handle(self, ready):
        """Reads the events of the monitors that `poller.poll` found ready; reconnects when due."""
        for name, (socket, endpoint, monitor) in self.sockets.items():
            if ready.get(monitor):
                event = recv_monitor_message(monitor)["event"]
                if event in FINAL:
                    self.retry_at.setdefault(name, time.monotonic() + RETRY_S)
                if event in FAILURES and (name, event) not in self.said:
                    self.said.add((name, event))
                    self.log(
                        "CURVE handshake with the HQ failed on %s (%s): the HQ does not hold the secret key "
                        "matching curve_server_key, or does not speak CURVE; retrying" % (name, FAILURES[event])
                    )
            if name in self.retry_at and time.monotonic() >= self.retry_at[name]:
                del self.retry_at[name]
                try:
                    socket.disconnect(endpoint)
                except zmq.ZMQError:
                    pass  # libzmq already dropped the endpoint
                socket.connect(endpoint)
