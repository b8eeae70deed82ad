#!/usr/bin/env python3
"""Build tests/crosscheck/corpus.txt: hand-assembled MCTP packets for the
pymctp cross-check (compare.py).

Every packet is written out byte by byte below; only the integrity checks
(SMBus/I3C PEC, serial FCS) and the serial escaping are computed, with the two
small CRC functions in this file. Their parameters (bindings.md §2.1, §3.3;
peers.md §15.2) are checked against the catalogue check values at import time.

Layout sources: mctp-core.md §1 (transport header), §7 (control messages),
bindings.md §2 (SMBus), §3 (serial), §4 (I3C); worked examples from peers.md
§2.3, bindings.md §2.2 and mctp-core.md §7.4 are copied verbatim.
Layouts marked "unverified" in mctp-core.md use the reading given there.

Run: python3 tests/crosscheck/build_corpus.py   (rewrites corpus.txt)
"""

from __future__ import annotations

import os
import sys


# --- integrity checks -------------------------------------------------------


def crc8_smbus(data: bytes) -> int:
    """CRC-8/SMBUS: poly 0x07, init 0, no reflection, no final XOR."""
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def crc16_mcrf4xx(data: bytes) -> int:
    """CRC-16/MCRF4XX: poly 0x1021 reflected (0x8408), init 0xFFFF,
    reflected in/out, no final XOR."""
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc


assert crc8_smbus(b"123456789") == 0xF4
assert crc16_mcrf4xx(b"123456789") == 0x6F91
# bindings.md §2.1 cross-check value
assert crc8_smbus(bytes.fromhex("200f051101 0809c800".replace(" ", ""))) == 0x5C


def serial_escape(data: bytes) -> bytes:
    """DSP0253 byte stuffing of the packet bytes (bindings.md §3.2)."""
    out = bytearray()
    for b in data:
        if b in (0x7E, 0x7D):
            out += bytes([0x7D, b ^ 0x20])
        else:
            out.append(b)
    return bytes(out)


def serial_unescape(data: bytes) -> bytes:
    out = bytearray()
    esc = False
    for b in data:
        if esc:
            out.append(b ^ 0x20)
            esc = False
        elif b == 0x7D:
            esc = True
        else:
            out.append(b)
    return bytes(out)


# --- frame builders ---------------------------------------------------------

SOM, EOM, TO = 0x80, 0x40, 0x08


def flags(som=True, eom=True, seq=0, to=False, tag=0) -> int:
    return (SOM if som else 0) | (EOM if eom else 0) | (seq << 4) | (TO if to else 0) | tag


def hdr(dst, src, fl, ver=1) -> bytes:
    return bytes([ver, dst, src, fl])


def req(iid, cmd, data=b"", d=False) -> bytes:
    """Control request message: type 0x00, Rq=1, D, instance ID, command, data."""
    return bytes([0x00, 0x80 | (0x40 if d else 0) | iid, cmd]) + bytes(data)


def rsp(iid, cmd, cc=0, data=b"") -> bytes:
    """Control response message: type 0x00, Rq=0, instance ID, command, cc, data."""
    return bytes([0x00, iid, cmd, cc]) + bytes(data)


def req_pkt(iid, cmd, data=b"", dst=0x0A, src=0x08, tag=0, d=False) -> bytes:
    return hdr(dst, src, flags(to=True, tag=tag)) + req(iid, cmd, data, d)


def rsp_pkt(iid, cmd, cc=0, data=b"", dst=0x08, src=0x0A, tag=0) -> bytes:
    return hdr(dst, src, flags(to=False, tag=tag)) + rsp(iid, cmd, cc, data)


def smbus(dst_addr, src_addr, pkt, pec=None, count=None) -> bytes:
    """DSP0237 block write: dst, 0x0F, byte count (src + packet), src, packet, PEC
    over everything before it."""
    body = bytes([dst_addr, 0x0F, len(pkt) + 1 if count is None else count, src_addr]) + pkt
    return body + bytes([crc8_smbus(body) if pec is None else pec])


def serial(pkt, fcs=None) -> bytes:
    """DSP0253 frame: 7E, revision 01, count, escaped packet, FCS (high byte
    first, over revision, count and the unescaped packet), 7E."""
    cover = bytes([0x01, len(pkt)]) + pkt
    f = crc16_mcrf4xx(cover) if fcs is None else fcs
    return b"\x7e" + bytes([0x01, len(pkt)]) + serial_escape(pkt) + f.to_bytes(2, "big") + b"\x7e"


def i3c(pkt, pec=None) -> bytes:
    """DSP0233 private write: packet then PEC over the packet (no address byte,
    as pymctp does when the address is unknown; bindings.md §4)."""
    return pkt + bytes([crc8_smbus(pkt) if pec is None else pec])


def h(s: str) -> bytes:
    return bytes.fromhex(s.replace(" ", ""))


UUID = h("12345678 9abc def0 1122 334455667788")
NETID = h("a1a2a3a4 b1b2 c1c2 d1d2 e1e2e3e4e5e6")

# (id, binding, bytes, description)
CORPUS: list[tuple[str, str, bytes, str]] = []


def add(id_, binding, data, desc):
    CORPUS.append((id_, binding, data, desc))


# --- worked examples (verbatim) -----------------------------------------------
add("ex-grte-rsp", "none", h("01 0b 0a c5 00 00 0a 00 ff 01 01 0a 02 00 04 01 00"),
    "pymctp README / mctp-core.md §7.4: Get Routing Table Entries response, 1 entry")
add("ex-smbus-seteid-rsp", "smbus", h("20 0F 0C 65 01 0A 43 D0 00 1A 01 00 00 43 00 F4"),
    "pymctp README / bindings.md §2.2: Set EID response in SMBus, PEC F4")
add("ex-smbus-seteid-req", "smbus", h("64 0F 0A 21 01 00 0A CF 00 91 01 00 1D FC"),
    "pymctp README / bindings.md §2.2: Set EID request in SMBus, PEC FC")

# --- every control command, request and response ------------------------------
add("seteid-req", "none", req_pkt(0, 0x01, [0x00, 0x0B]), "Set EID request, op Set, EID 0x0B")
add("seteid-req-force", "none", req_pkt(1, 0x01, [0x01, 0x20], tag=1), "Set EID request, op Force, EID 0x20")
add("seteid-req-reset", "none", req_pkt(2, 0x01, [0x02, 0x00], tag=2), "Set EID request, op Reset")
add("seteid-rsp", "none", rsp_pkt(0, 0x01, 0, [0x00, 0x0B, 0x00]), "Set EID response accepted, no pool, EID 0x0B")
add("seteid-rsp-pool", "none", rsp_pkt(1, 0x01, 0, [0x01, 0x20, 0x10], tag=1),
    "Set EID response accepted, pool required, EID 0x20, pool 16")
add("seteid-rsp-rejected", "none", rsp_pkt(2, 0x01, 0, [0x12, 0x30, 0x00], tag=2),
    "Set EID response rejected, pool already assigned, EID 0x30")
add("geteid-req", "none", req_pkt(3, 0x02, dst=0x00, tag=3), "Get EID request, physical addressing (dst 0)")
add("geteid-rsp", "none", rsp_pkt(3, 0x02, 0, [0x0A, 0x12, 0x00], src=0x00, tag=3),
    "Get EID response EID 0x0A, bus owner, static EID matches")
add("geteid-rsp-simple", "none", rsp_pkt(4, 0x02, 0, [0x1D, 0x01, 0x07], tag=4),
    "Get EID response EID 0x1D, simple endpoint, static supported, medium 7")
add("getuuid-req", "none", req_pkt(5, 0x03, tag=5), "Get Endpoint UUID request")
add("getuuid-rsp", "none", rsp_pkt(5, 0x03, 0, UUID, tag=5), "Get Endpoint UUID response")
add("getver-req", "none", req_pkt(6, 0x04, [0xFF], tag=6), "Get MCTP Version Support request, base spec (0xFF)")
add("getver-req-ctrl", "none", req_pkt(7, 0x04, [0x00], tag=7), "Get MCTP Version Support request, type 0")
add("getver-rsp", "none", rsp_pkt(6, 0x04, 0, h("01 f1 f3 f1 00"), tag=6),
    "Get MCTP Version Support response: 1.3.1 (F1 F3 F1 00)")
add("getver-rsp-libmctp", "none",
    rsp_pkt(7, 0x04, 0, h("04 f1 f0 ff 00 f1 f1 ff 00 f1 f2 ff 00 f1 f3 f3 00"), tag=7),
    "Get MCTP Version Support response, libmctp's four entries 1.0 1.1 1.2 1.3.3")
add("getver-rsp-unsupported", "none", rsp_pkt(8, 0x04, 0x80), "Get MCTP Version Support: cc 0x80, no count byte")
add("getmsgtypes-req", "none", req_pkt(9, 0x05, tag=1), "Get Message Type Support request")
add("getmsgtypes-rsp", "none", rsp_pkt(9, 0x05, 0, h("03 00 01 7e"), tag=1),
    "Get Message Type Support response: control, PLDM, vendor PCI")
add("getvdm-req", "none", req_pkt(10, 0x06, [0x00], tag=2), "Get VDM Support request, selector 0")
add("getvdm-rsp-pci", "none", rsp_pkt(10, 0x06, 0, h("ff 00 80 86 00 01"), tag=2),
    "Get VDM Support response: last set, PCI vendor 0x8086, command set 0x0001")
add("getvdm-rsp-iana", "none", rsp_pkt(11, 0x06, 0, h("01 01 00 00 01 37 00 02"), tag=3),
    "Get VDM Support response: next 1, IANA 311, command set 0x0002")
add("resolveeid-req", "none", req_pkt(12, 0x07, [0x30], tag=4), "Resolve EID request, target 0x30")
add("resolveeid-rsp", "none", rsp_pkt(12, 0x07, 0, [0x20, 0x52], tag=4),
    "Resolve EID response: bridge EID 0x20, SMBus physical address 0x52 (no size byte)")
add("alloceids-req", "none", req_pkt(13, 0x08, [0x00, 0x10, 0x20], tag=5),
    "Allocate EIDs request: allocate 16 EIDs from 0x20")
add("alloceids-req-info", "none", req_pkt(14, 0x08, [0x02, 0x00, 0x00], tag=6),
    "Allocate EIDs request: get allocation information")
add("alloceids-rsp", "none", rsp_pkt(13, 0x08, 0, [0x00, 0x10, 0x20], tag=5),
    "Allocate EIDs response: accepted, pool 16, first 0x20")
add("riu-req", "none", req_pkt(15, 0x09, [0x01, 0x00, 0x01, 0x40, 0x52], tag=7),
    "Routing Information Update request: 1 entry, 4 bytes after the count (layout unverified)")
add("riu-rsp", "none", rsp_pkt(15, 0x09, 0, tag=7), "Routing Information Update response")
add("grte-req", "none", req_pkt(16, 0x0A, [0x00]), "Get Routing Table Entries request, handle 0")
add("grte-rsp-2", "none",
    rsp_pkt(16, 0x0A, 0, h("ff 02  05 30 61 01 01 01 52  01 40 23 06 00 02 12 34")),
    "Get Routing Table Entries response: bridge range (static, port 1, SMBus addr 0x52) and endpoint with 2-byte address")
add("prepdisc-req", "none", req_pkt(17, 0x0B, dst=0xFF, tag=1), "Prepare for Endpoint Discovery request, broadcast")
add("prepdisc-rsp", "none", rsp_pkt(17, 0x0B, 0, tag=1), "Prepare for Endpoint Discovery response")
add("epdisc-req", "none", req_pkt(18, 0x0C, dst=0xFF, tag=2), "Endpoint Discovery request, broadcast")
add("epdisc-rsp", "none", rsp_pkt(18, 0x0C, 0, src=0x00, tag=2), "Endpoint Discovery response from null EID")
add("discnotify-req", "none", req_pkt(19, 0x0D, tag=3), "Discovery Notify request")
add("discnotify-rsp", "none", rsp_pkt(19, 0x0D, 0, tag=3), "Discovery Notify response")
add("getnetid-req", "none", req_pkt(20, 0x0E, tag=4), "Get Network ID request")
add("getnetid-rsp", "none", rsp_pkt(20, 0x0E, 0, NETID, tag=4), "Get Network ID response (16-byte ID)")
add("queryhop-req", "none", req_pkt(21, 0x0F, [0x30, 0x00], tag=5), "Query Hop request: target 0x30, type control")
add("queryhop-rsp", "none", rsp_pkt(21, 0x0F, 0, h("20 00 01 00 00 44"), tag=5),
    "Query Hop response: next bridge 0x20, type 0, in 256, out 68 (widths unverified)")
add("resolveuuid-req", "none", req_pkt(22, 0x10, UUID, tag=6), "Resolve UUID request: UUID only (pymctp reading)")
add("resolveuuid-rsp", "none", rsp_pkt(22, 0x10, 0, [0x30, 0x20], tag=6),
    "Resolve UUID response: EID, bridge EID (pymctp reading, layout unverified)")
add("resolveuuid-req-handle", "none", req_pkt(23, 0x10, UUID + bytes([0x00]), tag=7),
    "Resolve UUID request: UUID then entry handle 0 (DSP0236 reading, unverified)")
add("resolveuuid-rsp-dsp0236", "none", rsp_pkt(23, 0x10, 0, [0xFF, 0x01, 0x30, 0x52], tag=7),
    "Resolve UUID response: last handle, 1 entry {EID 0x30, address 0x52} (DSP0236 reading, unverified)")
add("qratelimit-req", "none", req_pkt(23, 0x11, tag=7), "Query Rate Limit request")
add("qratelimit-rsp", "none",
    rsp_pkt(23, 0x11, 0, h("00000400 00010000 00008000 00000100 00000040 00000020 00000800 01"), tag=7),
    "Query Rate Limit response: 7 u32 + capabilities byte (layout unverified)")
add("reqtxrate-req", "none", req_pkt(24, 0x12, h("00 00 00 40 00 00 00 20")),
    "Request TX Rate Limit request (layout unverified)")
add("reqtxrate-rsp", "none", rsp_pkt(24, 0x12, 0, h("00 00 00 40 00 00 00 20")),
    "Request TX Rate Limit response (layout unverified)")
add("updrate-req", "none", req_pkt(25, 0x13, h("00 00 00 20 00 00 08 00"), tag=1),
    "Update Rate Limit request: burst size 32, rate 2048 (layout unverified)")
add("updrate-rsp", "none", rsp_pkt(25, 0x13, 0, tag=1), "Update Rate Limit response")
add("qsupif-req", "none", req_pkt(26, 0x14, tag=2), "Query Supported Interfaces request")
add("qsupif-rsp", "none", rsp_pkt(26, 0x14, 0, h("02 01 00 05 01"), tag=2),
    "Query Supported Interfaces response (layout unverified)")
add("binding-f0-req", "none", req_pkt(27, 0xF0, h("01 02 03"), tag=3), "binding-specific command 0xF0 request")
add("binding-f0-rsp", "none", rsp_pkt(27, 0xF0, 0, h("aa bb"), tag=3), "binding-specific command 0xF0 response")
add("binding-ff-req", "none", req_pkt(28, 0xFF, tag=4), "binding-specific command 0xFF request, no data")
add("unsupported-rsp", "none", rsp_pkt(29, 0x15, 0x05, tag=5), "unknown command 0x15: 4-byte ERROR_UNSUPPORTED_CMD")
add("reserved-cmd-req", "none", req_pkt(30, 0x00, tag=6), "reserved command 0x00 request")
add("geteid-rsp-error", "none", rsp_pkt(31, 0x02, 0x01, tag=7), "Get EID error response, cc only")
add("seteid-rsp-error", "none", rsp_pkt(30, 0x01, 0x02, tag=6), "Set EID error response ERROR_INVALID_DATA, cc only")
add("datagram-req", "none", req_pkt(0, 0x0D, d=True, tag=1), "Discovery Notify sent as datagram (D=1)")

# --- header variations --------------------------------------------------------
add("hdr-som-only", "none", hdr(0x0A, 0x08, flags(eom=False, to=True, tag=3)) + req(1, 0x05) + bytes(range(8)),
    "SOM, not EOM, seq 0, TO, tag 3: first fragment of a control message")
add("hdr-middle", "none", hdr(0x0A, 0x08, flags(som=False, eom=False, seq=1, to=True, tag=3)) + bytes(range(8, 20)),
    "middle fragment: no SOM/EOM, seq 1")
add("hdr-eom-only", "none", hdr(0x0A, 0x08, flags(som=False, eom=True, seq=2, to=True, tag=3)) + bytes(range(20, 24)),
    "last fragment: EOM, seq 2")
add("hdr-seq3-tag7", "none", hdr(0x10, 0x20, flags(seq=3, to=True, tag=7)) + req(5, 0x02),
    "single packet, seq 3, TO, tag 7")
add("hdr-nonsom-seq3", "none", hdr(0x10, 0x20, flags(som=False, eom=False, seq=3, to=False, tag=6)) + h("ff fe 7e 7d"),
    "non-SOM fragment, seq 3, TO=0, tag 6")
add("hdr-version2", "none", hdr(0x0A, 0x08, flags(to=True), ver=2) + req(1, 0x02), "header version 2")
add("hdr-reserved-nibble", "none", hdr(0x0A, 0x08, flags(to=True), ver=0x31) + req(2, 0x02),
    "reserved nibble 3, version 1 (receivers ignore reserved bits)")
add("hdr-pldm", "none", hdr(0x0A, 0x08, flags(to=True, tag=1)) + h("01 81 00 02"), "PLDM (type 1) GetTID request")
add("hdr-ic-spdm", "none", hdr(0x0A, 0x08, flags(to=True, tag=2)) + h("85 10 84 00 00"),
    "IC bit set on message type 5 (SPDM)")
add("hdr-vdm-pci", "none", hdr(0x0A, 0x08, flags(to=True, tag=2)) + h("7e 14 14 01 02"), "vendor-defined PCI message")
add("hdr-null-eids", "none", hdr(0x00, 0x00, flags(to=True)) + req(3, 0x02), "null source and destination EIDs")

# --- short inputs ---------------------------------------------------------------
add("short-1", "none", h("01"), "1 byte")
add("short-3", "none", h("01 0a 08"), "3 bytes: header truncated")
add("short-4-som", "none", h("01 0a 08 c8"), "4 bytes, SOM+EOM but no message type byte")
add("short-4-nonsom", "none", h("01 0a 08 48"), "4 bytes, EOM only, empty payload")
add("short-ctrl-1", "none", h("01 0a 08 c8 00"), "control message type byte only")
add("short-ctrl-2", "none", h("01 0a 08 c8 00 80"), "control message without command byte")
add("short-rsp-nocc", "none", h("01 08 0a c0 00 02 02"), "control response without completion code")
add("short-geteid-rsp", "none", rsp_pkt(1, 0x02, 0, [0x0A]), "Get EID response truncated after the EID")

# --- SMBus ------------------------------------------------------------------------
add("smbus-geteid-req", "smbus", smbus(0x20, 0x11, req_pkt(1, 0x02, dst=0x00)),
    "Get EID request, dst 7-bit 0x10, src 7-bit 0x08")
add("smbus-geteid-rsp", "smbus", smbus(0x10, 0x21, rsp_pkt(1, 0x02, 0, [0x0A, 0x00, 0x00], dst=0x08, src=0x0A)),
    "Get EID response back the other way")
add("smbus-grte-rsp", "smbus", smbus(0x20, 0x65, h("01 0b 0a c5 00 00 0a 00 ff 01 01 0a 02 00 04 01 00")),
    "README routing-table response inside SMBus")
add("smbus-nonsom", "smbus", smbus(0x20, 0x65, hdr(0x0B, 0x0A, flags(som=False, eom=True, seq=1, tag=5)) + bytes(range(10))),
    "non-SOM fragment in SMBus")
add("smbus-badpec", "smbus", smbus(0x20, 0x11, req_pkt(2, 0x02), pec=0x00), "Get EID request with wrong PEC 0x00")
add("smbus-badpec-readme", "smbus", h("20 0F 0C 65 01 0A 43 D0 00 1A 01 00 00 43 00 F5"),
    "README Set EID response with PEC F4 changed to F5")

# --- serial ------------------------------------------------------------------------
add("serial-geteid-req", "serial", serial(req_pkt(1, 0x02)), "Get EID request in a DSP0253 frame")
add("serial-seteid-rsp", "serial", serial(rsp_pkt(2, 0x01, 0, [0x00, 0x0B, 0x00])), "Set EID response in a DSP0253 frame")
add("serial-getver-rsp", "serial", serial(rsp_pkt(3, 0x04, 0, h("01 f1 f3 f1 00"))), "Get MCTP Version Support response in serial")
add("serial-badfcs", "serial", serial(req_pkt(4, 0x02), fcs=0x1234), "Get EID request with wrong FCS 0x1234")
add("serial-escaped", "serial", serial(hdr(0x7E, 0x7D, flags(to=True)) + req(5, 0x01, [0x00, 0x7E])),
    "dst 0x7E, src 0x7D and EID 0x7E escaped as 7D 5E / 7D 5D")

# --- I3C ---------------------------------------------------------------------------
add("i3c-geteid-req", "i3c", i3c(req_pkt(1, 0x02)), "Get EID request + PEC over the packet")
add("i3c-geteid-rsp", "i3c", i3c(rsp_pkt(1, 0x02, 0, [0x0A, 0x00, 0x00])), "Get EID response + PEC")
add("i3c-badpec", "i3c", i3c(req_pkt(2, 0x02), pec=0xAA), "Get EID request with wrong PEC 0xAA")


def render() -> str:
    ids = [c[0] for c in CORPUS]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise SystemExit(f"duplicate corpus ids: {sorted(dup)}")
    lines = [
        "# mctpkit <-> pymctp cross-check corpus: `binding hex  # id: description`.",
        "# Generated by tests/crosscheck/build_corpus.py (edit there, then re-run it);",
        "# PEC = CRC-8/SMBUS, serial FCS = CRC-16/MCRF4XX high byte first.",
    ]
    for id_, binding, data, desc in CORPUS:
        lines.append(f"{binding:<6} {data.hex(' ')}  # {id_}: {desc}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus.txt")
    text = render()
    if "--check" in sys.argv:
        with open(path) as f:
            sys.exit(0 if f.read() == text else 1)
    with open(path, "w") as f:
        f.write(text)
    print(f"wrote {len(CORPUS)} packets to {path}")
