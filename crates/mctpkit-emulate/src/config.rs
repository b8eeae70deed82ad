//! The TOML file `mctpkit emulate` reads: one `[[endpoint]]` table per
//! emulated endpoint.
//!
//! ```toml
//! [[endpoint]]
//! name = "terminus"
//! kind = "pldm"            # control | pldm | nvme-mi
//! eid = 9                  # omit to wait for a bus owner's Set Endpoint ID
//! binding = "serial"       # DSP0253 on a tty or pty
//! device = "/dev/pts/5"
//! # mtu = 64, uuid = "...", message_types = [0x7E]  (extra registered types)
//!
//! [endpoint.pldm]
//! tid = 1
//! [[endpoint.pldm.numeric_sensor]]
//! sensor_id = 1
//! min = 30
//! max = 70
//! ```
//!
//! See `samples/emulate.toml` for every key.

use std::path::PathBuf;

use mctpkit_stack::{BindingKind, PhysAddr};
use serde::Deserialize;

use crate::app::Application;
use crate::endpoint::{Endpoint, EndpointSpec};
use crate::nvme_mi::{NvmeMiConfig, NvmeMiEndpoint};
use crate::pldm::{PldmConfig, PldmTerminus};

/// The whole file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmulateConfig {
    pub endpoint: Vec<EndpointConfig>,
}

/// What an endpoint does besides MCTP control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// MCTP control only.
    Control,
    /// A PLDM terminus (types 0 and 2).
    Pldm,
    /// An NVMe-MI health-poll responder.
    NvmeMi,
}

/// How an endpoint is attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Binding {
    /// DSP0253 serial on a tty or pty (`device`), point to point.
    Serial,
    /// SMBus/I2C (DSP0237) frames over pymctp's QEMU I2C TCP stream
    /// (`listen`, the endpoint's 7-bit `address`; see [`crate::tcp`]).
    I2cStream,
}

/// One `[[endpoint]]` table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointConfig {
    pub name: String,
    pub kind: Kind,
    pub eid: Option<u8>,
    pub binding: Binding,
    /// The tty or pty of a `serial` endpoint.
    pub device: Option<PathBuf>,
    /// `HOST:PORT` an `i2c-stream` endpoint listens on.
    pub listen: Option<String>,
    /// The 7-bit I2C address of an `i2c-stream` endpoint.
    pub address: Option<u8>,
    /// Transmission unit (default 64, the BTU).
    #[serde(default = "btu")]
    pub mtu: usize,
    /// Endpoint UUID as 32 hex digits (dashes allowed).
    pub uuid: Option<String>,
    /// Message types to register besides the kind's own (reported by Get
    /// Message Type Support, not answered).
    #[serde(default)]
    pub message_types: Vec<u8>,
    pub pldm: Option<PldmConfig>,
    pub nvme_mi: Option<NvmeMiConfig>,
}

fn btu() -> usize {
    64
}

/// A file that cannot be used, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

fn uuid(s: &str) -> Option<[u8; 16]> {
    let hex: Vec<u8> = s.bytes().filter(|&b| b != b'-').collect();
    if hex.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, o) in out.iter_mut().enumerate() {
        let pair = std::str::from_utf8(&hex[2 * i..2 * i + 2]).ok()?;
        *o = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

impl EmulateConfig {
    /// Parse and check a file's text.
    pub fn parse(text: &str) -> Result<EmulateConfig, ConfigError> {
        let c: EmulateConfig = toml::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
        c.check()?;
        Ok(c)
    }

    /// Why the file cannot be served, if it cannot.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.endpoint.is_empty() {
            return Err(ConfigError("no [[endpoint]]".into()));
        }
        let mut places = Vec::new();
        for e in &self.endpoint {
            e.check()
                .map_err(|m| ConfigError(format!("endpoint {:?}: {m}", e.name)))?;
            let place = e.place();
            if places.contains(&place) {
                return Err(ConfigError(format!(
                    "endpoint {:?}: {place} is used twice (one line or listener per endpoint)",
                    e.name
                )));
            }
            places.push(place);
        }
        Ok(())
    }
}

impl EndpointConfig {
    /// Where it is attached, for messages: the device or the listen address.
    pub fn place(&self) -> String {
        match self.binding {
            Binding::Serial => self
                .device
                .as_ref()
                .map_or_else(String::new, |d| d.display().to_string()),
            Binding::I2cStream => format!(
                "tcp {} (I2C {:#04x})",
                self.listen.as_deref().unwrap_or(""),
                self.address.unwrap_or(0)
            ),
        }
    }

    fn check(&self) -> Result<(), String> {
        match (self.binding, &self.device, &self.listen, self.address) {
            (Binding::Serial, Some(_), None, None) => {}
            (Binding::Serial, ..) => {
                return Err("binding = \"serial\" takes device (and no listen or address)".into())
            }
            (Binding::I2cStream, None, Some(_), Some(a)) => {
                if !(0x08..=0x77).contains(&a) {
                    return Err(format!("address {a:#04x}: a 7-bit address 0x08..=0x77"));
                }
            }
            (Binding::I2cStream, ..) => {
                return Err(
                    "binding = \"i2c-stream\" takes listen and address (and no device)".into(),
                )
            }
        }
        if let Some(e) = self.eid {
            if e == 0 || (1..8).contains(&e) || e == 0xFF {
                return Err(format!("eid {e}: 0, 1..=7 and 255 are not endpoint EIDs"));
            }
        }
        // One packet per DSP0253 frame / DSP0237 block write: the byte
        // count (255 at most) covers the 4-byte header (and the SMBus
        // source byte).
        if !(64..=250).contains(&self.mtu) {
            return Err(format!("mtu {}: 64..=250 payload bytes", self.mtu));
        }
        if let Some(u) = &self.uuid {
            uuid(u).ok_or_else(|| format!("uuid {u:?}: 32 hex digits"))?;
        }
        if let Some(t) = self.message_types.iter().find(|&&t| t == 0 || t > 0x7F) {
            return Err(format!("message type {t:#04x}: 0x01..=0x7F"));
        }
        match (self.kind, &self.pldm, &self.nvme_mi) {
            (Kind::Pldm, p, None) => p.clone().unwrap_or_default().check(),
            (Kind::NvmeMi, None, _) => Ok(()),
            (Kind::Control, None, None) => Ok(()),
            _ => Err("[pldm] goes with kind = \"pldm\", [nvme_mi] with kind = \"nvme-mi\"".into()),
        }
    }

    /// The endpoint's application.
    pub fn application(&self) -> Option<Box<dyn Application>> {
        match self.kind {
            Kind::Control => None,
            Kind::Pldm => Some(Box::new(PldmTerminus::new(
                &self.pldm.clone().unwrap_or_default(),
                self.eid.unwrap_or(0),
            ))),
            Kind::NvmeMi => Some(Box::new(NvmeMiEndpoint::new(
                &self.nvme_mi.clone().unwrap_or_default(),
            ))),
        }
    }

    /// The sans-IO endpoint this table describes.
    pub fn endpoint(&self) -> Endpoint {
        let (binding, phys) = match self.binding {
            Binding::Serial => (BindingKind::Serial, PhysAddr::NONE),
            Binding::I2cStream => (
                BindingKind::Smbus,
                PhysAddr::byte(self.address.unwrap_or(0)),
            ),
        };
        let spec = EndpointSpec {
            phys,
            eid: self.eid,
            mtu: self.mtu,
            uuid: self.uuid.as_deref().and_then(uuid),
            extra_types: self.message_types.clone(),
            ..EndpointSpec::new(&self.name, binding)
        };
        Endpoint::new(spec, self.application())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_file_parses() {
        let text = include_str!("../../../samples/emulate.toml");
        let c = EmulateConfig::parse(text).unwrap();
        assert!(c.endpoint.len() >= 3);
        for e in &c.endpoint {
            let ep = e.endpoint();
            assert_eq!(ep.eid(), e.eid);
        }
    }

    #[test]
    fn mistakes_are_reported() {
        let base = "[[endpoint]]\nname = \"a\"\nbinding = \"serial\"\ndevice = \"/x\"\n";
        let bad = |extra: &str| {
            EmulateConfig::parse(&format!("{base}{extra}"))
                .unwrap_err()
                .0
        };
        assert!(bad("kind = \"pldm\"\neid = 3\n").contains("eid 3"));
        assert!(bad("kind = \"scsi\"\n").contains("unknown variant"));
        assert!(bad("kind = \"control\"\nuuid = \"12\"\n").contains("uuid"));
        assert!(bad("kind = \"control\"\naddress = 8\n").contains("takes device"));
        assert!(bad("kind = \"control\"\nmtu = 1024\n").contains("mtu 1024"));
        let i2c = "[[endpoint]]\nname = \"b\"\nkind = \"control\"\nbinding = \"i2c-stream\"\n";
        let i2c_err = |extra: &str| {
            EmulateConfig::parse(&format!("{i2c}{extra}"))
                .unwrap_err()
                .0
        };
        assert!(i2c_err("listen = \"127.0.0.1:1\"\naddress = 0x80\n").contains("7-bit"));
        assert!(i2c_err("listen = \"127.0.0.1:1\"\n").contains("takes listen and address"));
        assert!(
            EmulateConfig::parse(&format!("{i2c}listen = \"127.0.0.1:1\"\naddress = 0x1d\n"))
                .is_ok()
        );
        assert!(bad("kind = \"control\"\n[endpoint.pldm]\n").contains("[pldm] goes with"));
        assert!(bad("kind = \"pldm\"\n[endpoint.pldm]\ntid = 0\n").contains("reserved"));
        assert!(bad("kind = \"control\"\ncolour = 1\n").contains("unknown field"));
        let twice = format!("{base}kind = \"control\"\n{base}kind = \"control\"\n");
        assert!(EmulateConfig::parse(&twice)
            .unwrap_err()
            .0
            .contains("used twice"));
        assert!(EmulateConfig::parse("endpoint = []").is_err());
    }
}
