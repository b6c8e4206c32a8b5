#!/usr/bin/env python3
"""hostile.py MODE ADDR...: a misbehaving server for the peil lab (deploy/lab/lab).

MODE is one of
  smtp-drip     port 25: the banner "220 HOST ESMTP ..." one byte a second, then closes
  tls-garbage   port 443: waits for the client's first bytes (a ClientHello), answers
                pseudo-random bytes (never a TLS record), then closes
  http-endless  port 80: reads the request, sends "HTTP/1.1 200 OK" and then header lines
                without end, one every 10 ms, until 4 MiB or 120 s, then closes
Every connection is bounded: at most 120 s and a fixed number of bytes; at most 64
connections at once (more are closed at once). Runs until SIGTERM.
"""
import asyncio
import os
import signal
import sys

CONN_MAX_S = 120          # a connection never lives longer
CONN_MAX = 64             # connections at once
HTTP_MAX_BYTES = 4 << 20  # headers sent before giving up
PORTS = {"smtp-drip": 25, "tls-garbage": 443, "http-endless": 80}
active = 0


async def smtp_drip(r, w, host):
    banner = f"220 {host} ESMTP peil lab (hostile-smtp-drip)\r\n".encode()
    for i in range(len(banner)):
        w.write(banner[i:i + 1])
        await w.drain()
        await asyncio.sleep(1)


async def tls_garbage(r, w, host):
    await asyncio.wait_for(r.read(4096), 10)
    for _ in range(4):
        # 0x17 would look like application data; start with a byte no TLS record uses.
        w.write(b"\x99" + os.urandom(511))
        await w.drain()
        await asyncio.sleep(0.1)


async def http_endless(r, w, host):
    await asyncio.wait_for(r.read(4096), 10)
    w.write(b"HTTP/1.1 200 OK\r\n")
    sent, n = 0, 0
    while sent < HTTP_MAX_BYTES:
        line = f"X-Peil-Endless-{n}: {'a' * 40}\r\n".encode()
        w.write(line)
        await w.drain()
        sent += len(line)
        n += 1
        await asyncio.sleep(0.01)


async def serve(mode, r, w):
    global active
    active += 1
    try:
        if active > CONN_MAX:
            return
        await asyncio.wait_for(HANDLERS[mode](r, w, os.environ.get("PEIL_HOST", "hostile")),
                               CONN_MAX_S)
    except (asyncio.TimeoutError, OSError):
        pass
    finally:
        active -= 1
        try:
            w.close()
        except OSError:
            pass


HANDLERS = {"smtp-drip": smtp_drip, "tls-garbage": tls_garbage, "http-endless": http_endless}


async def main(mode, addrs):
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    servers = [await asyncio.start_server(lambda r, w: serve(mode, r, w), a, PORTS[mode],
                                          reuse_address=True) for a in addrs]
    print(f"hostile {mode} listening on {' '.join(addrs)} port {PORTS[mode]}", flush=True)
    await stop.wait()
    for s in servers:
        s.close()


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in HANDLERS:
        sys.exit(f"usage: hostile.py {'|'.join(HANDLERS)} ADDR...")
    asyncio.run(main(sys.argv[1], sys.argv[2:]))
