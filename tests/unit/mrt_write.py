#!/usr/bin/env python3
"""mrt_write.py: writes an MRT TABLE_DUMP_V2 RIB file (RFC 6396) of random routes, and the
prefix -> origin ASes each route should give, for test_mrt's cross-check against bgpdump.

usage: mrt_write.py SEED ROUTES OUT.mrt OUT.truth

Written from RFC 6396 (sections 2, 4.3) and RFC 4271 (4.3, path attributes), not from any
parser here. The truth file has one line per prefix: "PREFIX AS,AS,..." (origins ascending):
the last AS of a final AS_SEQUENCE, NONE (0) for a final AS_SET, the peer's AS for an
empty AS_PATH or a final confederation segment; the union over the RIB entries.
"""
import ipaddress
import random
import struct
import sys

TABLE_DUMP_V2 = 13
PEER_INDEX_TABLE, RIB_IPV4_UNICAST, RIB_IPV6_UNICAST = 1, 2, 4
BGP4MP, BGP4MP_STATE_CHANGE = 16, 0
AS_SET, AS_SEQUENCE, AS_CONFED_SEQUENCE, AS_CONFED_SET = 1, 2, 3, 4


def record(ts, typ, sub, body):
    return struct.pack("!IHHI", ts, typ, sub, len(body)) + body


def attr(flags, typ, value):
    if len(value) > 255 or flags & 0x10:
        return struct.pack("!BBH", flags | 0x10, typ, len(value)) + value
    return struct.pack("!BBB", flags, typ, len(value)) + value


def as_path(segments, extended):
    value = b"".join(struct.pack("!BB", t, len(a)) + b"".join(struct.pack("!I", x) for x in a)
                     for t, a in segments)
    return attr(0x40 | (0x10 if extended else 0), 2, value)


def origins_of(segments, peer_as):
    segs = [s for s in segments if s[1]]
    if not segs:
        return {peer_as}
    t, a = segs[-1]
    if t == AS_SEQUENCE:
        return {a[-1]}
    if t == AS_SET:
        return {0}      # origin NONE (RFC 6811 2.), written 0
    return {peer_as}


def rand_as(rng):
    r = rng.random()
    if r < 0.5:
        return rng.randint(1, 65535)
    if r < 0.9:
        return rng.randint(65536, 4294967295)
    return rng.choice([0, 23456, 4294967295, 65535, 65536])


def rand_path(rng):
    r = rng.random()
    seq = [rand_as(rng) for _ in range(rng.randint(1, 6))]
    if r < 0.6:
        return [(AS_SEQUENCE, seq)]
    if r < 0.75:
        return [(AS_SEQUENCE, seq), (AS_SET, sorted({rand_as(rng) for _ in range(rng.randint(1, 4))}))]
    if r < 0.8:
        return []
    if r < 0.85:
        return [(AS_CONFED_SEQUENCE, [rand_as(rng)]), (AS_SEQUENCE, seq)]
    if r < 0.9:
        # a long path: the AS_PATH needs an extended length
        return [(AS_SEQUENCE, [rand_as(rng) for _ in range(70)])]
    if r < 0.95:
        return [(AS_SEQUENCE, seq), (AS_SET, [rand_as(rng)]), (AS_SEQUENCE, [rand_as(rng)])]
    return [(AS_SEQUENCE, seq), (AS_CONFED_SET, [rand_as(rng), rand_as(rng)])]


def main():
    seed, nroutes, out_mrt, out_truth = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    rng = random.Random(seed)
    ts = 1700000000
    peers = []
    for i in range(rng.randint(3, 9)):
        v6 = rng.random() < 0.3
        as4 = rng.random() < 0.6
        ip = (ipaddress.IPv6Address("2001:db8::%x" % (i + 1)) if v6
              else ipaddress.IPv4Address("192.0.2.%d" % (i + 1)))
        pas = rng.randint(65536, 4294967295) if as4 else rng.randint(1, 65535)
        peers.append((v6, as4, ip, pas))
    body = struct.pack("!I", 0xc0000201) + struct.pack("!H", 4) + b"peil"
    body += struct.pack("!H", len(peers))
    for v6, as4, ip, pas in peers:
        body += struct.pack("!B", (1 if v6 else 0) | (2 if as4 else 0))
        body += struct.pack("!I", 0x0a000000 + len(body))
        body += ip.packed
        body += struct.pack("!I" if as4 else "!H", pas)
    out = record(ts, TABLE_DUMP_V2, PEER_INDEX_TABLE, body)
    # a state change the readers skip (RFC 6396 4.4.1)
    out += record(ts, BGP4MP, BGP4MP_STATE_CHANGE,
                  struct.pack("!HHHH", 64496, 64511, 0, 1) + bytes([192, 0, 2, 1, 192, 0, 2, 254])
                  + struct.pack("!HH", 1, 6))
    truth = {}
    seen = set()
    seq = 0
    while len(seen) < nroutes:
        v6 = rng.random() < 0.3
        if v6:
            plen = rng.randint(16, 128)
            addr = bytes([0x20, 0x01, 0x0d, 0xb8]) + bytes(rng.randrange(256) for _ in range(12))
            net = ipaddress.IPv6Network((addr, plen), strict=False)
        else:
            plen = rng.randint(0, 32) if rng.random() < 0.1 else rng.randint(8, 24)
            addr = bytes(rng.randrange(256) for _ in range(4))
            net = ipaddress.IPv4Network((addr, plen), strict=False)
        if net in seen:
            continue
        seen.add(net)
        nb = (plen + 7) // 8
        body = struct.pack("!IB", seq, plen) + net.network_address.packed[:nb]
        seq += 1
        entries = []
        origins = set()
        for pi in rng.sample(range(len(peers)), rng.randint(1, len(peers))):
            pv6, _, pip, pas = peers[pi]
            segs = rand_path(rng)
            attrs = attr(0x40, 1, b"\x00")
            attrs += as_path(segs, rng.random() < 0.2)
            if v6:
                # RFC 6396 4.3.4: MP_REACH_NLRI holds only the next hop's length and address
                nh = ipaddress.IPv6Address("2001:db8::ffff").packed
                attrs += attr(0x80, 14, bytes([len(nh)]) + nh)
            else:
                attrs += attr(0x40, 3, bytes([192, 0, 2, 254]))
            if rng.random() < 0.3:
                attrs += attr(0xc0, 8, struct.pack("!I", 0xfde80001))   # a community
            entries.append(struct.pack("!HIH", pi, ts - 100, len(attrs)) + attrs)
            origins |= origins_of(segs, pas)
        body += struct.pack("!H", len(entries)) + b"".join(entries)
        out += record(ts, TABLE_DUMP_V2, RIB_IPV6_UNICAST if v6 else RIB_IPV4_UNICAST, body)
        truth[net] = origins
    with open(out_mrt, "wb") as f:
        f.write(out)
    with open(out_truth, "w") as f:
        for net in sorted(truth, key=lambda n: (n.version, n.network_address, n.prefixlen)):
            f.write("%s %s\n" % (net, ",".join(str(a) for a in sorted(truth[net]))))


if __name__ == "__main__":
    main()
