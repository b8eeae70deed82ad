//! Bytes → layers: binding frame → MCTP packet → message.
//!
//! [`dissect`] never panics and never allocates: it records how far it got
//! and the error that stopped it. Rendering (summary line, field tree, JSON)
//! lives in [`crate::render`].
//!
//! Bindings: [`dissect_with`] takes [`ParseOptions`] (an SMBus destination
//! for the no-destination form, the I3C PEC address) and a scratch buffer
//! for serial frames whose packet contained escapes (that packet is not a
//! slice of the input, and a [`Dissection`] only borrows). [`dissect_all`]
//! walks inputs holding several frames, such as USB transfers.

use mctpkit_wire::binding::serial;
use mctpkit_wire::binding::{BindingKind, Frame, Integrity, ParseOptions};
use mctpkit_wire::mctp;
use mctpkit_wire::message::Message;
use mctpkit_wire::{Describe, Error, ErrorKind, Layer};

/// One decoded packet.
#[derive(Debug, Clone, Copy)]
pub struct Dissection<'a> {
    /// The input bytes.
    pub data: &'a [u8],
    /// Binding frame, when the input is framed.
    pub frame: Option<Frame<'a>>,
    /// Offset of the MCTP packet in `data` and its header.
    pub mctp: Option<(usize, mctp::Header)>,
    /// Offset of the message (its type byte) in `data` and the decoded message;
    /// only for single-packet (SOM+EOM) messages. Multi-packet messages are
    /// decoded by the analyser after reassembly.
    pub message: Option<(usize, Message<'a>)>,
    /// The error that stopped decoding, with an absolute offset.
    pub error: Option<Error>,
    /// The MCTP packet bytes (header + payload), unescaped, when found. For
    /// an escaped serial frame decoded with a scratch buffer they borrow the
    /// scratch, and offsets of the MCTP and message layers count from the
    /// frame start as if the packet were unescaped in place.
    pub packet: Option<&'a [u8]>,
}

/// Something wrong with a packet that did not stop its decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// An integrity check (PEC, FCS) failed.
    BadIntegrity(Integrity),
    /// The MCTP header version is not 1.
    UnsupportedVersion(u8),
    /// Decoding stopped, or a body did not decode.
    Decode(Error),
    /// A framing rule of the binding was broken (wrong command code, R/W
    /// bit, length disagreement, trailing bytes...) but decoding went on.
    Framing(Error),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::BadIntegrity(i) => write!(
                f,
                "{}: bad {}: found {:#x}, computed {:#x}",
                i.layer, i.name, i.found, i.computed
            ),
            Problem::UnsupportedVersion(v) => write!(f, "mctp: header version {v}, expected 1"),
            Problem::Decode(e) => write!(f, "{e}"),
            Problem::Framing(e) => write!(f, "{e}"),
        }
    }
}

impl<'a> Dissection<'a> {
    /// The decoded layers in order, with the absolute offset where each starts.
    pub fn layers(&self) -> impl Iterator<Item = (usize, &dyn Describe)> + '_ {
        let frame = self.frame.as_ref().map(|f| (0, f as &dyn Describe));
        let mctp = self.mctp.as_ref().map(|(o, h)| (*o, h as &dyn Describe));
        let msg = self.message.as_ref().map(|(o, m)| (*o, m.as_describe()));
        frame.into_iter().chain(mctp).chain(msg)
    }

    /// Integrity failures, an unsupported version and decode errors, in layer order.
    pub fn problems(&self) -> impl Iterator<Item = Problem> + '_ {
        // Borrow, don't copy: a `Frame` is several hundred bytes and this
        // runs for every packet `mctpkit analyze` reads.
        let integrity = self
            .frame
            .as_ref()
            .and_then(|f| f.integrity())
            .filter(|i| !i.ok())
            .map(Problem::BadIntegrity);
        let version = self
            .mctp
            .filter(|(_, h)| h.repr.version != mctp::HEADER_VERSION)
            .map(|(_, h)| Problem::UnsupportedVersion(h.repr.version));
        let body = self
            .message
            .as_ref()
            .and_then(|(o, m)| m.problem().map(|e| Problem::Decode(e.shift(*o))));
        // A message-level check (e.g. the NVMe-MI MIC) that failed.
        let msg_integrity = self
            .message
            .as_ref()
            .and_then(|(_, m)| m.integrity())
            .filter(|i| !i.ok())
            .map(Problem::BadIntegrity);
        let framing = self
            .frame
            .as_ref()
            .map(|f| f.warnings())
            .into_iter()
            .flat_map(|w| w.into_iter())
            .chain(self.unused_tail())
            .map(Problem::Framing);
        integrity
            .into_iter()
            .chain(framing)
            .chain(version)
            .chain(body)
            .chain(msg_integrity)
            .chain(self.error.map(Problem::Decode))
    }

    /// The MCTP packet bytes (header + payload, unescaped), if found.
    pub fn mctp_bytes(&self) -> Option<&'a [u8]> {
        self.mctp.and(self.packet)
    }

    /// Input left after a serial frame or a USB frame (bindings whose input
    /// may hold several frames; the others report trailing bytes
    /// themselves). Repeated serial flags don't count.
    fn unused_tail(&self) -> Option<Error> {
        let f = self.frame?;
        let used = f.frame_len();
        let rest = self.data.get(used..)?;
        let extra = match f {
            Frame::Serial(_) => rest.iter().filter(|&&b| b != serial::FLAG).count(),
            Frame::Usb(_) => rest.len(),
            _ => 0,
        };
        (extra > 0).then_some(Error {
            layer: f.layer(),
            offset: used,
            kind: ErrorKind::Trailing { extra },
        })
    }
}

/// Decode one packet framed by `binding`, with default options.
///
/// A serial frame whose packet contained escapes is decoded down to the MCTP
/// header only (the unescaped packet is not in `data`); use
/// [`dissect_with`] and a scratch buffer to decode its message too.
pub fn dissect(binding: BindingKind, data: &[u8]) -> Dissection<'_> {
    dissect_with(binding, data, &ParseOptions::default(), None)
}

/// Scratch space for [`dissect_with`]: the largest unescaped serial packet.
pub const SCRATCH_LEN: usize = serial::MAX_BYTE_COUNT;

/// Decode one packet framed by `binding` with `opts`. `scratch` (at least
/// [`SCRATCH_LEN`] bytes) receives the unescaped packet of an escaped serial
/// frame so that the message can borrow it; it is untouched otherwise.
pub fn dissect_with<'a>(
    binding: BindingKind,
    data: &'a [u8],
    opts: &ParseOptions,
    scratch: Option<&'a mut [u8]>,
) -> Dissection<'a> {
    let mut d = Dissection {
        data,
        frame: None,
        mctp: None,
        message: None,
        error: None,
        packet: None,
    };
    let frame = match Frame::parse_with(binding, data, opts) {
        Ok(Some(frame)) => frame,
        Ok(None) => {
            dissect_packet_into(&mut d, 0, data);
            return d;
        }
        Err(e) => {
            d.error = Some(e);
            return d;
        }
    };
    d.frame = Some(frame);
    if let Some((base, packet)) = frame.packet_in_input() {
        dissect_packet_into(&mut d, base, packet);
        return d;
    }
    // Escaped serial packet: not a slice of the input.
    let (base, unescaped) = frame.mctp_packet();
    match scratch {
        Some(buf) if buf.len() >= unescaped.len() => {
            let n = unescaped.len();
            buf[..n].copy_from_slice(unescaped);
            let packet: &'a [u8] = &buf[..n];
            dissect_packet_into(&mut d, base, packet);
        }
        _ => match mctp::Header::parse(unescaped) {
            Ok(h) => {
                d.mctp = Some((base, h));
                d.error = Some(Error::invalid(
                    Layer::Message,
                    base + mctp::HEADER_LEN,
                    "escapes",
                    frame.mctp_packet().1.len() as u32,
                    "a scratch buffer (dissect_with) to decode an escaped packet",
                ));
            }
            Err(e) => d.error = Some(e.shift(base)),
        },
    }
    d
}

/// Decode every frame in `data`: the packets of a USB transfer, serial
/// frames back to back (a closing flag may open the next frame), SMBus or
/// PCIe frames concatenated. Yields each frame's offset in `data` and its
/// dissection (whose `data` is just that frame); stops after a frame that
/// fails to parse. With [`BindingKind::None`] it yields `data` once.
///
/// Escaped serial frames decode to the MCTP header only (see [`dissect`]);
/// for serial byte streams prefer [`serial::Deframer`] and dissect each
/// packet with [`BindingKind::None`].
pub fn dissect_all(binding: BindingKind, data: &[u8]) -> DissectAll<'_> {
    dissect_all_with(binding, data, ParseOptions::default())
}

/// [`dissect_all`] with options.
pub fn dissect_all_with(binding: BindingKind, data: &[u8], opts: ParseOptions) -> DissectAll<'_> {
    DissectAll {
        binding,
        data,
        opts,
        pos: 0,
        shared_flag: false,
        done: false,
    }
}

/// Iterator returned by [`dissect_all`].
#[derive(Debug, Clone)]
pub struct DissectAll<'a> {
    binding: BindingKind,
    data: &'a [u8],
    opts: ParseOptions,
    pos: usize,
    /// The previous serial frame ended with a flag that may open this one.
    shared_flag: bool,
    done: bool,
}

impl<'a> Iterator for DissectAll<'a> {
    type Item = (usize, Dissection<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.pos >= self.data.len() {
            return None;
        }
        if self.binding == BindingKind::Serial {
            let rest = &self.data[self.pos..];
            if rest.iter().all(|&b| b == serial::FLAG) {
                return None;
            }
            if rest[0] != serial::FLAG && self.shared_flag {
                self.pos -= 1;
            }
        }
        let at = self.pos;
        let rest = &self.data[at..];
        match Frame::parse_with(self.binding, rest, &self.opts) {
            Ok(Some(frame)) => {
                let len = frame.frame_len().clamp(1, rest.len());
                self.shared_flag = matches!(frame, Frame::Serial(s) if s.closing_flag);
                self.pos += len;
                Some((
                    at,
                    dissect_with(self.binding, &rest[..len], &self.opts, None),
                ))
            }
            Ok(None) => {
                self.done = true;
                Some((at, dissect_with(self.binding, rest, &self.opts, None)))
            }
            Err(_) => {
                self.done = true;
                Some((at, dissect_with(self.binding, rest, &self.opts, None)))
            }
        }
    }
}

/// Decode an MCTP packet (header first) found at `base` in `d.data`.
fn dissect_packet_into<'a>(d: &mut Dissection<'a>, base: usize, packet: &'a [u8]) {
    let header = match mctp::Header::parse(packet) {
        Ok(h) => h,
        Err(e) => {
            d.error = Some(e.shift(base));
            return;
        }
    };
    d.mctp = Some((base, header));
    d.packet = Some(packet);
    // Like Linux and Wireshark, do not interpret a packet of an unknown version.
    if header.repr.version != mctp::HEADER_VERSION {
        return;
    }
    if header.repr.som && header.repr.eom {
        let msg = &packet[mctp::HEADER_LEN..];
        if msg.is_empty() {
            d.error = Some(Error::truncated(Layer::Message, 1, 0).shift(base + mctp::HEADER_LEN));
            return;
        }
        match Message::parse(msg) {
            // Vendor-defined messages take their direction from TO.
            Ok(m) => d.message = Some((base + mctp::HEADER_LEN, m.with_tag_owner(header.repr.to))),
            Err(e) => d.error = Some(e.shift(base + mctp::HEADER_LEN)),
        }
    }
}

/// Decode a whole (reassembled) message starting at its type byte.
pub fn dissect_message(msg: &[u8]) -> Result<Message<'_>, Error> {
    Message::parse(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mctpkit_wire::binding::{i3c, pcie_vdm, smbus, usb};
    use mctpkit_wire::message::Message;

    const SMBUS_RSP: [u8; 16] = [
        0x20, 0x0F, 0x0C, 0x65, 0x01, 0x0A, 0x43, 0xD0, 0x00, 0x1A, 0x01, 0x00, 0x00, 0x43, 0x00,
        0xF4,
    ];

    fn summary(d: &Dissection<'_>) -> String {
        let mut s = String::new();
        crate::render::summary(d, &mut s);
        s
    }

    #[test]
    fn smbus_fixture_decodes_to_control() {
        let d = dissect(BindingKind::Smbus, &SMBUS_RSP);
        assert!(d.error.is_none(), "{:?}", d.error);
        assert_eq!(d.problems().count(), 0);
        assert_eq!(d.mctp.unwrap().0, 4);
        assert_eq!(d.mctp_bytes(), Some(&SMBUS_RSP[4..15]));
        assert!(matches!(d.message, Some((8, Message::Control(_)))));
        let s = summary(&d);
        assert!(
            s.starts_with("SMBus 0x10<-0x32 PEC ok / MCTP 0A<-43"),
            "{s}"
        );
        let mut j = String::new();
        crate::render::json(&d, &mut j);
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        for k in [
            "dst_addr",
            "src_addr",
            "byte_count",
            "pec",
            "pec_ok",
            "command",
        ] {
            assert!(v["smbus"].get(k).is_some(), "{k} in {j}");
        }
        assert_eq!(v["smbus"]["pec_ok"], true);
        assert_eq!(v["smbus"]["dst_addr_name"], "7-bit 0x10, write");
    }

    #[test]
    fn bad_pec_and_framing_problems() {
        let mut b = SMBUS_RSP;
        b[1] = 0x0E;
        let d = dissect(BindingKind::Smbus, &b);
        let p: Vec<Problem> = d.problems().collect();
        assert!(matches!(p[0], Problem::BadIntegrity(i) if !i.ok()));
        assert!(matches!(p[1], Problem::Framing(_)));
        assert!(d.message.is_some(), "still decoded");
    }

    #[test]
    fn smbus_no_dest_with_and_without_address() {
        let d = dissect(BindingKind::SmbusNoDest, &SMBUS_RSP[1..]);
        assert!(d.frame.unwrap().integrity().is_none());
        assert_eq!(d.mctp.unwrap().0, 3);
        let opts = ParseOptions {
            smbus_dst_addr: Some(0x10),
            ..ParseOptions::default()
        };
        let d = dissect_with(BindingKind::SmbusNoDest, &SMBUS_RSP[1..], &opts, None);
        assert!(d.frame.unwrap().integrity().unwrap().ok());
    }

    #[test]
    fn serial_escaped_frame_needs_scratch() {
        // Set Endpoint ID response with EID 0x7E: escaped in the frame.
        let packet = [
            0x01, 0x0A, 0x7E, 0xD0, 0x00, 0x1A, 0x01, 0x00, 0x00, 0x7E, 0x00,
        ];
        let mut f = [0u8; 40];
        let n = serial::Repr::default().emit_frame(&packet, &mut f).unwrap();
        let d = dissect(BindingKind::Serial, &f[..n]);
        assert!(d.mctp.is_some());
        assert!(d.message.is_none());
        assert!(d.error.is_some());
        let mut scratch = [0u8; SCRATCH_LEN];
        let d = dissect_with(
            BindingKind::Serial,
            &f[..n],
            &ParseOptions::default(),
            Some(&mut scratch),
        );
        assert!(d.error.is_none(), "{:?}", d.error);
        assert_eq!(d.mctp_bytes(), Some(&packet[..]));
        assert!(d.message.is_some());
        assert!(summary(&d).starts_with("Serial len=11 esc=2 FCS ok / MCTP 0A<-7E"));
        // Unescaped frame: no scratch needed; trailing garbage is a problem.
        let plain = [
            0x01, 0x0A, 0x43, 0xD0, 0x00, 0x1A, 0x01, 0x00, 0x00, 0x43, 0x00,
        ];
        let n = serial::Repr::default().emit_frame(&plain, &mut f).unwrap();
        f[n] = 0x55;
        let d = dissect(BindingKind::Serial, &f[..n + 1]);
        assert!(d.message.is_some());
        assert!(matches!(d.problems().next(), Some(Problem::Framing(_))));
    }

    #[test]
    fn serial_offsets_after_repeated_opening_flags() {
        // Set Endpoint ID response with EID 0x7E (escaped), behind two extra flags.
        let packet = [
            0x01, 0x0A, 0x7E, 0xD0, 0x00, 0x1A, 0x01, 0x00, 0x00, 0x7E, 0x00,
        ];
        let mut f = [serial::FLAG; 40];
        let n = serial::Repr::default()
            .emit_frame(&packet, &mut f[2..])
            .unwrap();
        let mut scratch = [0u8; SCRATCH_LEN];
        let opts = ParseOptions::default();
        let d = dissect_with(BindingKind::Serial, &f[..n + 2], &opts, Some(&mut scratch));
        assert_eq!(
            d.mctp.unwrap().0,
            5,
            "packet starts after 3 flags, rev, count"
        );
        assert_eq!(d.message.unwrap().0, 9);
        // Without escapes the packet is a slice of the input at the same place.
        let plain = [
            0x01, 0x0A, 0x43, 0xD0, 0x00, 0x1A, 0x01, 0x00, 0x00, 0x43, 0x00,
        ];
        let n = serial::Repr::default()
            .emit_frame(&plain, &mut f[2..])
            .unwrap();
        let d = dissect(BindingKind::Serial, &f[..n + 2]);
        assert_eq!(d.mctp.unwrap().0, 5);
        assert_eq!(&d.data[5..5 + plain.len()], d.mctp_bytes().unwrap());
    }

    #[test]
    fn usb_transfer_with_two_packets() {
        let p1 = &SMBUS_RSP[4..15];
        let p2 = [0x01, 0x09, 0x08, 0xc8, 0x00, 0x82, 0x02];
        let mut t = [0u8; 64];
        let mut n = usb::Repr {}.emit_frame(p1, &mut t).unwrap();
        n += usb::Repr {}.emit_frame(&p2, &mut t[n..]).unwrap();
        let all: Vec<(usize, Dissection<'_>)> = dissect_all(BindingKind::Usb, &t[..n]).collect();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].0, 0);
        assert_eq!(all[1].0, 15);
        assert_eq!(all[1].1.mctp_bytes(), Some(&p2[..]));
        assert!(all.iter().all(|(_, d)| d.problems().count() == 0));
        // dissect() on the whole transfer reports the second packet as trailing
        let d = dissect(BindingKind::Usb, &t[..n]);
        assert_eq!(d.problems().count(), 1);
    }

    #[test]
    fn serial_frames_back_to_back() {
        let plain = [
            0x01, 0x0A, 0x43, 0xD0, 0x00, 0x1A, 0x01, 0x00, 0x00, 0x43, 0x00,
        ];
        let mut s = [0u8; 64];
        let n = serial::Repr::default().emit_frame(&plain, &mut s).unwrap();
        let m = serial::Repr::default()
            .emit_frame(&plain, &mut s[n - 1..])
            .unwrap();
        let all: Vec<_> = dissect_all(BindingKind::Serial, &s[..n - 1 + m]).collect();
        assert_eq!(all.len(), 2);
        assert!(all
            .iter()
            .all(|(_, d)| d.message.is_some() && d.problems().count() == 0));
    }

    #[test]
    fn i3c_and_pcie() {
        let packet = &SMBUS_RSP[4..15];
        let addr = i3c::PecAddress {
            dynamic_addr: 0x09,
            direction: i3c::Direction::Read,
        };
        let mut b = [0u8; 64];
        let n = i3c::Repr {
            pec_addr: Some(addr),
        }
        .emit_frame(packet, &mut b)
        .unwrap();
        let opts = ParseOptions {
            i3c_pec_addr: Some(addr),
            ..ParseOptions::default()
        };
        let d = dissect_with(BindingKind::I3c, &b[..n], &opts, None);
        assert!(d.message.is_some() && d.problems().count() == 0);
        let n = pcie_vdm::Repr::default()
            .emit_frame(packet, &mut b)
            .unwrap();
        let d = dissect(BindingKind::PcieVdm, &b[..n]);
        assert_eq!(d.mctp.unwrap().0, 12);
        assert_eq!(d.mctp_bytes(), Some(packet));
        assert!(d.message.is_some() && d.problems().count() == 0);
        let _ = smbus::COMMAND_MCTP;
    }

    #[test]
    fn garbage_never_panics() {
        let kinds = [
            BindingKind::None,
            BindingKind::Smbus,
            BindingKind::SmbusNoDest,
            BindingKind::Serial,
            BindingKind::I3c,
            BindingKind::PcieVdm,
            BindingKind::Usb,
        ];
        let mut x = 0x1234_5678u32;
        let mut buf = [0u8; 48];
        for _ in 0..40 {
            for b in buf.iter_mut() {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                *b = x as u8;
            }
            buf[0] = [0x7e, 0x1a, 0x20, 0x72][(x % 4) as usize];
            for n in 0..buf.len() {
                for k in kinds {
                    let mut scratch = [0u8; SCRATCH_LEN];
                    let d =
                        dissect_with(k, &buf[..n], &ParseOptions::default(), Some(&mut scratch));
                    let mut s = String::new();
                    crate::render::summary(&d, &mut s);
                    crate::render::json(&d, &mut s);
                    crate::render::tree(&d, &mut s);
                    for (_, d) in dissect_all(k, &buf[..n]) {
                        crate::render::tree(&d, &mut s);
                    }
                }
            }
        }
    }
}
