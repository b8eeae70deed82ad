//! Generates the sample captures in `samples/`:
//!
//! * `discovery.pcap`: a bus owner discovering two endpoints on an I2C bus,
//!   captured as LINKTYPE_I2C_LINUX (209), SMBus frames with PEC.
//! * `bmc-console.txt`: the same session seen by the bus owner's Linux MCTP
//!   stack, as `tcpdump -X` output pasted from a BMC's journal.
//! * `linux-mctp.pcap`: a short PLDM exchange on a Linux MCTP netdev
//!   (LINUX_SLL2, bare MCTP packets, as tcpdump writes them).
//! * `families.pcap`: a BMC talking every message family over one Linux
//!   MCTP netdev (LINUX_SLL2): PLDM sensor polling and a firmware update,
//!   an SPDM 1.2 handshake with measurements, NVMe-MI health polls, CXL
//!   FM-API switch commands with a tunnel, a CXL CCI health query, a
//!   Cerberus exchange and MCTP control; see [`families`].
//!
//! Run `cargo run -p mctpkit --example make_samples` to rewrite them; the
//! test `tests/samples.rs` regenerates them in memory and fails if the
//! committed files differ, so they cannot drift from this code.
//!
//! Every message is built with the wire crate's builders, split by its
//! `Fragmenter` and framed by `smbus::Repr::emit_frame`; nothing is
//! hand-encoded except the I2C_LINUX records (the capture module's writer
//! only writes LINUX_SLL2) and the PLDM / vendor-defined bodies.

use std::path::Path;

use mctpkit::capture::{Direction, PcapWriter, Timestamp};
use mctpkit::wire::binding::smbus;
use mctpkit::wire::control::builder;
use mctpkit::wire::control::{
    EidAllocationStatus, EidAssignmentStatus, EidType, EndpointType, Header, SetEidOperation,
    VendorId, VersionEntry,
};
use mctpkit::wire::fragment::Fragmenter;

/// 2026-05-01T10:00:00Z: the sessions start here.
pub const BASE_SECS: i64 = 1_777_629_600;

/// LINKTYPE_I2C_LINUX (tcpdump.org link-layer header types).
const LINKTYPE_I2C_LINUX: u32 = 209;

/// Baseline transmission unit: payload bytes per packet (DSP0236 §8.3).
const BTU: usize = 64;

/// Every sample: file name and contents.
pub fn all() -> Vec<(&'static str, Vec<u8>)> {
    let session = discovery_session();
    vec![
        ("discovery.pcap", i2c_linux_pcap(&session)),
        ("bmc-console.txt", bmc_console(&session).into_bytes()),
        ("linux-mctp.pcap", linux_mctp()),
        ("families.pcap", families::families()),
    ]
}

/// A device on the bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    /// 7-bit I2C address.
    pub addr: u8,
}

/// The bus owner (BMC): EID 8, address 0x10.
pub const BUS_OWNER: Node = Node { addr: 0x10 };
/// First endpoint: address 0x32, gets EID 0x1d.
pub const EP_A: Node = Node { addr: 0x32 };
/// Second endpoint: address 0x34, gets EID 0x1e.
pub const EP_B: Node = Node { addr: 0x34 };
pub const BUS_OWNER_EID: u8 = 0x08;

/// One packet on the bus.
#[derive(Debug, Clone)]
pub struct BusPacket {
    /// Microseconds after [`BASE_SECS`].
    pub t_us: u64,
    pub from: Node,
    pub to: Node,
    /// Bare MCTP packet (transport header onwards).
    pub packet: Vec<u8>,
    /// Flip the PEC of this frame (a corrupted transfer).
    pub bad_pec: bool,
}

/// Builds a session: messages → packets at the baseline unit → timed bus packets.
#[derive(Debug, Default)]
pub struct Session {
    pub packets: Vec<BusPacket>,
    /// Current time, µs after [`BASE_SECS`].
    t_us: u64,
    /// Next control instance ID of the bus owner.
    iid: u8,
    /// Next tag of the bus owner.
    tag: u8,
}

/// Time a frame of `len` bytes occupies an I2C bus at 400 kHz (9 clocks a
/// byte, plus the address byte and some bus turnaround), in µs.
fn wire_time_us(len: usize) -> u64 {
    (len as u64 + 2) * 9 * 1_000_000 / 400_000
}

impl Session {
    /// The bus owner's next tag (for messages without an instance ID).
    fn next_tag(&mut self) -> u8 {
        let tag = self.tag;
        self.tag = (self.tag + 1) % 8;
        tag
    }

    fn wait_ms(&mut self, ms: u64) {
        self.t_us += ms * 1000;
    }

    fn wait_us(&mut self, us: u64) {
        self.t_us += us;
    }

    /// The bus owner's next (tag, instance ID).
    fn next_ids(&mut self) -> (u8, u8) {
        let ids = (self.tag, self.iid);
        self.tag = (self.tag + 1) % 8;
        self.iid = (self.iid + 1) % 32;
        ids
    }

    /// Send one message; packets follow each other as fast as the bus allows.
    #[allow(clippy::too_many_arguments)]
    fn send(
        &mut self,
        from: Node,
        to: Node,
        src_eid: u8,
        dst_eid: u8,
        tag_owner: bool,
        tag: u8,
        msg: &[u8],
    ) {
        let packets: Vec<Vec<u8>> = Fragmenter::new(msg, dst_eid, src_eid, tag_owner, tag, BTU, 0)
            .expect("a non-empty message")
            .collect();
        for (i, packet) in packets.into_iter().enumerate() {
            if i > 0 {
                // Next packet once the previous frame is off the bus.
                self.wait_us(wire_time_us(packet.len() + 5) + 150);
            }
            self.packets.push(BusPacket {
                t_us: self.t_us,
                from,
                to,
                packet,
                bad_pec: false,
            });
        }
    }

    /// Bus owner request to `ep` (EID `dst_eid`).
    fn request(&mut self, ep: Node, dst_eid: u8, tag: u8, msg: &[u8]) {
        self.send(BUS_OWNER, ep, BUS_OWNER_EID, dst_eid, true, tag, msg);
    }

    /// Endpoint response after `latency_us`.
    fn respond(&mut self, ep: Node, src_eid: u8, tag: u8, latency_us: u64, msg: &[u8]) {
        self.wait_us(latency_us);
        self.send(ep, BUS_OWNER, src_eid, BUS_OWNER_EID, false, tag, msg);
    }
}

/// What the bus owner does: discovery, EID assignment, capability queries.
pub fn discovery_session() -> Session {
    let mut s = Session::default();
    let (a_eid, b_eid) = (0x1D, 0x1E);

    // 1. Prepare for Endpoint Discovery to the broadcast EID. SMBus has no
    //    broadcast address, so the bus owner sends it to each address it
    //    found (DSP0237 §6.13); both go out before the answers come back,
    //    on different tags. Endpoints without an EID answer from EID 0.
    let (t0, i0) = s.next_ids();
    s.request(
        EP_A,
        0xFF,
        t0,
        &builder::prepare_for_endpoint_discovery_request(i0).to_vec(),
    );
    s.wait_us(400);
    let (t1, i1) = s.next_ids();
    s.request(
        EP_B,
        0xFF,
        t1,
        &builder::prepare_for_endpoint_discovery_request(i1).to_vec(),
    );
    let ok = |iid, cmd| builder::success_response(iid, cmd).to_vec();
    use mctpkit::wire::control::Command as C;
    s.respond(EP_A, 0, t0, 1_500, &ok(i0, C::PrepareForEndpointDiscovery));
    s.respond(EP_B, 0, t1, 700, &ok(i1, C::PrepareForEndpointDiscovery));

    // 2. Endpoint Discovery, the same way.
    s.wait_ms(8);
    let (t2, i2) = s.next_ids();
    s.request(
        EP_A,
        0xFF,
        t2,
        &builder::endpoint_discovery_request(i2).to_vec(),
    );
    s.wait_us(400);
    let (t3, i3) = s.next_ids();
    s.request(
        EP_B,
        0xFF,
        t3,
        &builder::endpoint_discovery_request(i3).to_vec(),
    );
    s.respond(EP_A, 0, t2, 1_700, &ok(i2, C::EndpointDiscovery));
    s.respond(EP_B, 0, t3, 900, &ok(i3, C::EndpointDiscovery));

    // 3. Get Endpoint ID, physically addressed (destination EID 0): both
    //    answer EID 0 (none assigned yet), simple endpoint, dynamic EID.
    for (ep, lat) in [(EP_A, 2_300), (EP_B, 2_800)] {
        s.wait_ms(5);
        let (t, i) = s.next_ids();
        s.request(ep, 0, t, &builder::get_endpoint_id_request(i).to_vec());
        let rsp = builder::get_endpoint_id_response(
            i,
            0,
            EndpointType::SimpleEndpoint,
            EidType::Dynamic,
            0,
        );
        s.respond(ep, 0, t, lat, &rsp.to_vec());
    }

    // 4. Set Endpoint ID: 0x1d and 0x1e, accepted. The endpoint answers
    //    from its new EID.
    for (ep, eid, lat) in [(EP_A, a_eid, 3_200), (EP_B, b_eid, 2_500)] {
        s.wait_ms(5);
        let (t, i) = s.next_ids();
        s.request(
            ep,
            0,
            t,
            &builder::set_endpoint_id_request(i, SetEidOperation::SetEid, eid).to_vec(),
        );
        let rsp = builder::set_endpoint_id_response(
            i,
            EidAssignmentStatus::Accepted,
            EidAllocationStatus::NoPool,
            eid,
            0,
        );
        s.respond(ep, eid, t, lat, &rsp.to_vec());
    }

    // 5. Get MCTP Version Support for the base specification (0xFF).
    let versions = [
        VersionEntry::new(1, 3, Some(1), 0),
        VersionEntry::new(1, 2, None, 0),
        VersionEntry::new(1, 1, None, 0),
        VersionEntry::new(1, 0, None, 0),
    ];
    for (ep, eid, lat) in [(EP_A, a_eid, 1_800), (EP_B, b_eid, 2_100)] {
        s.wait_ms(5);
        let (t, i) = s.next_ids();
        s.request(
            ep,
            eid,
            t,
            &builder::get_mctp_version_support_request(i, 0xFF).to_vec(),
        );
        let rsp = builder::get_mctp_version_support_response(i, &versions);
        s.respond(ep, eid, t, lat, &rsp.to_vec());
    }

    // 6. Get Message Type Support: A does control, PLDM, SPDM; B control
    //    and NVMe-MI.
    for (ep, eid, types, lat) in [
        (EP_A, a_eid, &[0x00u8, 0x01, 0x05][..], 1_600),
        (EP_B, b_eid, &[0x00u8, 0x04][..], 1_900),
    ] {
        s.wait_ms(5);
        let (t, i) = s.next_ids();
        s.request(
            ep,
            eid,
            t,
            &builder::get_message_type_support_request(i).to_vec(),
        );
        let rsp = builder::get_message_type_support_response(i, types);
        s.respond(ep, eid, t, lat, &rsp.to_vec());
    }

    // 7. Get Endpoint UUID. B's answer is corrupted on the bus (bad PEC);
    //    the bus owner's driver drops it, and it asks again 100 ms later.
    let uuid_a = [
        0x4A, 0x6F, 0x0C, 0x2E, 0x8B, 0x1D, 0x4F, 0x3A, 0x9C, 0x55, 0x1D, 0x2E, 0x3F, 0x40, 0x51,
        0x62,
    ];
    let uuid_b = [
        0xB7, 0xE1, 0x51, 0x63, 0x2A, 0x4D, 0x4C, 0x8E, 0x8F, 0x11, 0x0A, 0x1B, 0x2C, 0x3D, 0x4E,
        0x5F,
    ];
    s.wait_ms(5);
    let (t, i) = s.next_ids();
    s.request(
        EP_A,
        a_eid,
        t,
        &builder::get_endpoint_uuid_request(i).to_vec(),
    );
    s.respond(
        EP_A,
        a_eid,
        t,
        2_000,
        &builder::get_endpoint_uuid_response(i, uuid_a).to_vec(),
    );
    s.wait_ms(5);
    let (t, i) = s.next_ids();
    s.request(
        EP_B,
        b_eid,
        t,
        &builder::get_endpoint_uuid_request(i).to_vec(),
    );
    s.respond(
        EP_B,
        b_eid,
        t,
        2_400,
        &builder::get_endpoint_uuid_response(i, uuid_b).to_vec(),
    );
    if let Some(last) = s.packets.last_mut() {
        last.bad_pec = true;
    }
    s.wait_ms(100);
    let (t, i) = s.next_ids();
    s.request(
        EP_B,
        b_eid,
        t,
        &builder::get_endpoint_uuid_request(i).to_vec(),
    );
    s.respond(
        EP_B,
        b_eid,
        t,
        2_200,
        &builder::get_endpoint_uuid_response(i, uuid_b).to_vec(),
    );

    // 8. Get Vendor Defined Message Support (set 0) from A: PCI vendor
    //    0x8086, command set 0x0001, no more sets.
    s.wait_ms(5);
    let (t, i) = s.next_ids();
    s.request(
        EP_A,
        a_eid,
        t,
        &builder::get_vendor_defined_message_support_request(i, 0).to_vec(),
    );
    let rsp = builder::get_vendor_defined_message_support_response(
        i,
        0xFF,
        VendorId::Pci(0x8086),
        0x0001,
    );
    s.respond(EP_A, a_eid, t, 1_700, &rsp.to_vec());

    // 9. A vendor-defined (PCI 0x8086) request whose 200-byte answer takes
    //    4 packets at the 64-byte unit (64 + 64 + 64 + 8).
    s.wait_ms(5);
    let t = s.next_tag();
    s.request(
        EP_A,
        a_eid,
        t,
        &[0x7E, 0x80, 0x86, 0x01, 0x00, 0x00, 0x00, 0x00],
    );
    let mut vdm = vec![0x7E, 0x80, 0x86, 0x81, 0x00];
    vdm.extend((0..195u32).map(|i| (i * 7 + 3) as u8));
    assert_eq!(vdm.len(), 200);
    s.respond(EP_A, a_eid, t, 4_200, &vdm);

    // 10. Query Rate Limit: B implements DSP0236 1.2 and does not know it.
    s.wait_ms(5);
    let (t, i) = s.next_ids();
    let req = builder::query_rate_limit_request(i);
    s.request(EP_B, b_eid, t, &req.to_vec());
    let rsp = builder::unsupported_command_response(&Header::request(C::QueryRateLimit, i));
    s.respond(EP_B, b_eid, t, 1_300, &rsp.to_vec());

    // 11. Get MCTP Version Support for PLDM to B: never answered (B does
    //    not do PLDM and drops it); the capture ends 200 ms later.
    s.wait_ms(5);
    let (t, i) = s.next_ids();
    s.request(
        EP_B,
        b_eid,
        t,
        &builder::get_mctp_version_support_request(i, 0x01).to_vec(),
    );
    s.wait_ms(200);
    s
}

fn timestamp(t_us: u64) -> Timestamp {
    Timestamp {
        secs: BASE_SECS + (t_us / 1_000_000) as i64,
        nanos: (t_us % 1_000_000) as u32 * 1000,
    }
}

/// The SMBus frame of a bus packet (PEC flipped if `bad_pec`).
fn smbus_frame(p: &BusPacket) -> Vec<u8> {
    let repr = smbus::Repr {
        dst_addr: p.to.addr,
        src_addr: p.from.addr,
    };
    let mut buf = vec![0u8; repr.buffer_len(p.packet.len())];
    let n = repr.emit_frame(&p.packet, &mut buf).expect("frame fits");
    buf.truncate(n);
    if p.bad_pec {
        if let Some(pec) = buf.last_mut() {
            *pec ^= 0x5A;
        }
    }
    buf
}

/// Classic pcap, LINKTYPE_I2C_LINUX. Each record is the 5-byte pseudo-header
/// the capture reader expects (`capture::linktype`, after Wireshark's
/// `i2c_linux_file_hdr`): byte 0 = bus number (bit 7 clear: a message, not
/// a controller event), bytes 1..5 = the `i2c_msg` flags, big-endian (0 for
/// a write), then the message from the address byte on, i.e. the SMBus
/// frame starting at the destination address.
pub fn i2c_linux_pcap(s: &Session) -> Vec<u8> {
    const BUS: u8 = 1;
    let mut out = Vec::new();
    // File header, little-endian, microsecond time stamps.
    out.extend_from_slice(&0xA1B2_C3D4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes()); // thiszone
    out.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
    out.extend_from_slice(&65_535u32.to_le_bytes()); // snaplen
    out.extend_from_slice(&LINKTYPE_I2C_LINUX.to_le_bytes());
    for p in &s.packets {
        let frame = smbus_frame(p);
        let ts = timestamp(p.t_us);
        let len = (5 + frame.len()) as u32;
        out.extend_from_slice(&(ts.secs as u32).to_le_bytes());
        out.extend_from_slice(&(ts.nanos / 1000).to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes()); // captured
        out.extend_from_slice(&len.to_le_bytes()); // on the wire
        out.push(BUS);
        out.extend_from_slice(&0u32.to_be_bytes()); // flags: write
        out.extend_from_slice(&frame);
    }
    out
}

/// `tcpdump -X` of one packet: the summary line tcpdump 4.99 prints for a
/// LINUX_SLL capture on an MCTP netdev, then 16 bytes a line (offset, eight
/// groups of four hex digits padded to 40 columns, two spaces, ASCII).
fn tcpdump_x(t_us: u64, outgoing: bool, packet: &[u8]) -> Vec<String> {
    let tod = t_us % 86_400_000_000 + 10 * 3_600_000_000; // session starts 10:00
    let (h, m, sec, us) = (
        tod / 3_600_000_000,
        tod / 60_000_000 % 60,
        tod / 1_000_000 % 60,
        tod % 1_000_000,
    );
    let dir = if outgoing { "Out" } else { " In" };
    let mut lines = vec![format!(
        "{h:02}:{m:02}:{sec:02}.{us:06} {dir} ethertype Unknown (0x00fa), length {}: ",
        16 + packet.len()
    )];
    for (i, chunk) in packet.chunks(16).enumerate() {
        let mut hex = String::new();
        for pair in chunk.chunks(2) {
            hex.push(' ');
            for b in pair {
                hex.push_str(&format!("{b:02x}"));
            }
        }
        let ascii: String = chunk
            .iter()
            .map(|&b| {
                if (0x20..0x7F).contains(&b) {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        lines.push(format!("\t0x{:04x}: {hex:<40}  {ascii}", i * 16));
    }
    lines
}

/// The session as the bus owner's console shows it: `tcpdump -i mctpi2c1 -X`
/// running under systemd, copied out of `journalctl -o short-iso-precise`.
/// The kernel's mctp-i2c driver drops the frame with the bad PEC, so that
/// response is missing here and the first Get Endpoint UUID to B stays
/// unanswered.
pub fn bmc_console(s: &Session) -> String {
    let mut out = String::new();
    let journal = |t_us: u64, ident: &str, text: &str| -> String {
        let tod = t_us + 10 * 3_600_000_000;
        format!(
            "2026-05-01T{:02}:{:02}:{:02}.{:06}+00:00 bmc {ident}: {text}\n",
            tod / 3_600_000_000,
            tod / 60_000_000 % 60,
            tod / 1_000_000 % 60,
            tod % 1_000_000
        )
    };
    let tcpdump = "tcpdump[812]";
    out += &journal(0, "systemd[1]", "Started tcpdump on mctpi2c1.");
    out += &journal(
        40,
        tcpdump,
        "tcpdump: verbose output suppressed, use -v[v]... for full protocol decode",
    );
    out += &journal(
        52,
        tcpdump,
        "listening on mctpi2c1, link-type LINUX_SLL (Linux cooked v1), snapshot length 262144 bytes",
    );
    let mut count = 0;
    for p in s.packets.iter().filter(|p| !p.bad_pec) {
        // tcpdump writes each packet a little after it was captured.
        let logged = p.t_us + 180;
        for line in tcpdump_x(p.t_us, p.from == BUS_OWNER, &p.packet) {
            out += &journal(logged, tcpdump, &line);
        }
        count += 1;
        if count == 4 {
            // Other daemons keep logging in between.
            out += &journal(p.t_us + 900, "mctpd[640]", "mctpi2c1: found 2 endpoints");
        }
    }
    let end = s.t_us;
    out += &journal(
        end,
        "mctpd[640]",
        "Timed out waiting for response from eid 30",
    );
    out += &journal(end + 10, "systemd[1]", "Stopping tcpdump on mctpi2c1...");
    out += &journal(end + 20, tcpdump, "");
    out += &journal(end + 30, tcpdump, &format!("{count} packets captured"));
    out += &journal(
        end + 40,
        tcpdump,
        &format!("{count} packets received by filter"),
    );
    out += &journal(end + 50, tcpdump, "0 packets dropped by kernel");
    out
}

/// A PLDM exchange on a Linux MCTP netdev (`tcpdump -i mctpi2c1 -w`):
/// LINUX_SLL2, bare MCTP packets, ifindex 4. The host (EID 8) asks EID 0x1d
/// for its terminus UID, then reads a 130-byte PDR whose response (146
/// bytes) takes three packets at Linux MTU 68 (64 payload bytes).
pub fn linux_mctp() -> Vec<u8> {
    let opts = mctpkit::capture::WriterOptions {
        ifindex: 4,
        ..Default::default()
    };
    let mut w = PcapWriter::with_options(Vec::new(), opts).expect("writing to a Vec");
    let base = 3_600_000_000 * 2; // 12:00:00, after the discovery session
    let mut write = |t_us: u64, dir: Direction, src: u8, dst: u8, to: bool, tag: u8, msg: &[u8]| {
        let packets: Vec<Vec<u8>> = Fragmenter::new(msg, dst, src, to, tag, BTU, 0)
            .expect("a non-empty message")
            .collect();
        for (i, p) in packets.iter().enumerate() {
            // Linux sends the packets of a message back to back (~1.9 ms at
            // 400 kHz for a full packet).
            w.write_packet(timestamp(base + t_us + i as u64 * 1_900), dir, p)
                .expect("writing to a Vec");
        }
    };
    use Direction::{Incoming as In, Outgoing as Out};
    // Get Endpoint ID.
    write(
        0,
        Out,
        8,
        0x1D,
        true,
        0,
        &builder::get_endpoint_id_request(1).to_vec(),
    );
    let rsp = builder::get_endpoint_id_response(
        1,
        0x1D,
        EndpointType::SimpleEndpoint,
        EidType::Dynamic,
        0,
    );
    write(2_150, In, 0x1D, 8, false, 0, &rsp.to_vec());
    // PLDM base GetTID (type 0, command 0x02), iid 3.
    write(15_000, Out, 8, 0x1D, true, 1, &[0x01, 0x83, 0x00, 0x02]);
    write(
        17_400,
        In,
        0x1D,
        8,
        false,
        1,
        &[0x01, 0x03, 0x00, 0x02, 0x00, 0x01],
    );
    // PLDM platform GetPDR (type 2, command 0x51), iid 4: record handle 0,
    // data transfer handle 0, GetFirstPart, request count 255, change 0.
    let mut req = vec![0x01, 0x84, 0x02, 0x51];
    req.extend_from_slice(&0u32.to_le_bytes());
    req.extend_from_slice(&0u32.to_le_bytes());
    req.push(0x01);
    req.extend_from_slice(&255u16.to_le_bytes());
    req.extend_from_slice(&0u16.to_le_bytes());
    write(30_000, Out, 8, 0x1D, true, 2, &req);
    // Response: SUCCESS, next record 2, next transfer 0, StartAndEnd,
    // 130 bytes of record data.
    let mut rsp = vec![0x01, 0x04, 0x02, 0x51, 0x00];
    rsp.extend_from_slice(&2u32.to_le_bytes());
    rsp.extend_from_slice(&0u32.to_le_bytes());
    rsp.push(0x05);
    rsp.extend_from_slice(&130u16.to_le_bytes());
    // PDR common header (record 1, version 1, type 2 = numeric sensor,
    // change 0, length 120) then the body.
    rsp.extend_from_slice(&1u32.to_le_bytes());
    rsp.extend_from_slice(&[0x01, 0x02]);
    rsp.extend_from_slice(&0u16.to_le_bytes());
    rsp.extend_from_slice(&120u16.to_le_bytes());
    rsp.extend((0..120u32).map(|i| (i * 13 + 1) as u8));
    assert_eq!(rsp.len(), 146);
    write(33_800, In, 0x1D, 8, false, 2, &rsp);
    w.into_inner().expect("writing to a Vec")
}

#[path = "make_samples/families.rs"]
pub mod families;

fn main() -> std::io::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples");
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in all() {
        let path = dir.join(name);
        std::fs::write(&path, &bytes)?;
        println!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    Ok(())
}
