#!/usr/bin/env python3
"""One-off: extract the SPDM messages of the spdm-wid captures as hex fixtures.

Usage: extract_pcapng.py capture.pcapng > out.hex

The captures (th-duvanel/spdm-wid, commit 6f178e6f, GPL-3.0 data; copies in
/work/shared/captures) are Linux SLL (16 bytes) + IPv4 + TCP to port 2323.
Observed framing: every TCP payload is exactly one MCTP *message* starting
at the type byte 0x05 (no 12-byte spdm-emu socket header, no 4-byte MCTP
transport header), so each payload becomes one fixture line.
"""
import struct
import sys


def packets(path):
    d = open(path, 'rb').read()
    i = 0
    while i + 12 <= len(d):
        btype, blen = struct.unpack_from('<II', d, i)
        if btype == 6:  # Enhanced Packet Block
            cap = struct.unpack_from('<I', d, i + 20)[0]
            yield d[i + 28:i + 28 + cap]
        i += blen


def main(path):
    print(f'# extracted from {path.split("/")[-1]} by extract_pcapng.py')
    print('# one MCTP message per line (type byte first), capture order')
    for n, p in enumerate(packets(path)):
        ip = p[16:]
        tcp = ip[(ip[0] & 15) * 4:]
        payload = tcp[(tcp[12] >> 4) * 4:]
        if payload:
            print(f'# frame {n}')
            print(payload.hex())


if __name__ == '__main__':
    main(sys.argv[1])
