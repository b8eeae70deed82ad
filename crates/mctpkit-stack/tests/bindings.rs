//! Binding framing on the stack's transmit and receive paths for PCIe VDM
//! (DSP0238) and USB (DSP0283): a message fragmented and framed by one stack
//! is reassembled by another from the frames alone.

mod common;
use common::*;
use mctpkit_stack::*;
use mctpkit_wire::binding::{pcie_vdm, BindingKind, Frame};

/// Two stacks on one bus of `kind`, A = EID 8 at `pa`, B = EID 9 at `pb`.
fn pair_on(kind: BindingKind, pa: &[u8], pb: &[u8]) -> (Stack, Stack) {
    let (pa, pb) = (PhysAddr::new(pa).unwrap(), PhysAddr::new(pb).unwrap());
    let mut a = Stack::new(Config::default());
    a.add_bus(BusConfig::new(kind, pa).eid(8));
    a.add_route(Route::endpoint(NET, 9, BusId(0), pb)).unwrap();
    let mut b = Stack::new(Config::default());
    b.add_bus(BusConfig::new(kind, pb).eid(9));
    b.add_route(Route::endpoint(NET, 8, BusId(0), pa)).unwrap();
    (a, b)
}

fn frames_between(a: &mut Stack, b: &mut Stack, kind: BindingKind) -> Vec<Vec<u8>> {
    let mut frames = Vec::new();
    let mut buf = [0u8; 256];
    while let Some(t) = a.poll_transmit_frame(&mut buf) {
        let t = t.expect("framed");
        let f = buf[..t.len].to_vec();
        assert!(Frame::parse(kind, &f).unwrap().is_some());
        b.receive_frame(0, BusId(0), &f).expect("accepted");
        frames.push(f);
    }
    frames
}

#[test]
fn pcie_vdm_frames_carry_requester_and_target_ids() {
    // Requester 01:02.3 (0x0113), target 04:05.6 (0x042e).
    let (mut a, mut b) = pair_on(BindingKind::PcieVdm, &[0x01, 0x13], &[0x04, 0x2e]);
    let msg = message(200, 3);
    a.send(0, SendOptions::request(NET, 9), &msg).unwrap();
    let frames = frames_between(&mut a, &mut b, BindingKind::PcieVdm);
    assert_eq!(frames.len(), 4, "200 bytes at the 64-byte unit");
    for f in &frames {
        let p = pcie_vdm::Packet::new_checked(&f[..]).unwrap();
        assert_eq!(p.requester_id(), pcie_vdm::Bdf::new(1, 2, 3));
        assert_eq!(p.target_id(), pcie_vdm::Bdf::new(4, 5, 6));
        assert_eq!(p.vendor_id(), 0x1AB4);
    }
    let got = b.poll_deliver().expect("delivered");
    assert_eq!(&got.data[..], &msg[..]);
    // The requester ID is the physical source a response goes back to.
    assert_eq!(got.phys.as_bytes(), &[0x01, 0x13]);
}

#[test]
fn usb_frames_round_trip() {
    let (mut a, mut b) = pair_on(BindingKind::Usb, &[], &[]);
    let msg = message(100, 7);
    a.send(0, SendOptions::request(NET, 9), &msg).unwrap();
    let frames = frames_between(&mut a, &mut b, BindingKind::Usb);
    assert_eq!(frames.len(), 2);
    for f in &frames {
        // DSP0283: DMTF ID 0x1AB4, reserved, length = packet + 4.
        assert_eq!(&f[..2], &[0x1A, 0xB4]);
        assert_eq!(usize::from(f[3]), f.len());
    }
    assert_eq!(&b.poll_deliver().unwrap().data[..], &msg[..]);
}
