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
    write_item: impl Fn(&T, &mut Vec<u8>, &str) -> Result<(), serde_json::Error> + Sync,
) -> Result<(), serde_json::Error> {
    let io = serde_json::Error::io;
    let at = match frame.find(marker) {
        Some(at) if !items.is_empty() => at + marker.len() - 1,
        _ => return out.write_all(frame.as_bytes()).map_err(io),
    };
    out.write_all(&frame.as_bytes()[..at]).map_err(io)?;
    // Every item is written as `,\n` + indent + its lines, indented as it is written;
    // the very first without the comma.
    let render = |batch: &[T]| -> Result<Vec<u8>, serde_json::Error> {
        let mut bytes = Vec::with_capacity(batch.len() * 1024);
        for item in batch {
            bytes.extend_from_slice(b",\n");
            bytes.extend_from_slice(indent.as_bytes());
            write_item(item, &mut bytes, indent)?;
        }
        Ok(bytes)
    };
    let render_group = |group: &[T]| -> Result<Vec<Vec<u8>>, serde_json::Error> {
        group.par_chunks(BATCH).map(render).collect()
    };
    // A group is written while the next one is rendered on the pool.
    let window = BATCH * rayon::current_num_threads().max(1);
    let mut groups = items.chunks(window);
    let mut ready = groups.next().map(render_group).transpose()?;
    let mut first = true;
    while let Some(rendered) = ready.take() {
        let mut next = None;
        let written = rayon::in_place_scope(|s| {
            if let Some(group) = groups.next() {
                s.spawn(|_| next = Some(render_group(group)));
            }
            for bytes in &rendered {
                let skip = usize::from(std::mem::take(&mut first));
                out.write_all(bytes.get(skip..).unwrap_or_default())?;
            }
            Ok::<(), std::io::Error>(())
        });
        written.map_err(io)?;
        ready = next.transpose()?;
    }
    // The closing bracket goes back to the indentation of the array's key.
    let outer = indent.get(2..).unwrap_or("");
    out.write_all(b"\n").map_err(io)?;
    out.write_all(outer.as_bytes()).map_err(io)?;
    out.write_all(&frame.as_bytes()[at..]).map_err(io)
}

/// `value` pretty-printed into `out` as serde_json does, every line after the first
/// starting with `indent`: as it would appear inside a document, at that indentation.
pub(crate) fn pretty<S: serde::Serialize>(
    value: &S,
    out: &mut Vec<u8>,
    indent: &str,
) -> Result<(), serde_json::Error> {
    let mut ser = serde_json::Serializer::with_formatter(out, Indented::new(indent.as_bytes()));
    value.serialize(&mut ser)
}

/// serde_json's pretty format (two spaces per level) with every line after the first
/// starting with `base`.
struct Indented<'a> {
    base: &'a [u8],
    level: usize,
    has_value: bool,
}

impl<'a> Indented<'a> {
    fn new(base: &'a [u8]) -> Self {
        Indented {
            base,
            level: 0,
            has_value: false,
        }
    }

    fn newline<W: ?Sized + Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        w.write_all(self.base)?;
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level = self.level.saturating_sub(1);
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }
}

impl serde_json::ser::Formatter for Indented<'_> {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written indented, a value reads as serde_json's pretty text with every line after
    /// the first prefixed: empty and nested arrays and objects, strings with newlines.
    #[test]
    fn indented_is_pretty_text_shifted() {
        let value = serde_json::json!({
            "a": [],
            "b": {},
            "c": [1, [2, []], {"d": {"e": [true, null]}}],
            "f": "line\nbreak \"quoted\"",
            "g": [{}],
        });
        for base in ["", "  ", "        "] {
            let mut out = Vec::new();
            pretty(&value, &mut out, base).unwrap();
            let whole = serde_json::to_string_pretty(&value).unwrap();
            let expected = whole.replace('\n', &format!("\n{base}"));
            assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
    }
}
