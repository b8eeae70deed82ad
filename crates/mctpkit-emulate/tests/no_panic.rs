//! Arbitrary input never panics an emulated endpoint: random serial bytes
//! and random frames, random PLDM and NVMe-MI messages handed to the
//! applications directly.

use mctpkit_emulate::nvme_mi::{NvmeMiConfig, NvmeMiEndpoint};
use mctpkit_emulate::pldm::{PldmConfig, PldmTerminus};
use mctpkit_emulate::{Application, Endpoint, EndpointSpec};
use mctpkit_stack::{BindingKind, PhysAddr};
use proptest::prelude::*;

fn terminus() -> PldmTerminus {
    let cfg: PldmConfig = toml::from_str(
        r#"
        tid = 1
        event_receiver = 8
        [[numeric_sensor]]
        sensor_id = 1
        data_size = "sint8"
        min = -100
        max = 100
        period_ms = 50
        warning_high = 50
        [[state_sensor]]
        sensor_id = 2
        states = [0, 200]
        period_ms = 10
        "#,
    )
    .unwrap();
    cfg.check().unwrap();
    PldmTerminus::new(&cfg, 9)
}

proptest! {
    #[test]
    fn pldm_messages(body in proptest::collection::vec(any::<u8>(), 0..80),
                     rq in any::<u8>(), ty in 0u8..4, cmd in any::<u8>(), now in any::<u32>()) {
        let mut t = terminus();
        let mut msg = vec![0x01, rq, ty, cmd];
        msg.extend_from_slice(&body);
        let now = u64::from(now);
        if let Some(r) = t.handle(now, &msg) {
            // Every answer is a PLDM response to this request.
            prop_assert_eq!(r[0], 0x01);
            prop_assert_eq!(r[1] & 0x80, 0);
            prop_assert_eq!((r[2], r[3]), (ty, cmd));
        }
        let _ = t.poll_request(now);
    }

    #[test]
    fn nvme_mi_messages(body in proptest::collection::vec(any::<u8>(), 0..80), fix_mic in any::<bool>()) {
        let mut e = NvmeMiEndpoint::new(&NvmeMiConfig::default());
        let mut msg = vec![0x84];
        msg.extend_from_slice(&body);
        if fix_mic && msg.len() >= 8 {
            let n = msg.len() - 4;
            let mic = mctpkit_wire::nvme_mi::compute_mic(&msg[..n]);
            msg[n..].copy_from_slice(&mic.to_le_bytes());
        }
        if let Some(r) = e.handle(0, &msg) {
            let m = mctpkit_wire::nvme_mi::Message::parse(&r).unwrap();
            prop_assert!(m.integrity().unwrap().ok());
        }
    }

    #[test]
    fn serial_bytes_and_smbus_frames(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut ser = Endpoint::new(EndpointSpec::new("s", BindingKind::Serial).eid(9),
                                    Some(Box::new(terminus())));
        ser.receive_stream(1, &bytes);
        ser.handle_timeout(10_000);
        let mut frame = vec![0u8; ser.max_frame_len()];
        while ser.poll_transmit_frame(&mut frame).is_some() {}
        let mut spec = EndpointSpec::new("i", BindingKind::Smbus).eid(9);
        spec.phys = PhysAddr::byte(0x1D);
        let mut i2c = Endpoint::new(spec, Some(Box::new(NvmeMiEndpoint::new(&NvmeMiConfig::default()))));
        i2c.receive_frame(1, &bytes);
        while i2c.poll_transmit_frame(&mut frame).is_some() {}
    }
}
