//! Reference checksums written out here, so a test does not trust the code
//! under test for the value it expects. Include with
//! `#[path = "common/crc.rs"] mod crc;`.

/// CRC-32C written out bitwise (not the `crc` crate the emulator uses):
/// reflected 0x82F63B78, init and final XOR 0xFFFFFFFF.
#[allow(dead_code)]
pub fn crc32c(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ if crc & 1 != 0 { 0x82F6_3B78 } else { 0 };
        }
    }
    !crc
}

/// SMBus PEC, CRC-8 written out bitwise: polynomial 0x07, init 0, not
/// reflected.
#[allow(dead_code)]
pub fn crc8_smbus(data: &[u8]) -> u8 {
    let mut crc = 0u8;
    for &b in data {
        crc ^= b;
        for _ in 0..8 {
            crc = if crc & 0x80 != 0 {
                (crc << 1) ^ 0x07
            } else {
                crc << 1
            };
        }
    }
    crc
}
