//! Records received from the counting cameras: a 4-byte length, then the entries.

pub fn parse_batch(packet: &[u8]) -> Vec<u32> {
    let count = u32::from_le_bytes([packet[0], packet[1], packet[2], packet[3]]) as usize;
    // ruleid: SRC-011
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        out.push(packet.get(4 + i).copied().unwrap_or(0) as u32);
    }
    out
}

pub fn decode_image(frame: &[u8]) -> Vec<u8> {
    let len = usize::from(frame[0]) << 16 | usize::from(frame[1]) << 8;
    // ruleid: SRC-011
    vec![0u8; len]
}

pub fn load_state(bytes: &[u8]) -> Option<Vec<String>> {
    // ruleid: SRC-011
    bincode::deserialize(bytes).ok()
}
