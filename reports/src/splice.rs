//! Writing a large JSON array inside a pretty-printed document, a batch at a time, with
//! the batches serialised in parallel, byte for byte what serialising the whole
//! document at once gives.

use rayon::prelude::*;
use std::io::Write;

/// Items serialised at a time, per thread.
const BATCH: usize = 4096;

/// Writes `frame` (a pretty-printed document whose array `marker` is empty, `marker`
/// ending with `[]`) to `out` with `items` in that array, each pretty-printed by
/// `write_item` ([`pretty`]) and indented by `indent`. When `marker` is not in `frame` or there are
/// no items, `frame` is written as is. Memory holds a few batches at a time, never the
/// whole text.
pub(crate) fn write<T: Sync>(
    out: &mut dyn Write,
    frame: &str,
    marker: &str,
    indent: &str,
    items: &[T],
    write_item: impl Fn(&T, &mut Vec<u8>) -> Result<(), serde_json::Error> + Sync,
) -> Result<(), serde_json::Error> {
    let io = serde_json::Error::io;
    let at = match frame.find(marker) {
        Some(at) if !items.is_empty() => at + marker.len() - 1,
        _ => return out.write_all(frame.as_bytes()).map_err(io),
    };
    out.write_all(&frame.as_bytes()[..at]).map_err(io)?;
    // Every item is written as `,\n` + indent + its indented lines; the very first
    // without the comma.
    let render = |batch: &[T]| -> Result<Vec<u8>, serde_json::Error> {
        let mut text = Vec::new();
        let mut bytes = Vec::with_capacity(batch.len() * 1024);
        for item in batch {
            text.clear();
            write_item(item, &mut text)?;
            bytes.extend_from_slice(b",\n");
            bytes.extend_from_slice(indent.as_bytes());
            for (i, line) in text.split(|b| *b == b'\n').enumerate() {
                if i > 0 {
                    bytes.push(b'\n');
                    bytes.extend_from_slice(indent.as_bytes());
                }
                bytes.extend_from_slice(line);
            }
        }
        Ok(bytes)
    };
    let window = BATCH * rayon::current_num_threads().max(1);
    let mut first = true;
    for group in items.chunks(window) {
        let rendered: Vec<Vec<u8>> = group
            .par_chunks(BATCH)
            .map(render)
            .collect::<Result<_, _>>()?;
        for bytes in rendered {
            let skip = usize::from(std::mem::take(&mut first));
            out.write_all(&bytes[skip..]).map_err(io)?;
        }
    }
    // The closing bracket goes back to the indentation of the array's key.
    let outer = indent.get(2..).unwrap_or("");
    out.write_all(b"\n").map_err(io)?;
    out.write_all(outer.as_bytes()).map_err(io)?;
    out.write_all(&frame.as_bytes()[at..]).map_err(io)
}

/// `value` pretty-printed into `out`.
pub(crate) fn pretty<S: serde::Serialize>(
    value: &S,
    out: &mut Vec<u8>,
) -> Result<(), serde_json::Error> {
    serde_json::to_writer_pretty(out, value)
}
