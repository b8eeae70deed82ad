#!/usr/bin/env python3
"""Hand-assembled SPDM 1.2 handshake over MCTP, field by field per DSP0274 1.2.

Usage: gen_handshake_1_2.py > handshake_1_2.hex

Independent of the Rust encoder on purpose: the Rust tests decode these
bytes and compare fields. Negotiated: SHA-384 (H = 48), ECDSA P-384
(S = 96), secp384r1 (D = 96), AES-256-GCM, SPDM key schedule; both sides
set HANDSHAKE_IN_THE_CLEAR_CAP, so KEY_EXCHANGE_RSP carries no
ResponderVerifyData and FINISH_RSP carries it (DSP0274 §10.13, §10.14).
Filler bytes are patterned (not real crypto).
"""
import struct

H, S, D = 48, 96, 96


def le16(v): return struct.pack('<H', v)
def le24(v): return struct.pack('<I', v)[:3]
def le32(v): return struct.pack('<I', v)
def fill(n, seed): return bytes((seed + i) & 0xFF for i in range(n))


def spdm(version, code, p1, p2, body=b''):
    return bytes([0x05, version, code, p1, p2]) + body


REQ_FLAGS = (1 << 1) | (1 << 2) | (1 << 6) | (1 << 7) | (1 << 9) | (1 << 13) | (1 << 14) | (1 << 15) | (1 << 17)
RSP_FLAGS = (1 << 0) | (1 << 1) | (1 << 2) | (2 << 3) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 9) | (1 << 13) | (1 << 14) | (1 << 15) | (1 << 17)

msgs = []
add = lambda name, b: msgs.append((name, b))

add('GET_VERSION', spdm(0x10, 0x84, 0, 0))
add('VERSION 1.0 1.1 1.2', spdm(0x10, 0x04, 0, 0, bytes([0, 3]) + le16(0x1000) + le16(0x1100) + le16(0x1200)))
caps_body = lambda ct, flags: bytes([0, ct]) + le16(0) + le32(flags) + le32(4096) + le32(4096)
add('GET_CAPABILITIES', spdm(0x12, 0xE1, 0, 0, caps_body(0, REQ_FLAGS)))
add('CAPABILITIES', spdm(0x12, 0x61, 0, 0, caps_body(12, RSP_FLAGS)))

def alg(t, sup): return bytes([t, 0x20]) + le16(sup)
req_structs = alg(2, 0x0018) + alg(3, 0x0003) + alg(4, 0x0090) + alg(5, 0x0001)
na = (le16(4 + 28 + len(req_structs)) + bytes([0x01, 0x02]) + le32(0x0090) + le32(0x0003)
      + bytes(12) + bytes([0, 0, 0, 0]) + req_structs)
add('NEGOTIATE_ALGORITHMS', spdm(0x12, 0xE3, 4, 0, na))
rsp_structs = alg(2, 0x0010) + alg(3, 0x0002) + alg(4, 0x0080) + alg(5, 0x0001)
al = (le16(4 + 32 + len(rsp_structs)) + bytes([0x01, 0x02]) + le32(0x0004) + le32(0x0080) + le32(0x0002)
      + bytes(11) + bytes([0]) + bytes([0, 0]) + le16(0) + rsp_structs)
add('ALGORITHMS', spdm(0x12, 0x63, 4, 0, al))

add('GET_DIGESTS', spdm(0x12, 0x81, 0, 0))
add('DIGESTS slot 0', spdm(0x12, 0x01, 0, 0x01, fill(H, 0xA0)))
add('GET_CERTIFICATE slot 0 offset 0 length 0x400', spdm(0x12, 0x82, 0, 0, le16(0) + le16(0x400)))
chain = le16(4 + H + 12) + le16(0) + fill(H, 0x10) + bytes.fromhex('3082010a30820100a0030201')
add('CERTIFICATE', spdm(0x12, 0x02, 0, 0, le16(len(chain)) + le16(0) + chain))
add('CHALLENGE slot 0 all measurements', spdm(0x12, 0x83, 0, 0xFF, fill(32, 0x30)))
ca = fill(H, 0x40) + fill(32, 0x50) + fill(H, 0x60) + le16(0) + fill(S, 0x70)
add('CHALLENGE_AUTH', spdm(0x12, 0x03, 0x00, 0x01, ca))
add('GET_MEASUREMENTS signed, all', spdm(0x12, 0xE0, 0x01, 0xFF, fill(32, 0x80) + bytes([0])))
blk1 = bytes([0x00]) + le16(H) + fill(H, 0x90)          # digest of immutable ROM
blk2 = bytes([0x86]) + le16(4) + b'1.02'                # raw: firmware version
record = (bytes([1, 0x01]) + le16(len(blk1)) + blk1) + (bytes([2, 0x01]) + le16(len(blk2)) + blk2)
me = bytes([2]) + le24(len(record)) + record + fill(32, 0xB0) + le16(0) + fill(S, 0xC0)
add('MEASUREMENTS 2 blocks signed', spdm(0x12, 0x60, 0, 0x00, me))
opaque = bytes([1, 0, 0, 0]) + bytes([0, 0]) + le16(4) + bytes([1, 0, 0, 0])  # OpaqueDataFmt1, 1 element
ke = le16(0xFFFE) + bytes([0x01, 0]) + fill(32, 0xD0) + fill(D, 0x11) + le16(len(opaque)) + opaque
add('KEY_EXCHANGE', spdm(0x12, 0xE4, 0x00, 0x00, ke))
kr = (le16(0xFFFD) + bytes([0, 0]) + fill(32, 0xE0) + fill(D, 0x22) + le16(len(opaque)) + opaque
      + fill(S, 0x33))
add('KEY_EXCHANGE_RSP heartbeat 10', spdm(0x12, 0x64, 10, 0, kr))
add('FINISH', spdm(0x12, 0xE5, 0, 0, fill(H, 0x44)))
add('FINISH_RSP', spdm(0x12, 0x65, 0, 0, fill(H, 0x55)))
# Secured message (MCTP type 6, DSP0276/DSP0277): SessionID = ReqSessionID
# | RspSessionID << 16, 2-byte sequence number, Length = ciphertext + MAC.
cipher, mac = fill(20, 0x66), fill(16, 0x77)
add('secured: session 0xfffdfffe seq 0', bytes([0x06]) + le32(0xFFFDFFFE) + le16(0) + le16(len(cipher) + len(mac)) + cipher + mac)

print('# SPDM 1.2 handshake hand-assembled by gen_handshake_1_2.py (DSP0274 1.2 layouts)')
for name, b in msgs:
    print('# ' + name)
    print(b.hex())
