//! A PLDM firmware update (DSP0267) run by CodeConstruct's `pldm-fw` 0.2.0
//! (crates registry, MIT OR Apache-2.0, dev-dependency only) across two
//! instances of our stack: its update agent (`pldm_fw::ua`) at EID 8 and its
//! firmware-device responder (`pldm_fw::fd::Responder`) at EID 9 on one
//! simulated SMBus segment (frames with PEC, BTU 64, a virtual millisecond
//! clock).
//!
//! `pldm-fw` talks to MCTP through the blocking `mctp` 0.2 traits. The
//! adapter here implements them over our sans-IO [`Stack`]:
//!
//! * UA side: [`UaReq`] (`mctp::ReqChannel`: `send` = [`Stack::send`] with an
//!   owned tag, `recv` = the TO=0 message from EID 9 with that tag) and
//!   [`UaListener`] (`mctp::Listener`: TO=1 PLDM messages; its
//!   `RespChannel` answers with [`Stack::respond`]).
//! * The UA's API is blocking, so the whole world runs inside its `recv`
//!   calls: each wait moves frames between the stacks, advances the virtual
//!   clock by 1 ms, feeds the FD's deliveries to the `Responder`
//!   (`request_in` for TO=1, `reply_in` for TO=0) and calls its
//!   `progress()`, which issues RequestFirmwareData, TransferComplete,
//!   VerifyComplete and ApplyComplete.
//! * FD side: [`FdResp`] / [`FdReq`] only queue outgoing messages in an
//!   outbox that the world flushes into the FD stack after each callback
//!   (so nothing re-borrows the world). Responses to the FD's own requests
//!   reach it through `Responder::reply_in`, not `ReqChannel::recv`.
mod common;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use common::NET;
use mctp::{Eid, MsgIC, MsgType};
use mctpkit_stack::*;
use pldm::{PldmRequest, PldmResponse};
use pldm_fw::fd::{ActivateResult, ComponentDetails, Device, Responder};
use pldm_fw::{
    ua, ApplyResult, Component, ComponentClassification, ComponentVersion, Descriptor,
    DescriptorString, DeviceIdentifiers, TransferResult, UpdateComponent, VerifyResult,
};

const UA: u8 = 8;
const FD: u8 = 9;
const UA_ADDR: u8 = 0x10;
const FD_ADDR: u8 = 0x20;
const PLDM: u8 = mctp::MCTP_TYPE_PLDM.0;
const COMPONENT_ID: u16 = 0x0100;
/// Virtual milliseconds a blocking `recv` waits before `TimedOut`
/// (DSP0240 PT1 is 100 ms… 5 s; nothing here needs more than a few).
const RECV_LIMIT_MS: u64 = 5_000;

// ------------------------------------------------------------------ device

/// The firmware device's application side: records what pldm-fw's
/// `Responder` hands it.
struct Dev {
    now: u64,
    ids: DeviceIdentifiers,
    components: Vec<Component>,
    /// Bytes received through `firmware_data`, in order.
    image: Vec<u8>,
    expected_len: usize,
    events: Vec<String>,
}

impl Dev {
    fn new() -> Self {
        Dev {
            now: 0,
            ids: DeviceIdentifiers {
                ids: vec![Descriptor::PciVid(0x1AF4), Descriptor::PciDid(0x1234)],
            },
            components: vec![Component {
                classification: ComponentClassification::Firmware,
                identifier: COMPONENT_ID,
                classificationindex: 0,
                active: ComponentVersion::new_str("1.0.0").unwrap(),
                pending: ComponentVersion {
                    stamp: 0,
                    version: DescriptorString::empty(),
                    date: None,
                },
                activation_methods: Default::default(),
                caps_during_update: Default::default(),
            }],
            image: Vec::new(),
            expected_len: 0,
            events: Vec::new(),
        }
    }
}

impl Device for Dev {
    fn dev_identifiers(&mut self) -> &DeviceIdentifiers {
        &self.ids
    }
    fn components(&self) -> &[Component] {
        &self.components
    }
    fn active_image_set_version(&self) -> DescriptorString {
        DescriptorString::new_str("image-set 1.0.0").unwrap()
    }
    fn update_component(&mut self, update: bool, comp: &UpdateComponent) -> u8 {
        self.events.push(format!(
            "update_component update={update} id={:#06x} size={:?}",
            comp.identifier, comp.size
        ));
        if update {
            self.expected_len = comp.size.unwrap_or(0) as usize;
            self.image.clear();
        }
        0
    }
    fn firmware_data(
        &mut self,
        offset: usize,
        data: &[u8],
        _: &ComponentDetails,
    ) -> TransferResult {
        if offset != self.image.len() {
            return TransferResult::Aborted;
        }
        self.image.extend_from_slice(data);
        TransferResult::Success
    }
    fn verify(&mut self, comp: &ComponentDetails) -> VerifyResult {
        self.events.push(format!("verify size={}", comp.size));
        if self.image.len() == comp.size && comp.size == self.expected_len {
            VerifyResult::Success
        } else {
            VerifyResult::Failure
        }
    }
    fn apply(&mut self, _: &ComponentDetails) -> Result<pldm_fw::ActivationMethods, ApplyResult> {
        self.events.push("apply".into());
        Ok(Default::default())
    }
    fn activate(&mut self, self_contained: bool) -> ActivateResult {
        self.events
            .push(format!("activate self_contained={self_contained}"));
        ActivateResult::SUCCESS
    }
    fn cancel_component(&mut self, _: &ComponentDetails) {
        self.events.push("cancel_component".into());
    }
    fn now(&mut self) -> u64 {
        self.now
    }
}

// ------------------------------------------------------------------- world

/// A message the FD side wants sent.
enum Out {
    /// Answer `req` (TO=0, its tag).
    Respond { req: Message, msg: Vec<u8> },
    /// A new request to the UA (owned tag).
    Request { msg: Vec<u8> },
}

type Outbox = Rc<RefCell<VecDeque<Out>>>;

fn concat(typ: MsgType, ic: MsgIC, bufs: &[&[u8]]) -> Vec<u8> {
    let mut m = vec![mctp::encode_type_ic(typ, ic)];
    for b in bufs {
        m.extend_from_slice(b);
    }
    m
}

/// pldm-fw's FD `RespChannel`: queues the answer.
struct FdResp {
    outbox: Outbox,
    req: Message,
}

impl mctp::RespChannel for FdResp {
    type ReqChannel = FdReq;
    fn send_vectored(&mut self, ic: MsgIC, bufs: &[&[u8]]) -> mctp::Result<()> {
        let typ = MsgType(self.req.msg_type() & 0x7F);
        let msg = concat(typ, ic, bufs);
        let req = Message {
            data: Vec::new(),
            ..self.req.clone()
        };
        self.outbox
            .borrow_mut()
            .push_back(Out::Respond { req, msg });
        Ok(())
    }
    fn remote_eid(&self) -> Eid {
        Eid(self.req.src)
    }
    fn req_channel(&self) -> mctp::Result<FdReq> {
        Ok(FdReq {
            outbox: self.outbox.clone(),
            peer: self.req.src,
        })
    }
}

/// pldm-fw's FD `ReqChannel` (RequestFirmwareData etc. to the UA).
struct FdReq {
    outbox: Outbox,
    peer: u8,
}

impl mctp::ReqChannel for FdReq {
    fn send_vectored(&mut self, typ: MsgType, ic: MsgIC, bufs: &[&[u8]]) -> mctp::Result<()> {
        assert_eq!(self.peer, UA);
        let msg = concat(typ, ic, bufs);
        self.outbox.borrow_mut().push_back(Out::Request { msg });
        Ok(())
    }
    fn recv<'f>(&mut self, _buf: &'f mut [u8]) -> mctp::Result<(MsgType, MsgIC, &'f mut [u8])> {
        // The world routes the UA's answers to `Responder::reply_in`.
        Err(mctp::Error::Unsupported)
    }
    fn remote_eid(&self) -> Eid {
        Eid(self.peer)
    }
}

struct World {
    now: Millis,
    ua: Stack,
    fd: Stack,
    /// TO=0 messages delivered to the UA (answers to its requests).
    ua_responses: VecDeque<Message>,
    /// TO=1 messages delivered to the UA (the FD's requests).
    ua_requests: VecDeque<Message>,
    responder: Responder<FdResp>,
    dev: Dev,
    outbox: Outbox,
    frames: u64,
    fd_errors: Vec<String>,
    /// Drop one UA→FD packet: the `.1`-th packet after the SOM of the
    /// `.0`-th RequestFirmwareData response (1-based), if set.
    lose: Option<(u32, u32)>,
    rfd_responses: u32,
    countdown: u32,
    lost: u64,
}

impl World {
    fn new() -> Self {
        let mk = |eid, addr, peer, peer_addr| {
            let mut s = Stack::new(Config::default());
            s.add_bus(BusConfig::new(BindingKind::Smbus, PhysAddr::byte(addr)).eid(eid));
            s.add_route(Route::endpoint(
                NET,
                peer,
                BusId(0),
                PhysAddr::byte(peer_addr),
            ))
            .unwrap();
            s
        };
        World {
            now: 0,
            ua: mk(UA, UA_ADDR, FD, FD_ADDR),
            fd: mk(FD, FD_ADDR, UA, UA_ADDR),
            ua_responses: VecDeque::new(),
            ua_requests: VecDeque::new(),
            responder: Responder::new(),
            dev: Dev::new(),
            outbox: Rc::default(),
            frames: 0,
            fd_errors: Vec::new(),
            lose: None,
            rfd_responses: 0,
            countdown: 0,
            lost: 0,
        }
    }

    /// One virtual millisecond.
    fn step(&mut self) {
        // The wire: SMBus frames with PEC, both ways.
        let mut buf = [0u8; 600];
        for dir in 0..2 {
            let (from, to) = if dir == 0 {
                (&mut self.ua, &mut self.fd)
            } else {
                (&mut self.fd, &mut self.ua)
            };
            while let Some(r) = from.poll_transmit_frame(&mut buf) {
                let t = r.expect("framing");
                let f = &buf[..t.len];
                self.frames += 1;
                if dir == 0 && lose_this(f, self.lose, &mut self.rfd_responses, &mut self.countdown)
                {
                    self.lost += 1;
                    continue;
                }
                // A lost packet makes the rest of its message unreassemblable:
                // those are counted drops, not errors.
                let r = to.receive_frame(self.now, BusId(0), f);
                assert!(r.is_ok() || self.lost > 0, "frame refused: {r:?}");
            }
        }
        self.now += 1;
        for s in [&mut self.ua, &mut self.fd] {
            if s.poll_timeout().is_some_and(|t| t <= self.now) {
                s.handle_timeout(self.now);
            }
        }
        while let Some(m) = self.ua.poll_deliver() {
            if m.tag_owner {
                self.ua_requests.push_back(m);
            } else {
                self.ua_responses.push_back(m);
            }
        }
        // The FD application loop.
        self.dev.now = self.now;
        while let Some(m) = self.fd.poll_deliver() {
            if m.msg_type() != PLDM {
                continue;
            }
            let body = &m.data[1..];
            let r = if m.tag_owner {
                match PldmRequest::from_buf_borrowed(body) {
                    Ok(req) => {
                        let chan = FdResp {
                            outbox: self.outbox.clone(),
                            req: m.clone(),
                        };
                        self.responder.request_in(chan, &req, &mut self.dev)
                    }
                    Err(e) => Err(e),
                }
            } else {
                match PldmResponse::from_buf_borrowed(body) {
                    Ok(rsp) => self.responder.reply_in(Eid(m.src), &rsp, &mut self.dev),
                    Err(e) => Err(e),
                }
            };
            if let Err(e) = r {
                self.fd_errors.push(format!("{e:?}"));
            }
        }
        self.responder.progress(&mut self.dev);
        let out: Vec<Out> = self.outbox.borrow_mut().drain(..).collect();
        for o in out {
            match o {
                Out::Respond { req, msg } => {
                    self.fd.respond(self.now, &req, &msg).expect("FD respond");
                }
                Out::Request { msg } => {
                    self.fd
                        .send(self.now, SendOptions::request(NET, UA), &msg)
                        .expect("FD send");
                }
            }
        }
    }
}

/// The fault injector: SMBus frame = dst, 0x0F, count, src, then the MCTP
/// packet (flags at 7, type at 8, PLDM header at 9..12).
fn lose_this(f: &[u8], lose: Option<(u32, u32)>, seen: &mut u32, countdown: &mut u32) -> bool {
    let Some((nth, after)) = lose else {
        return false;
    };
    let som = f.get(7).is_some_and(|b| b & 0x80 != 0);
    let rfd_rsp = f.get(8) == Some(&PLDM)
        && f.get(9).is_some_and(|b| b & 0x80 == 0)
        && f.get(11) == Some(&(pldm_fw::Cmd::RequestFirmwareData as u8));
    if som && rfd_rsp {
        *seen += 1;
        if *seen == nth {
            *countdown = after;
        }
        return false;
    }
    if *countdown > 0 {
        *countdown -= 1;
        return *countdown == 0;
    }
    false
}

type Shared = Rc<RefCell<World>>;

fn copy_out<'f>(m: &Message, buf: &'f mut [u8]) -> mctp::Result<(MsgType, MsgIC, &'f mut [u8])> {
    let body = &m.data[1..];
    let dst = buf.get_mut(..body.len()).ok_or(mctp::Error::NoSpace)?;
    dst.copy_from_slice(body);
    let (t, ic) = mctp::decode_type_ic(m.data[0]);
    Ok((t, ic, dst))
}

/// The UA's request channel to the FD.
struct UaReq {
    w: Shared,
    tag: Option<u8>,
}

impl mctp::ReqChannel for UaReq {
    fn send_vectored(&mut self, typ: MsgType, ic: MsgIC, bufs: &[&[u8]]) -> mctp::Result<()> {
        let msg = concat(typ, ic, bufs);
        let mut w = self.w.borrow_mut();
        let now = w.now;
        let sent =
            w.ua.send(now, SendOptions::request(NET, FD), &msg)
                .map_err(|_| mctp::Error::TxFailure)?;
        self.tag = Some(sent.tag);
        Ok(())
    }
    fn recv<'f>(&mut self, buf: &'f mut [u8]) -> mctp::Result<(MsgType, MsgIC, &'f mut [u8])> {
        let tag = self.tag.ok_or(mctp::Error::BadArgument)?;
        let mut w = self.w.borrow_mut();
        for _ in 0..RECV_LIMIT_MS {
            let hit = w
                .ua_responses
                .iter()
                .position(|m| m.src == FD && m.tag == tag);
            if let Some(i) = hit {
                let m = w.ua_responses.remove(i).unwrap();
                self.tag = None;
                return copy_out(&m, buf);
            }
            w.step();
        }
        Err(mctp::Error::TimedOut)
    }
    fn remote_eid(&self) -> Eid {
        Eid(FD)
    }
}

/// The UA's listener for the FD's requests (TO=1, PLDM).
struct UaListener {
    w: Shared,
}

struct UaResp<'a> {
    w: &'a Shared,
    req: Message,
}

impl mctp::RespChannel for UaResp<'_> {
    type ReqChannel = UaReq;
    fn send_vectored(&mut self, ic: MsgIC, bufs: &[&[u8]]) -> mctp::Result<()> {
        let msg = concat(MsgType(self.req.msg_type() & 0x7F), ic, bufs);
        let mut w = self.w.borrow_mut();
        let now = w.now;
        w.ua.respond(now, &self.req, &msg)
            .map_err(|_| mctp::Error::TxFailure)?;
        Ok(())
    }
    fn remote_eid(&self) -> Eid {
        Eid(self.req.src)
    }
    fn req_channel(&self) -> mctp::Result<UaReq> {
        Ok(UaReq {
            w: self.w.clone(),
            tag: None,
        })
    }
}

impl mctp::Listener for UaListener {
    type RespChannel<'a> = UaResp<'a>;
    fn recv<'f>(
        &mut self,
        buf: &'f mut [u8],
    ) -> mctp::Result<(MsgType, MsgIC, &'f mut [u8], UaResp<'_>)> {
        let mut found = None;
        {
            let mut w = self.w.borrow_mut();
            for _ in 0..RECV_LIMIT_MS {
                if let Some(i) = w.ua_requests.iter().position(|m| m.msg_type() == PLDM) {
                    found = w.ua_requests.remove(i);
                    break;
                }
                w.step();
            }
        }
        let m = found.ok_or(mctp::Error::TimedOut)?;
        let (t, ic, data) = copy_out(&m, buf)?;
        Ok((t, ic, data, UaResp { w: &self.w, req: m }))
    }
}

fn image(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3])
        .collect()
}

/// The UA's inventory: QueryDeviceIdentifiers and GetFirmwareParameters
/// answered by pldm-fw's FD, parsed by pldm-fw's UA.
#[test]
fn pldm_fw_inventory_across_our_stack() {
    let w: Shared = Rc::new(RefCell::new(World::new()));
    let mut req = UaReq {
        w: w.clone(),
        tag: None,
    };

    let ids = ua::query_device_identifiers(&mut req).expect("QueryDeviceIdentifiers");
    assert_eq!(ids, Dev::new().ids);

    let params = ua::query_firmware_parameters(&mut req).expect("GetFirmwareParameters");
    assert_eq!(params.active.to_string(), "image-set 1.0.0");
    let comps: Vec<&Component> = params.components.iter().collect();
    assert_eq!(comps.len(), 1);
    assert_eq!(comps[0].identifier, COMPONENT_ID);
    assert_eq!(comps[0].classification, ComponentClassification::Firmware);
    assert_eq!(comps[0].active.version.to_string(), "1.0.0");

    let w = w.borrow();
    assert!(w.fd_errors.is_empty(), "{:?}", w.fd_errors);
    assert_eq!(w.ua.counters().total_dropped(), 0);
    assert_eq!(w.fd.counters().total_dropped(), 0);
}

/// A complete update of a 5000-byte component: RequestUpdate,
/// PassComponentTable, UpdateComponent, RequestFirmwareData × 5 (1024-byte
/// blocks, the FD's buffer limit), TransferComplete, VerifyComplete,
/// ApplyComplete, ActivateFirmware — with GetStatus checks in between, all
/// issued by pldm-fw's own UA and FD code.
#[test]
fn pldm_fw_full_update_across_our_stack() {
    let (w, blocks) = full_update("interop_pldm_fw_component.bin", None, false);
    assert_eq!(
        blocks,
        vec![
            (0, 1024),
            (1024, 1024),
            (2048, 1024),
            (3072, 1024),
            (4096, 904)
        ]
    );
    assert!(w.fd_errors.is_empty(), "{:?}", w.fd_errors);
    assert_eq!(w.ua.counters().total_dropped(), 0);
    assert_eq!(w.fd.counters().total_dropped(), 0);
    // Everything ran on the virtual clock, well inside pldm-fw's 1 s retry
    // timer, so no request was repeated.
    assert!(w.now < 1_000, "virtual time {} ms", w.now);
}

/// The same update with one packet lost in the middle of the second
/// firmware block (a 17-packet message): our reassembly discards that
/// block, pldm-fw's FD repeats RequestFirmwareData after its 1 s retry
/// timer (a new owned tag on our stack), the UA serves the block again and
/// the device still ends up with the exact image.
#[test]
fn pldm_fw_update_recovers_from_a_lost_packet() {
    let (w, blocks) = full_update("interop_pldm_fw_component_lossy.bin", Some((2, 5)), false);
    assert_eq!(w.lost, 1);
    assert_eq!(
        blocks,
        vec![
            (0, 1024),
            (1024, 1024),
            (1024, 1024),
            (2048, 1024),
            (3072, 1024),
            (4096, 904)
        ]
    );
    assert!(
        w.fd.counters().total_dropped() > 0,
        "the broken block was dropped"
    );
    assert_eq!(w.ua.counters().total_dropped(), 0);
    assert!(w.now > 1_000, "the FD's retry timer fired");
}

/// The update driven by a real DSP0267 package file: built by
/// `mctpkit-wire`'s encoder (format 1.1, one device record whose
/// descriptors are the FD's PCI vendor/device IDs, one component), parsed by
/// pldm-fw's `Package::parse` (header CRC-32 checked) and matched to the
/// FD's QueryDeviceIdentifiers answer by pldm-fw's `Update::new`.
#[test]
fn pldm_fw_update_from_a_package_built_by_mctpkit_wire() {
    let (w, blocks) = full_update("interop_pldm_fw_package.bin", None, true);
    assert_eq!(blocks.len(), 5);
    assert!(w.fd_errors.is_empty(), "{:?}", w.fd_errors);
}

/// A format 1.1 package holding `img` as component `COMPONENT_ID`, for the
/// device `Dev::new()` describes.
fn package_bytes(img: &[u8]) -> Vec<u8> {
    use mctpkit_wire::pldm::firmware_update::{Descriptor as D, DescriptorType, VersionString};
    use mctpkit_wire::pldm::package::{ComponentSpec, DeviceSpec, PackageSpec};
    PackageSpec {
        format_revision: 2,
        package_version: VersionString::ascii("pkg-2.0"),
        devices: vec![DeviceSpec {
            applicable_components: vec![0],
            version: VersionString::ascii("image-set 2.0.0"),
            descriptors: vec![
                D {
                    descriptor_type: DescriptorType::PciVendorId,
                    data: &0x1AF4u16.to_le_bytes(),
                },
                D {
                    descriptor_type: DescriptorType::PciDeviceId,
                    data: &0x1234u16.to_le_bytes(),
                },
            ],
            ..Default::default()
        }],
        components: vec![ComponentSpec {
            classification: 0x000A,
            identifier: COMPONENT_ID,
            comparison_stamp: 2,
            version: VersionString::ascii("2.0.0"),
            image: img,
            ..Default::default()
        }],
        ..Default::default()
    }
    .encode()
}

/// Run the whole update with pldm-fw's UA against its FD; checks the image
/// and the device callbacks, returns the world and the blocks the UA served.
/// `encoded`: a package file from `mctpkit-wire` matched by descriptors,
/// else pldm-fw's "virtual" package around the bare image.
fn full_update(file: &str, lose: Option<(u32, u32)>, encoded: bool) -> (World, Vec<(u32, u32)>) {
    let img = image(5000);
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(file);
    let pkg = if encoded {
        std::fs::write(&path, package_bytes(&img)).unwrap();
        let pkg = pldm_fw::pkg::Package::parse(std::fs::File::open(&path).unwrap())
            .expect("pldm-fw parses mctpkit-wire's package");
        assert_eq!(pkg.version.to_string(), "pkg-2.0");
        assert_eq!(pkg.devices.len(), 1);
        assert_eq!(pkg.components.len(), 1);
        assert_eq!(pkg.components[0].identifier, COMPONENT_ID);
        assert_eq!(pkg.components[0].file_size, img.len());
        pkg
    } else {
        std::fs::write(&path, &img).unwrap();
        pldm_fw::pkg::Package::new_virtual(
            ComponentClassification::Firmware,
            COMPONENT_ID,
            std::fs::File::open(&path).unwrap(),
        )
        .unwrap()
    };

    let w: Shared = Rc::new(RefCell::new(World::new()));
    w.borrow_mut().lose = lose;
    let mut req = UaReq {
        w: w.clone(),
        tag: None,
    };
    let mut listener = UaListener { w: w.clone() };

    let ids = ua::query_device_identifiers(&mut req).expect("QueryDeviceIdentifiers");
    assert_eq!(ids, Dev::new().ids);
    let params = ua::query_firmware_parameters(&mut req).expect("GetFirmwareParameters");
    assert_eq!(params.components.iter().count(), 1);
    let mut update = if encoded {
        ua::Update::new(&ids, &params, pkg, None, None, vec![]).expect("package matches the FD")
    } else {
        // `new_virtual` packages carry no device records, so build the
        // Update directly (component 0, classification index 0).
        ua::Update {
            package: pkg,
            index: 0,
            components: vec![0],
        }
    };
    drop(params);
    ua::request_update(&mut req, &update).expect("RequestUpdate");
    ua::pass_component_table(&mut req, &update).expect("PassComponentTable");
    let mut blocks = Vec::new();
    ua::update_components_progress(&mut req, &mut listener, &mut update, |p| {
        if let Some(x) = p.cur_xfer {
            blocks.push(x);
        }
    })
    .expect("UpdateComponent + transfer + verify + apply");
    ua::activate_firmware(&mut req, true).expect("ActivateFirmware");
    std::fs::remove_file(&path).ok();
    drop((req, listener));

    let w = Rc::try_unwrap(w).ok().expect("one owner left").into_inner();
    assert_eq!(w.dev.image.len(), img.len());
    assert!(w.dev.image == img, "the device received the exact image");
    assert_eq!(
        w.dev.events,
        vec![
            format!("update_component update=false id={COMPONENT_ID:#06x} size=None"),
            format!("update_component update=true id={COMPONENT_ID:#06x} size=Some(5000)"),
            "verify size=5000".to_string(),
            "apply".to_string(),
            "activate self_contained=true".to_string(),
        ]
    );
    (w, blocks)
}
