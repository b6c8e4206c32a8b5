#!/usr/bin/env python3
"""A hostile RTR cache (RFC 6810/8210) on loopback for tests/integration/rtr_cache.c.

usage: rtr_badcache.py PORT MODE
The first connection gets a good full sync (two VRPs: 192.0.2.0/24-24 AS64500 and
2001:db8::/32-48 AS64500, session 4242, serial 7), then a Serial Notify; its Serial Query, and
every query after it on any connection, gets MODE:
  reset    a Cache Reset PDU (and again for the Reset Query that follows)
  session  a Cache Response with another session id, and an End of Data with a third one and
           a lower serial
  length   a PDU header whose length is absurd (0xfffffff0)
  error    an Error Report PDU (Internal Error, with text)
  silent   nothing at all (the connection stays open)
Exits after 120 s or on SIGTERM. Prints "ready" once listening.
"""

import signal
import socket
import struct
import sys
import threading
import time

SESSION = 4242
SERIAL = 7
VRPS4 = [((192, 0, 2, 0), 24, 24, 64500)]
VRPS6 = [(bytes.fromhex("20010db8000000000000000000000000"), 32, 48, 64500)]
MAX_PDU = 65536
synced_once = threading.Event()
lock = threading.Lock()


def recv_exact(c, n):
    b = b""
    while len(b) < n:
        part = c.recv(n - len(b))
        if not part:
            raise EOFError
        b += part
    return b


def recv_pdu(c):
    h = recv_exact(c, 8)
    ver, typ, _, length = struct.unpack("!BBHI", h)
    if length < 8 or length > MAX_PDU:
        raise EOFError
    return ver, typ, h + recv_exact(c, length - 8)


def good_sync(c, ver):
    out = struct.pack("!BBHI", ver, 3, SESSION, 8)
    for a, plen, mlen, asn in VRPS4:
        out += struct.pack("!BBHIBBBB4sI", ver, 4, 0, 20, 1, plen, mlen, 0, bytes(a), asn)
    for a, plen, mlen, asn in VRPS6:
        out += struct.pack("!BBHIBBBB16sI", ver, 6, 0, 32, 1, plen, mlen, 0, a, asn)
    if ver >= 1:
        out += struct.pack("!BBHIIIII", ver, 7, SESSION, 24, SERIAL, 3600, 600, 7200)
    else:
        out += struct.pack("!BBHII", ver, 7, SESSION, 12, SERIAL)
    c.sendall(out)


def hostile(c, ver, mode):
    if mode == "reset":
        c.sendall(struct.pack("!BBHI", ver, 8, 0, 8))
    elif mode == "session":
        # another session than the client knows, and an End of Data with a third one and a
        # serial that went back: wrong for a Serial Query and for a Reset Query alike
        c.sendall(struct.pack("!BBHI", ver, 3, SESSION + 1, 8))
        if ver >= 1:
            c.sendall(struct.pack("!BBHIIIII", ver, 7, SESSION + 2, 24, SERIAL - 3, 1, 1, 600))
        else:
            c.sendall(struct.pack("!BBHII", ver, 7, SESSION + 2, 12, SERIAL - 3))
    elif mode == "length":
        c.sendall(struct.pack("!BBHI", ver, 4, 0, 0xFFFFFFF0) + b"\x01\x18\x18\x00" * 4)
    elif mode == "error":
        text = b"the cache is broken"
        c.sendall(struct.pack("!BBHII", ver, 10, 1, 16 + len(text), 0) +
                  struct.pack("!I", len(text)) + text)
    # silent: nothing


def serve(c, mode):
    try:
        with c:
            while True:
                ver, typ, _ = recv_pdu(c)
                if typ not in (1, 2):      # only queries are answered
                    continue
                with lock:
                    first = not synced_once.is_set() and typ == 2
                    if first:
                        synced_once.set()
                if first:
                    good_sync(c, ver)
                    time.sleep(0.3)
                    c.sendall(struct.pack("!BBHII", ver, 0, SESSION, 12, SERIAL + 1))
                else:
                    hostile(c, ver, mode)
    except (EOFError, OSError):
        pass


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    if mode not in ("reset", "session", "length", "error", "silent"):
        sys.exit("unknown mode " + mode)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(8)
    s.settimeout(1)
    print("ready", flush=True)
    end = time.monotonic() + 120
    while time.monotonic() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(c, mode), daemon=True).start()


if __name__ == "__main__":
    main()
