#!/usr/bin/env python3
"""Cross-check mctpkit's decoder against pymctp 0.4.0.

Every packet of corpus.txt (`binding hex  # id: description`) is decoded

* by pymctp (Scapy layers: TransportHdrPacket, SmbusTransportPacket,
  UartTransportPacket, I3CTransportPacket, ControlHdrPacket and the control
  body classes bound to it), and
* by `mctpkit decode --binding B --json -` (one process per binding, all the
  binding's packets through stdin, one JSON object per output line),

then both are normalised to the same keys and compared field by field:

    decode   outcome: "returned" (a value or a reported error) vs "raised <exc>"
    smbus    dst_addr, command_code, byte_count, src_addr, pec, pec_ok
    serial   revision, byte_count, fcs, fcs_ok
    i3c      pec, pec_ok
    mctp     version, version_ok, dst, src, som, eom, seq, to, tag, ic, msg_type
    control  rq, d, instance_id, command, completion_code, body fields
             (names mapped through FIELD_MAP), body_decoded

`*_ok` are verdicts: mctpkit's come from its `problems` list, pymctp's are
always true because it never validates PEC/FCS nor the header version
(peers.md §2.8). `body_decoded` is whether a decoder produced typed body
fields; it is only compared once mctpkit decodes a body (otherwise mctpkit's
body is raw `data` and there is nothing to compare yet).

A layer is compared only when both sides have it; a field only when both
sides have it (unless KNOWN_PYMCTP_BUGS names it: then a one-sided field is a
difference too). Differences listed in KNOWN_PYMCTP_BUGS are reported and do
not fail; a listed difference that is not seen fails, so the table stays
honest. Everything else that differs fails with both values shown.

Usage: compare.py [--mctpkit PATH] [--corpus PATH] [-v]
Run through scripts/crosscheck-pymctp, which provides the pymctp venv.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import subprocess
import sys
import uuid
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from build_corpus import serial_unescape  # noqa: E402

BINDINGS = ("none", "smbus", "serial", "i3c")
LAYERS = ("decode", "smbus", "serial", "i3c", "mctp", "control")
ABSENT = object()

# ---------------------------------------------------------------------------
# pymctp field name -> mctpkit JSON key candidates (snake_case spec names).
# The first candidate is the canonical name used in reports and in
# KNOWN_PYMCTP_BUGS. Keys are "PymctpClass.field" (wins) or "field". Fields
# inside list entries are matched with the entry index ("0/starting_eid").
# Unlisted pymctp fields are looked up under their own name.
# ---------------------------------------------------------------------------
FIELD_MAP: dict[str, list[str]] = {
    # binding layers
    "SmbusTransportPacket.dst_addr": ["dst_addr", "destination_slave_address", "dest_addr", "dst_slave_addr"],
    "SmbusTransportPacket.src_addr": ["src_addr", "source_slave_address", "source_addr", "src_slave_addr"],
    "SmbusTransportPacket.command_code": ["command_code", "command"],
    "UartTransportPacket.protocol_rev": ["revision", "protocol_revision", "rev"],
    # transport header
    "TransportHdrPacket.pkt_seq": ["seq", "pkt_seq", "packet_sequence"],
    "TransportHdrPacket.rsvd": ["reserved", "rsvd"],
    # control header
    "ControlHdrPacket.cmd_code": ["command"],
    # 0x01 Set Endpoint ID
    "SetEndpointIDRequestPacket.op": ["operation", "op"],
    "SetEndpointIDRequestPacket.eid": ["eid", "endpoint_id"],
    "eid_assignment_status": ["eid_assignment_status", "assignment_status"],
    "eid_allocation_status": ["eid_allocation_status", "allocation_status"],
    "eid_setting": ["eid_setting"],
    "eid_pool_size": ["eid_pool_size", "pool_size"],
    # 0x02 Get Endpoint ID
    "GetEndpointIDResponsePacket.eid": ["eid", "endpoint_id"],
    "endpoint_type": ["endpoint_type"],
    "endpoint_id_type": ["eid_type", "endpoint_id_type"],
    "medium_specific": ["medium_specific_information", "medium_specific", "medium_specific_info"],
    # 0x03 / 0x0E / 0x10 UUIDs
    "GetEndpointUUIDResponsePacket.uuid": ["uuid"],
    "network_id": ["network_id", "uuid"],
    "ResolveUUIDRequestPacket.uuid": ["uuid", "requested_uuid", "target_uuid"],
    # 0x04 Get MCTP Version Support
    "msg_type_number": ["message_type_number", "msg_type_number", "message_type"],
    "version_number_entry_count": ["version_number_entry_count", "entry_count", "count"],
    # version_number_list is expanded per entry into i/major, i/minor, i/update, i/alpha
    # 0x05 Get Message Type Support
    "msg_type_cnt": ["message_type_count", "msg_type_count", "count"],
    "msg_type_list": ["message_types", "message_type_list", "msg_types", "list_of_message_types"],
    # 0x06 Get Vendor Defined Message Support
    "vendor_id_set_selector": ["vendor_id_set_selector"],
    "next_vendor_id_set_selector": ["next_vendor_id_set_selector", "vendor_id_set_selector"],
    "vendor_id_format": ["vendor_id_format"],
    "vendor_id": ["vendor_id", "pci_vendor_id", "iana_enterprise_number"],
    "command_set_type": ["command_set_type", "vendor_command_set_type"],
    # 0x07 Resolve Endpoint ID
    "ResolveEndpointIDRequestPacket.target_eid": ["target_endpoint_id", "target_eid"],
    "ResolveEndpointIDResponsePacket.bridge_eid": ["bridge_endpoint_id", "bridge_eid"],
    "ResolveEndpointIDResponsePacket.phys_address_size": ["physical_address_size"],
    "ResolveEndpointIDResponsePacket.phys_address": ["physical_address"],
    # 0x08 Allocate Endpoint IDs
    "AllocateEndpointIDsRequestPacket.op": ["operation", "allocation_operation", "op"],
    "allocated_pool_size": ["number_of_allocated_endpoint_ids", "eid_pool_size", "number_of_eids", "pool_size"],
    "AllocateEndpointIDsRequestPacket.starting_eid": ["starting_eid", "first_eid"],
    "AllocateEndpointIDsResponsePacket.status": ["allocation_status", "status"],
    "first_eid": ["first_eid", "starting_eid"],
    # 0x09 Routing Information Update (pymctp layout; unverified)
    "RoutingInfoUpdateRequestPacket.entry_count": ["number_of_entries", "entry_count", "count"],
    "RoutingInfoUpdateEntry1BAddressPacket.entry_type": ["entry_type"],
    "RoutingInfoUpdateEntry1BAddressPacket.entry_count": ["eid_range_size", "size_of_eid_range"],
    "RoutingInfoUpdateEntry1BAddressPacket.starting_eid": ["starting_eid", "first_eid"],
    "RoutingInfoUpdateEntry1BAddressPacket.phy_address": ["physical_address"],
    # 0x0A Get Routing Table Entries
    "entry_handle": ["entry_handle"],
    "next_entry_handle": ["next_entry_handle"],
    "GetRoutingTableEntriesResponsePacket.entry_count": ["number_of_entries", "entry_count", "count"],
    "RoutingTableEntryPacket.eid_range": ["eid_range_size", "size_of_eid_range"],
    "RoutingTableEntryPacket.starting_eid": ["starting_eid"],
    "RoutingTableEntryPacket.entry_type": ["entry_type"],
    "RoutingTableEntryPacket.static_eid": ["static_entry", "static_eid", "static"],
    "RoutingTableEntryPacket.port_number": ["port_number"],
    "phys_transport_binding_id": ["physical_transport_binding_id", "binding_id"],
    "phy_media_type_id": ["physical_media_type_id", "media_type_id"],
    "RoutingTableEntryPacket.phys_address_size": ["physical_address_size"],
    "RoutingTableEntryPacket.phy_address": ["physical_address"],
    # 0x0F Query Hop
    "QueryHopRequestPacket.target_eid": ["target_endpoint_id", "target_eid"],
    "mctp_ctrl_msg_type": ["message_type", "msg_type"],
    "next_bridge_eid": ["next_bridge_eid", "eid_of_next_bridge"],
    "max_incoming_unit_size": [
        "max_incoming_transmission_unit_size",
        "maximum_incoming_transmission_unit_size",
        "max_incoming_unit_size",
    ],
    # 0x10 Resolve UUID (pymctp layout; unverified)
    "ResolveUUIDResponsePacket.eid": ["eid", "0/eid"],
    "ResolveUUIDResponsePacket.bridge_eid": ["bridge_eid", "bridge_endpoint_id"],
}

# Fields pymctp does not have at all, compared only when KNOWN_PYMCTP_BUGS
# names them (canonical name -> mctpkit candidates).
EXTRA_CANONICAL: dict[str, list[str]] = {
    "max_outgoing_unit_size": [
        "max_outgoing_transmission_unit_size",
        "maximum_outgoing_transmission_unit_size",
        "max_outgoing_unit_size",
    ],
}

# mctpkit control-object keys that belong to the header or are not fields.
CONTROL_HEADER_KEYS = {"rq", "d", "instance_id", "command", "completion_code"}
UNTYPED_BODY_KEYS = {"data", "error"}

# ---------------------------------------------------------------------------
# Known pymctp 0.4.0 bugs: (corpus id, "layer.field" or an fnmatch pattern)
# -> reason. Sources: peers.md §2.8, mctp-core.md §7.4, bindings.md §3, and
# reading pymctp's source (pymctp/layers/mctp/transport.py, control/*.py).
# ---------------------------------------------------------------------------
_VER = "Get MCTP Version Support entries read as little-endian u32 (wire F1 F3 F1 00 shown as 0x00F1F3F1)"
_PEC = "pymctp never validates the SMBus/I3C PEC"
_FCS = "pymctp never validates the serial FCS"
_SHORT = "inputs shorter than 4 bytes (or SOM packets shorter than 5) raise struct.error in pymctp"
_STUB = "pymctp decodes 0x11-0x14 as name-only stubs (no body fields)"
_EMPTY = "pymctp dissects an empty error-response body with its response class and reports default (zero) fields"
KNOWN_PYMCTP_BUGS: dict[tuple[str, str], str] = {
    ("short-1", "decode.outcome"): _SHORT,
    ("short-3", "decode.outcome"): _SHORT,
    ("short-4-som", "decode.outcome"): _SHORT,
    ("getver-rsp", "control.[0-9]*/*"): _VER,
    ("getver-rsp-libmctp", "control.[0-9]*/*"): _VER,
    ("serial-getver-rsp", "control.[0-9]*/*"): _VER,
    ("hdr-version2", "mctp.version_ok"): "pymctp does not check the header version (decodes version 2 as 1)",
    ("smbus-badpec", "smbus.pec_ok"): _PEC,
    ("smbus-badpec-readme", "smbus.pec_ok"): _PEC,
    ("i3c-badpec", "i3c.pec_ok"): _PEC,
    ("serial-badfcs", "serial.fcs_ok"): _FCS,
    ("serial-escaped", "mctp.*"): "pymctp's UART layer does not undo DSP0253 byte stuffing (7D 5E read as 7D, 5E)",
    ("serial-escaped", "serial.fcs"): "pymctp's UART layer does not undo byte stuffing, so it reads the FCS from the wrong offset",
    ("resolveeid-rsp", "control.physical_address*"): "pymctp's Resolve EID response expects a physical-address "
    "length byte (reads address 0x52 as a length of 82 and finds no address bytes)",
    ("queryhop-rsp", "control.max_outgoing_unit_size"): "pymctp's Query Hop response omits the outgoing transmission unit size",
    ("qratelimit-rsp", "control.body_decoded"): _STUB,
    ("geteid-rsp-error", "control.body_decoded"): _EMPTY,
    ("seteid-rsp-error", "control.body_decoded"): _EMPTY,
    ("resolveuuid-rsp-dsp0236", "control.eid"): "pymctp's Resolve UUID response is {EID, bridge EID}; DSP0236 as usually "
    "read has next handle, count, entries (mctp-core.md §7.4, layout unverified; sources conflict)",
    ("reqtxrate-req", "control.body_decoded"): _STUB,
    ("reqtxrate-rsp", "control.body_decoded"): _STUB,
    ("updrate-req", "control.body_decoded"): _STUB,
    ("qsupif-rsp", "control.body_decoded"): _STUB,
}


# ---------------------------------------------------------------------------
# corpus
# ---------------------------------------------------------------------------


class Entry:
    def __init__(self, lineno, binding, data, id_, desc):
        self.lineno, self.binding, self.data, self.id, self.desc = lineno, binding, data, id_, desc


def load_corpus(path) -> list[Entry]:
    entries, seen = [], set()
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            body, _, comment = s.partition("#")
            parts = body.split(None, 1)
            m = re.match(r"\s*([A-Za-z0-9_.-]+):\s*(.*)", comment)
            if len(parts) != 2 or parts[0] not in BINDINGS or not m:
                raise SystemExit(f"{path}:{lineno}: expected `binding hex  # id: description`")
            try:
                data = bytes.fromhex(parts[1])
            except ValueError as e:
                raise SystemExit(f"{path}:{lineno}: bad hex: {e}")
            if not data:
                raise SystemExit(f"{path}:{lineno}: empty packet")
            if m.group(1) in seen:
                raise SystemExit(f"{path}:{lineno}: duplicate id {m.group(1)}")
            seen.add(m.group(1))
            entries.append(Entry(lineno, parts[0], data, m.group(1), m.group(2)))
    return entries


def self_check_corpus(entries) -> list[str]:
    """Check every framed packet's PEC/FCS with pymctp's own CRC libraries
    (crc8, crcmod) — an implementation independent of build_corpus.py. Ids
    containing "badpec"/"badfcs" must fail the check, all others pass."""
    import crc8
    import crcmod.predefined

    errors = []
    for e in entries:
        d = e.data
        if e.binding in ("smbus", "i3c"):
            c = crc8.crc8()
            c.update(d[:-1])
            ok = c.digest()[0] == d[-1]
        elif e.binding == "serial":
            if len(d) < 6 or d[0] != 0x7E or d[-1] != 0x7E:
                errors.append(f"{e.id}: not a 7E..7E serial frame")
                continue
            pkt = serial_unescape(d[3:-3])
            f = crcmod.predefined.Crc("crc-16-mcrf4xx")
            f.update(bytes([d[1], d[2]]) + pkt)
            ok = f.crcValue == int.from_bytes(d[-3:-1], "big") and len(pkt) == d[2]
        else:
            continue
        want_bad = "badpec" in e.id or "badfcs" in e.id
        if ok == want_bad:
            errors.append(f"{e.id}: integrity check {'passes' if ok else 'fails'} but id says otherwise")
    return errors


# ---------------------------------------------------------------------------
# pymctp side
# ---------------------------------------------------------------------------


def _aliases(cls: str, name: str) -> list[str]:
    return FIELD_MAP.get(f"{cls}.{name}") or FIELD_MAP.get(name) or [name]


def _pyval(v):
    if isinstance(v, uuid.UUID):
        return v.bytes.hex()
    return v


def _packet_fields(pkt, prefix, out, aliases_out):
    """Flatten one Scapy layer's fields into out[prefix + canonical]."""
    from scapy.packet import Packet

    cls = type(pkt).__name__
    for fd in pkt.fields_desc:
        name = fd.name
        if name.startswith(("reserved", "unused", "rsvd")) and f"{cls}.{name}" not in FIELD_MAP:
            continue
        v = pkt.getfieldval(name)
        if v is None:
            continue
        if isinstance(v, list) and v and all(isinstance(x, Packet) for x in v):
            for i, sub in enumerate(v):
                _packet_fields(sub, f"{prefix}{i}/", out, aliases_out)
            continue
        if name == "version_number_list":
            # pymctp reports one u32 per entry; its four bytes in big-endian (wire)
            # order are what pymctp claims major, minor, update and alpha are.
            for i, x in enumerate(v):
                for j, part in enumerate(("major", "minor", "update", "alpha")):
                    key = f"{prefix}{i}/{part}"
                    out[key] = int(x).to_bytes(4, "big")[j]
                    aliases_out[key] = [key]
            continue
        al = _aliases(cls, name)
        out[prefix + al[0]] = _pyval(v)
        aliases_out[prefix + al[0]] = [prefix + a for a in al]


def pymctp_decode(binding: str, data: bytes):
    """-> (layers: {layer: {key: value}}, aliases: {layer.key: [mctpkit keys]})"""
    from scapy.packet import NoPayload, Padding, Raw

    from pymctp.layers.mctp import transport as T
    from pymctp.layers.mctp.control import ControlHdrPacket

    layers: dict[str, dict] = {}
    aliases: dict[str, list[str]] = {}
    try:
        if binding == "none":
            top = T.TransportHdrPacket(data)
            tp = top
        elif binding == "smbus":
            top = T.SmbusTransportPacket(data)
            tp = top.load
        elif binding == "serial":
            top = T.UartTransportPacket(data)
            tp = top.load
        else:
            top = T.I3CTransportPacket(data)
            tp = top.load
    except Exception as exc:  # pymctp raising is itself a result to compare
        name = type(exc).__name__
        mod = type(exc).__module__
        layers["decode"] = {"outcome": f"raised {name if mod == 'builtins' else mod + '.' + name}"}
        return layers, aliases
    layers["decode"] = {"outcome": "returned"}

    def take(layer, pkt, names):
        d = layers.setdefault(layer, {})
        cls = type(pkt).__name__
        for name, key in names:
            v = pkt.getfieldval(name)
            if v is None:
                continue
            d[key] = _pyval(v)
            aliases[f"{layer}.{key}"] = _aliases(cls, name)

    if binding == "smbus":
        take("smbus", top, [("dst_addr", "dst_addr"), ("command_code", "command_code"),
                            ("byte_count", "byte_count"), ("src_addr", "src_addr"), ("pec", "pec")])
        layers["smbus"]["pec_ok"] = True  # never validated
        aliases["smbus.pec_ok"] = ["pec_ok"]
    elif binding == "serial":
        take("serial", top, [("protocol_rev", "revision"), ("byte_count", "byte_count"), ("fcs", "fcs")])
        layers["serial"]["fcs_ok"] = True  # never validated
        aliases["serial.fcs_ok"] = ["fcs_ok"]
    elif binding == "i3c":
        take("i3c", top, [("pec", "pec")])
        layers["i3c"]["pec_ok"] = True  # never validated
        aliases["i3c.pec_ok"] = ["pec_ok"]

    if not isinstance(tp, T.TransportHdrPacket):
        return layers, aliases
    names = [("version", "version"), ("dst", "dst"), ("src", "src"), ("som", "som"), ("eom", "eom"),
             ("pkt_seq", "seq"), ("to", "to"), ("tag", "tag")]
    if tp.som == 1:
        names += [("ic", "ic"), ("msg_type", "msg_type")]
    take("mctp", tp, names)
    layers["mctp"]["version_ok"] = True  # never checked
    aliases["mctp.version_ok"] = ["version_ok"]

    ctrl = tp.payload
    if not isinstance(ctrl, ControlHdrPacket):
        return layers, aliases
    cnames = [("rq", "rq"), ("d", "d"), ("instance_id", "instance_id"), ("cmd_code", "command")]
    if ctrl.rq == 0:
        cnames.append(("completion_code", "completion_code"))
    take("control", ctrl, cnames)
    body: dict = {}
    body_aliases: dict = {}
    layer = ctrl.payload
    while layer is not None and not isinstance(layer, (NoPayload, Raw, Padding)):
        _packet_fields(layer, "", body, body_aliases)
        layer = layer.payload
    layers["control"].update(body)
    for k, al in body_aliases.items():
        aliases[f"control.{k}"] = al
    layers["control"]["body_decoded"] = bool(body)
    aliases["control.body_decoded"] = ["body_decoded"]
    return layers, aliases


# ---------------------------------------------------------------------------
# mctpkit side
# ---------------------------------------------------------------------------


def run_mctpkit(exe: str, binding: str, entries: list[Entry]):
    """-> list of parsed JSON objects (one per entry), or None if this mctpkit
    does not know the binding yet."""
    stdin = "".join(e.data.hex() + "\n" for e in entries)
    p = subprocess.run([exe, "decode", "--binding", binding, "--json", "-"], input=stdin,
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0 and not p.stdout and "invalid value" in p.stderr:
        return None
    if p.returncode != 0:
        raise SystemExit(f"mctpkit decode --binding {binding} failed ({p.returncode}):\n{p.stderr}")
    lines = p.stdout.splitlines()
    if len(lines) != len(entries):
        raise SystemExit(f"mctpkit --binding {binding}: {len(lines)} output lines for {len(entries)} packets")
    return [json.loads(line) for line in lines]


def _flatten(obj, prefix, out):
    """Object groups are transparent; list items are keyed by index
    ("0/starting_eid"); a list of one-field items becomes a list of values
    (message_types: [{"message_type": 0}, ...] -> [0, ...])."""
    for k, v in obj.items():
        if k.endswith("_name"):
            continue
        if isinstance(v, dict):
            _flatten(v, prefix, out)
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            single = [[val for key, val in x.items() if not key.endswith("_name")] for x in v]
            if all(len(vals) == 1 and not isinstance(vals[0], (dict, list)) for vals in single):
                out[prefix + k] = [vals[0] for vals in single]
                continue
            for i, sub in enumerate(v):
                _flatten(sub, f"{prefix}{i}/", out)
        else:
            out[prefix + k] = v


def mctpkit_layers(binding: str, obj: dict) -> dict[str, dict]:
    problems = obj.get("problems", [])
    layers: dict[str, dict] = {"decode": {"outcome": "returned"}}
    if binding != "none" and isinstance(obj.get(binding), dict):
        d: dict = {}
        _flatten(obj[binding], "", d)
        check = "fcs" if binding == "serial" else "pec"
        if f"{check}_ok" in d and d[f"{check}_ok"] is None:
            # mctpkit says "unchecked": e.g. an I3C PEC with no dynamic address
            # given (Linux includes the address byte, so a data-only mismatch
            # proves nothing). Nothing to compare.
            d.pop(f"{check}_ok")
        elif not isinstance(d.get(f"{check}_ok"), bool):  # prefer the layer's own verdict
            d[f"{check}_ok"] = not any(re.search(rf"\bbad {check}\b", p, re.I) for p in problems)
        layers[binding] = d
    if isinstance(obj.get("mctp"), dict):
        d = {}
        _flatten(obj["mctp"], "", d)
        d["version_ok"] = not any("header version" in p for p in problems)
        layers["mctp"] = d
    if isinstance(obj.get("control"), dict):
        d = {}
        _flatten(obj["control"], "", d)
        if d.get("completion_code") is None:
            d.pop("completion_code", None)
        body = [k for k in d if k not in CONTROL_HEADER_KEYS]
        if any(k not in UNTYPED_BODY_KEYS for k in body):
            d["body_decoded"] = True
        elif not body:  # an empty body, decoded as such
            d["body_decoded"] = False
        # else: raw `data` (not decoded yet) or malformed: nothing to say
        layers["control"] = d
    return layers


# ---------------------------------------------------------------------------
# comparison
# ---------------------------------------------------------------------------


def canon(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).hex()
    if isinstance(v, str):
        s = re.sub(r"[\s:\-]", "", v).lower()
        if s.startswith("0x"):
            s = s[2:]
        return s if re.fullmatch(r"(?:[0-9a-f]{2})+", s) else v
    if isinstance(v, list):
        if v and all(isinstance(x, int) and not isinstance(x, bool) for x in v):
            if all(0 <= x <= 0xFF for x in v):
                return bytes(v).hex()
            return "".join(int(x).to_bytes(4, "big").hex() for x in v)
        if v and all(isinstance(x, str) for x in v):
            return "".join(str(canon(x)) for x in v)
        if not v:
            return ""
        return [canon(x) for x in v]
    return v


def equal(a, b) -> bool:
    a, b = canon(a), canon(b)
    if a == b:
        return True
    for x, y in ((a, b), (b, a)):
        if isinstance(x, int) and isinstance(y, str) and re.fullmatch(r"[0-9a-f]+", y):
            return x == int(y, 16)
    return False


def show(v) -> str:
    if v is ABSENT:
        return "<absent>"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v} (0x{v:x})"
    return json.dumps(v) if not isinstance(v, str) else repr(v)


def known_bug(entry_id: str, key: str):
    for (eid, pat), reason in KNOWN_PYMCTP_BUGS.items():
        if eid == entry_id and fnmatch.fnmatchcase(key, pat):
            return (eid, pat), reason
    return None, None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mctpkit", default=os.path.join(ROOT, "target", "debug", "mctpkit"))
    ap.add_argument("--corpus", default=os.path.join(HERE, "corpus.txt"))
    ap.add_argument("-v", "--verbose", action="store_true", help="print every compared field")
    args = ap.parse_args()

    entries = load_corpus(args.corpus)
    errors = self_check_corpus(entries)
    if errors:
        print("corpus self-check failed:\n  " + "\n  ".join(errors))
        return 1
    ids = {e.id for e in entries}
    stale = [k for k in KNOWN_PYMCTP_BUGS if k[0] not in ids]
    if stale:
        print(f"KNOWN_PYMCTP_BUGS names ids not in the corpus: {stale}")
        return 1

    ours: dict[str, dict | None] = {}
    unsupported = []
    for b in BINDINGS:
        group = [e for e in entries if e.binding == b]
        if not group:
            continue
        res = run_mctpkit(args.mctpkit, b, group)
        if res is None:
            unsupported.append(b)
        for i, e in enumerate(group):
            ours[e.id] = None if res is None else res[i]

    stats = {layer: defaultdict(int) for layer in LAYERS}
    passed = failed = skipped_packets = 0
    not_checked_bugs = 0
    failures_lines: list[str] = []

    for e in entries:
        py, py_aliases = pymctp_decode(e.binding, e.data)
        obj = ours[e.id]
        mk = {} if obj is None else mctpkit_layers(e.binding, obj)
        flat_mk = {layer: d for layer, d in mk.items()}
        compared = 0
        bad: list[str] = []
        notes: list[str] = []
        # per KNOWN_PYMCTP_BUGS entry of this packet: "seen" (a matching field
        # differs), "equal" (matching fields compared, none differs) or unset
        bug_state: dict = {}
        for layer in LAYERS:
            p, o = py.get(layer), flat_mk.get(layer)
            if p is None and o is None:
                continue
            if p is None or o is None:
                stats[layer]["layer skipped"] += 1
                continue
            used_mk: set = set()
            keys = list(p.keys())
            # fields pymctp lacks but KNOWN_PYMCTP_BUGS names
            for (eid, pat) in KNOWN_PYMCTP_BUGS:
                if eid == e.id and pat.startswith(layer + ".") and "*" not in pat:
                    k = pat.split(".", 1)[1]
                    if k not in keys:
                        keys.append(k)
            for k in keys:
                full = f"{layer}.{k}"
                pv = p.get(k, ABSENT)
                cands = py_aliases.get(full) or EXTRA_CANONICAL.get(k) or [k]
                ov, okey = ABSENT, None
                for c in cands:
                    if c in o:
                        ov, okey = o[c], c
                        break
                if okey:
                    used_mk.add(okey)
                bug_key, reason = known_bug(e.id, full)
                if pv is ABSENT and ov is ABSENT:
                    continue
                # A one-sided field is a difference only when KNOWN_PYMCTP_BUGS names
                # it, and only once mctpkit has it (pymctp lacking it is the bug).
                if ov is ABSENT or (pv is ABSENT and bug_key is None):
                    stats[layer]["not compared"] += 1
                    if args.verbose:
                        side = "pymctp" if ov is ABSENT else "mctpkit"
                        notes.append(f"    ~ {full}: only {side} has it ({show(pv if ov is ABSENT else ov)})")
                    continue
                stats[layer]["compared"] += 1
                compared += 1
                if pv is not ABSENT and equal(pv, ov):
                    stats[layer]["equal"] += 1
                    if bug_key is not None:
                        bug_state.setdefault(bug_key, "equal")
                    if args.verbose:
                        notes.append(f"    = {full}: {show(pv)}")
                    continue
                if bug_key is not None:
                    stats[layer]["known bug"] += 1
                    bug_state[bug_key] = "seen"
                    notes.append(f"    pymctp known bug: {full}: pymctp {show(pv)}, mctpkit {show(ov)} — {reason}")
                else:
                    stats[layer]["differ"] += 1
                    bad.append(f"    DIFF {full}: pymctp {show(pv)} != mctpkit[{okey}] {show(ov)}")
            # mctpkit fields no pymctp field mapped to
            for k in o:
                if k not in used_mk and k not in p and not (layer == "control" and k in UNTYPED_BODY_KEYS):
                    stats[layer]["not compared"] += 1
                    if args.verbose:
                        notes.append(f"    ~ {layer}.{k}: only mctpkit has it ({show(o[k])})")
        # known bugs listed for this packet that were checked but not seen
        for (eid, pat), reason in KNOWN_PYMCTP_BUGS.items():
            if eid != e.id:
                continue
            state = bug_state.get((eid, pat))
            if state == "equal":
                bad.append(f"    expected pymctp bug not seen: {pat}: {reason}")
            elif state is None:
                not_checked_bugs += 1
        head = f"{e.binding:<6} {e.id} (line {e.lineno}) {e.data.hex(' ')}"
        if bad:
            failed += 1
            failures_lines.append(f"FAIL {head}\n" + "\n".join(bad + notes))
        elif compared == 0:
            skipped_packets += 1
            if args.verbose:
                print(f"skip {head}: nothing comparable")
        else:
            passed += 1
            if notes and (args.verbose or any("known bug" in n for n in notes)):
                print(f"ok   {head}\n" + "\n".join(notes))

    for f in failures_lines:
        print(f)
    print()
    cols = ("compared", "equal", "known bug", "differ", "not compared", "layer skipped")
    print(f"{'layer':<9}" + "".join(f"{c:>15}" for c in cols))
    for layer in LAYERS:
        print(f"{layer:<9}" + "".join(f"{stats[layer][c]:>15}" for c in cols))
    if unsupported:
        print(f"mctpkit does not support --binding {', '.join(unsupported)} yet: those packets compared nothing")
    if not_checked_bugs:
        print(f"known pymctp bugs not checked (a side lacks the field/layer): {not_checked_bugs}")
    print(f"packets: {len(entries)}; skipped (nothing comparable): {skipped_packets}")
    print(f"crosscheck: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
