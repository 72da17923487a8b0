//! Decoding of LoRaWAN uplinks from the parking sensors.

pub struct Reading {
    pub occupied: bool,
    pub battery: u16,
}

pub fn decode_uplink(buf: &[u8]) -> Option<Reading> {
    if buf.len() < 3 {
        return None;
    }
    // ok: SRC-010
    let flags = buf[0];
    // ok: SRC-010
    let battery = u16::from_be_bytes(buf[1..3].try_into().ok()?);
    Some(Reading {
        occupied: flags & 1 == 1,
        battery,
    })
}

pub fn on_message(topic: &str, payload: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    // ok: SRC-010
    let text = String::from_utf8(payload)?;
    Ok(format!("{topic}: {text}"))
}

/// Not a parser: a digest of bytes the gateway produced itself.
pub fn checksum(data: &[u8]) -> u8 {
    let table = [0u8; 4];
    // ok: SRC-010
    data.iter().fold(table[0], |a, b| a ^ b)
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes() {
        let frame = [1u8, 0, 42];
        // ok: SRC-010
        assert_eq!(super::decode_uplink(&frame).unwrap().battery, 42);
    }
}

pub fn decode_block(data: &[u8]) -> u16 {
    if data.len() < 2 {
        return 0;
    }
    let head = [data[0], data[1]];
    // ok: SRC-010
    u16::from(head[0]) << 8 | u16::from(head[1])
}

/// `out` is where the function writes, not what it received.
pub fn decode_into(text: &str, out: &mut [u8]) -> usize {
    // ok: SRC-010
    out[0] = text.len() as u8;
    1
}

pub fn parse_records(frame: &[u8]) -> usize {
    let mut end = 0;
    for (i, b) in frame.iter().enumerate() {
        if *b == 0 {
            end = i;
        }
    }
    // ok: SRC-010
    frame[end..].len()
}
