"""Drive an emulated PLDM terminus through pymctp's own QEMU I2C stream
exerciser (pymctp-exerciser-qemu 0.3.0, master mode), as a pymctp script
talks to a QEMU guest: GetTID and two GetSensorReading requests built and
parsed with pymctp's Scapy layers.

    python pymctp_qemu_i2c.py PORT

Run by tests/emulate.rs (an ignored test; scripts/interop-pymctp-qemu
installs the package and runs it). Exits non-zero on any mismatch.
"""

import sys
import time

import crc8
from scapy.packet import Raw

from pymctp.layers.mctp.pldm.pldm import PldmHdr, RqBit
from pymctp.layers.mctp.pldm.type1_base import GetTIDPacket
from pymctp.layers.mctp.transport import SmbusTransport, TransportHdr
from pymctp.layers.mctp.types import MsgTypes, Smbus7bitAddress
from pymctp_exerciser_qemu.qemu_i2c_stream import QemuI2CStreamSocket

EMULATED, OURS = 0x1D, 0x10


def exchange(sock, tag, pldm):
    req = SmbusTransport(
        dst_addr=Smbus7bitAddress(EMULATED),
        src_addr=Smbus7bitAddress(OURS),
        load=TransportHdr(dst=9, src=8, to=1, tag=tag, msg_type=MsgTypes.PLDM) / pldm,
    )
    sock.send(req)
    deadline = time.time() + 5
    while time.time() < deadline:
        if not QemuI2CStreamSocket.select([sock], 0.1):
            continue
        rsp = sock.recv()
        if rsp is None:
            continue
        wire = bytes(rsp)
        # pymctp does not check the PEC: check it here (CRC-8/SMBUS).
        pec = crc8.crc8()
        pec.update(wire[:-1])
        assert wire[-1] == pec.digest()[0], f"PEC of {wire.hex(' ')}"
        hdr = rsp.load
        assert (hdr.src, hdr.dst, hdr.to, hdr.tag) == (9, 8, 0, tag), rsp.show(dump=True)
        assert rsp.dst_addr == OURS << 1 and rsp.src_addr == (EMULATED << 1) | 1
        return rsp
    sys.exit(f"no response to tag {tag}")


def main():
    port = int(sys.argv[1])
    sock = QemuI2CStreamSocket(
        host="127.0.0.1", port=port, master=True, target_address=OURS, dump_hex=False
    )
    rsp = exchange(
        sock, 1, PldmHdr(rq=RqBit.REQUEST, instance_id=2, pldm_type=0, cmd_code=2) / GetTIDPacket()
    )
    pldm = rsp.load.payload
    assert pldm.completion_code == 0 and pldm.payload.tid == 3, rsp.show(dump=True)

    readings = []
    for tag in (2, 3):
        req = PldmHdr(rq=RqBit.REQUEST, instance_id=tag, pldm_type=2, cmd_code=0x11) / Raw(
            bytes([0x01, 0x00, 0x00])
        )
        rsp = exchange(sock, tag, req)
        data = bytes(rsp.load.payload)
        # instance, type, command, cc 0, sensorDataSize uint16, ...
        assert data[3] == 0x00 and data[4] == 0x02, data.hex(" ")
        readings.append(int.from_bytes(data[10:12], "little"))
        time.sleep(0.3)
    assert readings[0] != readings[1], readings
    print("ok tid 3 readings", readings)


main()
