//! The I2C TCP-stream protocol of pymctp's QEMU exerciser
//! (`pymctp-exerciser-qemu` 0.3.0, `QemuI2CStreamSocket`, config type
//! `i2c-stream`), sans-IO: the emulator stands where QEMU's
//! `i2c-target-remote` device stands, so pymctp scripts drive emulated
//! endpoints (`../shared/reference/python.md` §2.2, item 5).
//!
//! ```text
//!  frame   u32 length (big-endian) = 1 + body length, u8 type, body
//!  0x00    WRITE     bytes written to the receiver; in master mode the
//!                    body is [(addr7 << 1) | 0][SMBus block...]: exactly a
//!                    DSP0237 frame, PEC included
//!  0x01    READ_REQ  u16 BE length (target mode)
//!  0x02    READ_RSP  bytes read
//!  0x03    ALERT
//!  0x07    HELLO     u32 BE version, 0x00010000 (1.0)
//! ```
//!
//! A zero-length frame is ignored (as pymctp does); a length above
//! [`MAX_FRAME`] is an error and the connection is dropped.

/// Frame types.
pub mod kind {
    pub const WRITE: u8 = 0x00;
    pub const READ_REQ: u8 = 0x01;
    pub const READ_RSP: u8 = 0x02;
    pub const ALERT: u8 = 0x03;
    pub const HELLO: u8 = 0x07;
}

/// Protocol version sent in HELLO (1.0).
pub const VERSION: u32 = 0x0001_0000;

/// Longest frame accepted (type byte and body).
pub const MAX_FRAME: usize = 65536;

/// One frame: type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub kind: u8,
    pub body: Vec<u8>,
}

/// A length field beyond [`MAX_FRAME`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Oversize(pub u32);

impl std::fmt::Display for Oversize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "frame length {} exceeds {MAX_FRAME}", self.0)
    }
}

impl std::error::Error for Oversize {}

/// Encode a frame.
pub fn encode(kind: u8, body: &[u8]) -> Vec<u8> {
    let len = (1 + body.len()) as u32;
    let mut v = Vec::with_capacity(5 + body.len());
    v.extend_from_slice(&len.to_be_bytes());
    v.push(kind);
    v.extend_from_slice(body);
    v
}

/// The HELLO frame.
pub fn hello() -> Vec<u8> {
    encode(kind::HELLO, &VERSION.to_be_bytes())
}

/// Splits a byte stream into frames.
#[derive(Debug, Default)]
pub struct Decoder {
    buf: Vec<u8>,
}

impl Decoder {
    /// An empty decoder.
    pub fn new() -> Self {
        Decoder::default()
    }

    /// Append received bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete frame, if any.
    pub fn next_frame(&mut self) -> Option<Result<Frame, Oversize>> {
        loop {
            let len: [u8; 4] = self.buf.get(..4)?.try_into().ok()?;
            let len = u32::from_be_bytes(len);
            if len as usize > MAX_FRAME {
                return Some(Err(Oversize(len)));
            }
            let total = 4 + len as usize;
            if self.buf.len() < total {
                return None;
            }
            let frame: Vec<u8> = self.buf.drain(..total).skip(4).collect();
            if let Some((&k, body)) = frame.split_first() {
                return Some(Ok(Frame {
                    kind: k,
                    body: body.to_vec(),
                }));
            }
            // A zero-length frame: nothing to hand out.
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_split_across_reads_and_back_to_back() {
        let mut d = Decoder::new();
        let mut bytes = hello();
        assert_eq!(bytes, [0, 0, 0, 5, 0x07, 0x00, 0x01, 0x00, 0x00]);
        bytes.extend_from_slice(&[0, 0, 0, 0]); // empty frame, ignored
        bytes.extend(encode(kind::WRITE, &[0x3A, 0x0F]));
        d.feed(&bytes[..3]);
        assert_eq!(d.next_frame(), None);
        d.feed(&bytes[3..]);
        assert_eq!(d.next_frame().unwrap().unwrap().kind, kind::HELLO);
        assert_eq!(
            d.next_frame(),
            Some(Ok(Frame {
                kind: kind::WRITE,
                body: vec![0x3A, 0x0F]
            }))
        );
        assert_eq!(d.next_frame(), None);
        d.feed(&[0xFF, 0xFF, 0xFF, 0xFF]);
        assert_eq!(d.next_frame(), Some(Err(Oversize(u32::MAX))));
    }
}
