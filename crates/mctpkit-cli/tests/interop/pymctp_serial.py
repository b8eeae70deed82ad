"""Talk to `mctpkit daemon` over a pty with pymctp's own serial exerciser
(pymctp-exerciser-serial 0.2.6, TTYSerialSocket), as EID 9:

1. MCTP control Get Endpoint ID to the daemon (EID 8), answered by the
   daemon's stack;
2. PLDM GetTID to the daemon, answered by a client of the daemon (the Rust
   test) with TID 42;
3. a vendor-defined request (type 0x7E) from a client of the daemon,
   answered here with TO=0 and the request's tag.

Packets are built and parsed with pymctp's Scapy layers.

    python pymctp_serial.py TTY

Run by tests/interop_serial_pymctp.rs (an ignored test; scripts/interop-
pymctp-serial installs the package and runs it). Exits non-zero on any
mismatch.
"""

import sys
import time

from pymctp.layers.mctp.control import ControlHdr, GetEndpointID
from pymctp.layers.mctp.pldm.pldm import PldmHdr, RqBit
from pymctp.layers.mctp.pldm.type1_base import GetTIDPacket
from pymctp.layers.mctp.transport import TransportHdr, UartTransport, UartTransportPacket
from pymctp.layers.mctp.types import MsgTypes
from pymctp_exerciser_serial.tty_serial import TTYSerialSocket

OURS, DAEMON = 9, 8


def check_fcs(rsp):
    # pymctp does not check the FCS: check it here (CRC-16/MCRF4XX over
    # revision, byte count and the unescaped packet, DSP0253).
    crc = UartTransportPacket.FCS_FUNC.new()
    crc.update(bytes([rsp.protocol_rev, rsp.byte_count]) + bytes(rsp.load))
    assert rsp.fcs == crc.crcValue, f"FCS {rsp.fcs:04x} != {crc.crcValue:04x}"


def receive(sock, what):
    """The next frame pymctp parses, within 5 s."""
    deadline = time.time() + 5
    while time.time() < deadline:
        rsp = sock.recv()
        if rsp is None:
            time.sleep(0.01)
            continue
        check_fcs(rsp)
        assert (rsp.protocol_rev, rsp.byte_count) == (1, len(bytes(rsp.load))), rsp.show(dump=True)
        return rsp
    sys.exit(f"no {what} within 5 s")


def request(sock, tag, msg_type, body, what):
    sock.send(UartTransport(load=TransportHdr(dst=DAEMON, src=OURS, som=1, eom=1, to=1, tag=tag, msg_type=msg_type) / body))
    rsp = receive(sock, what)
    hdr = rsp.load
    assert (hdr.src, hdr.dst, hdr.som, hdr.eom, hdr.to, hdr.tag) == (DAEMON, OURS, 1, 1, 0, tag), rsp.show(dump=True)
    return hdr


def main():
    sock = TTYSerialSocket(sys.argv[1], dump_hex=False)

    # 1. Get Endpoint ID (DSP0236 §12.4): cc 0, EID 8, instance ID echoed.
    hdr = request(sock, 3, MsgTypes.CTRL, ControlHdr(rq=True, instance_id=0x11, cmd_code=2) / GetEndpointID(), "Get Endpoint ID response")
    ctrl = hdr.payload
    assert (ctrl.rq, ctrl.instance_id, ctrl.cmd_code, ctrl.completion_code) == (0, 0x11, 2, 0), hdr.show(dump=True)
    assert ctrl.payload.eid == DAEMON, hdr.show(dump=True)
    print(f"ok eid {ctrl.payload.eid} endpoint_type {ctrl.payload.endpoint_type} id_type {ctrl.payload.endpoint_id_type}")

    # 2. PLDM GetTID (DSP0240), answered by the daemon's client.
    hdr = request(sock, 5, MsgTypes.PLDM, PldmHdr(rq=RqBit.REQUEST, instance_id=7, pldm_type=0, cmd_code=2) / GetTIDPacket(), "GetTID response")
    pldm = hdr.payload
    assert (pldm.rq, pldm.instance_id, pldm.pldm_type, pldm.cmd_code, pldm.completion_code) == (0, 7, 0, 2, 0), hdr.show(dump=True)
    print(f"ok tid {pldm.payload.tid}")

    # 3. A request from the daemon's side: answer it, TO=0, same tag.
    rq = receive(sock, "vendor-defined request").load
    body = bytes(rq.payload)
    assert (rq.src, rq.dst, rq.som, rq.eom, rq.to, rq.msg_type) == (DAEMON, OURS, 1, 1, 1, 0x7E), rq.show(dump=True)
    answer = TransportHdr(dst=DAEMON, src=OURS, som=1, eom=1, to=0, tag=rq.tag, msg_type=0x7E) / bytes(reversed(body))
    sock.send(UartTransport(load=answer))
    print(f"ok vdm tag {rq.tag} {body.hex()}")
    # Let the relay deliver the last frame before the pty closes.
    time.sleep(0.2)
    sock.close()


if __name__ == "__main__":
    main()
