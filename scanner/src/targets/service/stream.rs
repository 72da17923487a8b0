//! Cutting an nmap XML document into `<host>` elements without holding it whole.
//!
//! The document is read in blocks. Each block is cut after its last `</host>`; that prefix
//! is walked with quick-xml (no tree, no allocation per element) to find the byte range of
//! every top-level `<host>` element and the nesting outside hosts. The rest of the block is
//! carried over to the next one. Each host range is then parsed on its own (see
//! [`super::parse_host`]), so memory holds one block and its hosts, whatever the size of
//! the scan.
//!
//! quick-xml does not expand entities declared in a DTD: a "billion laughs" document gives
//! hosts whose text holds unknown entity references, which the host parser refuses.

use quick_xml::events::Event;
use std::io::Read;
use std::ops::Range;
use std::sync::Arc;

/// Size of a read block.
pub const BLOCK: usize = 4 * 1024 * 1024;

/// Most bytes held while looking for the end of a `<host>` element. nmap writes a few
/// kilobytes per host; a document with no `</host>` in this many bytes is not read
/// further, so a huge single element cannot take memory the size of the file.
pub const MAX_HOST_BYTES: usize = 64 * 1024 * 1024;

/// A host element found in the document: a range of the block it was read in (shared by
/// the block's hosts, so that hosts are not copied one by one).
#[derive(Debug, Clone)]
pub struct HostSlice {
    /// The block.
    pub block: Arc<Vec<u8>>,
    /// Where the element is in the block, `<host ...>` to `</host>`.
    pub range: Range<usize>,
    /// 1-based line of `<host` in the document.
    pub line: u32,
}

impl HostSlice {
    /// The element's bytes.
    pub fn bytes(&self) -> &[u8] {
        self.block.get(self.range.clone()).unwrap_or_default()
    }
}

/// Attributes of the `<nmaprun>` element.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    /// `args`: the command line.
    pub args: String,
    /// `version` of nmap.
    pub version: String,
    /// `start`: Unix time of the scan.
    pub start: i64,
}

/// A fault in the document: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// 1-based line.
    pub line: u32,
    /// What went wrong.
    pub message: String,
}

/// State carried across blocks.
#[derive(Debug, Default)]
pub struct Splitter {
    carry: Vec<u8>,
    /// Line number of the first byte of `carry`.
    carry_line: u32,
    /// Names of the elements open outside any host (`nmaprun` first).
    open: Vec<String>,
    seen_nmaprun: bool,
    closed_nmaprun: bool,
    /// Information of the run, once `<nmaprun>` was read.
    pub run: RunInfo,
    /// First fault; nothing is read after it.
    pub fault: Option<Fault>,
    /// Bytes read so far.
    pub bytes_read: u64,
}

fn count_lines(b: &[u8]) -> u32 {
    memchr::memchr_iter(b'\n', b).count() as u32
}

impl Splitter {
    /// A splitter at the start of a document.
    pub fn new() -> Self {
        Splitter {
            carry_line: 1,
            ..Splitter::default()
        }
    }

    /// Reads the next block and returns the hosts it completes; `None` at the end of the
    /// input (or after a fault).
    pub fn next_hosts<R: Read>(&mut self, reader: &mut R) -> Option<Vec<HostSlice>> {
        if self.fault.is_some() {
            return None;
        }
        let start = self.carry.len();
        self.carry.resize(start + BLOCK, 0);
        let mut filled = start;
        // Fill the block (short reads happen on pipes).
        while filled < self.carry.len() {
            match reader.read(&mut self.carry[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.carry.truncate(filled);
                    self.fault = Some(Fault {
                        line: self.carry_line + count_lines(&self.carry),
                        message: format!("read error: {e}"),
                    });
                    return None;
                }
            }
        }
        self.carry.truncate(filled);
        self.bytes_read += (filled - start) as u64;
        let eof = filled - start == 0 || filled < start + BLOCK;
        let cut = if eof {
            self.carry.len()
        } else {
            // What was carried over holds no `</host>` (it was cut after the last one):
            // only the new bytes, and the few before them, need searching. Searching the
            // whole carry again made a document without `</host>` quadratic.
            let from = start.saturating_sub(b"</host>".len());
            match memchr::memmem::rfind(&self.carry[from..], b"</host>") {
                Some(i) => from + i + b"</host>".len(),
                // No complete host yet: read more, up to the limit.
                None if self.carry.len() <= MAX_HOST_BYTES => return Some(Vec::new()),
                None => {
                    self.fault = Some(Fault {
                        line: self.carry_line,
                        message: format!(
                            "no `</host>` in {} MiB: an element this large is not nmap output, the rest was not read",
                            MAX_HOST_BYTES / (1024 * 1024)
                        ),
                    });
                    return None;
                }
            }
        };
        if cut == 0 && eof {
            self.finish();
            return None;
        }
        let ranges = self.walk(cut, eof);
        let rest = self.carry[cut..].to_vec();
        self.carry.truncate(cut);
        self.carry_line += count_lines(&self.carry);
        let block = Arc::new(std::mem::replace(&mut self.carry, rest));
        let hosts = ranges
            .into_iter()
            .map(|(range, line)| HostSlice {
                block: Arc::clone(&block),
                range,
                line,
            })
            .collect();
        if eof {
            self.finish();
        }
        Some(hosts)
    }

    fn finish(&mut self) {
        if self.fault.is_some() {
            return;
        }
        let end_line = self.carry_line + count_lines(&self.carry);
        if !self.seen_nmaprun {
            self.fault = Some(Fault {
                line: end_line,
                message: "no `<nmaprun>` element: not an nmap XML scan".into(),
            });
        } else if !self.closed_nmaprun {
            self.fault = Some(Fault {
                line: end_line,
                message: "document ends before `</nmaprun>`: the scan output is truncated".into(),
            });
        }
    }

    /// Walks `carry[..cut]`, returning the ranges and lines of its hosts. At the end of
    /// input, an unclosed host is a fault.
    fn walk(&mut self, cut: usize, eof: bool) -> Vec<(Range<usize>, u32)> {
        let data = &self.carry[..cut];
        let mut r = quick_xml::Reader::from_reader(data);
        {
            let c = r.config_mut();
            c.check_end_names = false;
            c.allow_unmatched_ends = true;
        }
        let mut hosts = Vec::new();
        let mut line = self.carry_line;
        let mut line_pos = 0usize;
        let mut host_start: Option<(usize, u32)> = None;
        let mut host_depth = 0usize;
        loop {
            let before = r.buffer_position() as usize;
            let ev = r.read_event();
            let after = r.buffer_position() as usize;
            let at_line = |pos: usize, line: &mut u32, line_pos: &mut usize| {
                if pos > *line_pos {
                    *line += count_lines(&data[*line_pos..pos.min(data.len())]);
                    *line_pos = pos.min(data.len());
                }
                *line
            };
            match ev {
                Ok(Event::Start(e)) => {
                    let name = e.name();
                    if let Some(_h) = host_start {
                        host_depth += 1;
                    } else if name.as_ref() == "host" && self.open.len() == 1 {
                        let l = at_line(before, &mut line, &mut line_pos);
                        host_start = Some((before, l));
                        host_depth = 1;
                    } else {
                        if name.as_ref() == "nmaprun" {
                            self.seen_nmaprun = true;
                            for a in e.attributes().flatten() {
                                let v = a.value.to_string();
                                match a.key.as_ref() {
                                    "args" => self.run.args = v,
                                    "version" => self.run.version = v,
                                    "start" => self.run.start = v.parse().unwrap_or(0),
                                    _ => {}
                                }
                            }
                        }
                        self.open.push(name.as_ref().to_string());
                    }
                }
                Ok(Event::End(e)) => {
                    if let Some((s, l)) = host_start {
                        host_depth -= 1;
                        if host_depth == 0 {
                            hosts.push((s..after, l));
                            host_start = None;
                        }
                    } else {
                        // Outside hosts, every end tag must close the element open last:
                        // a stray `</host>` or a mangled name means hosts were lost.
                        let name = e.name();
                        match self.open.pop() {
                            Some(open) if open == name.as_ref() => {}
                            open => {
                                let l = at_line(before, &mut line, &mut line_pos);
                                let closed = name.as_ref();
                                let message = match open {
                                    Some(o) => {
                                        format!("malformed XML: `</{closed}>` closes `<{o}>`")
                                    }
                                    None => {
                                        format!("malformed XML: `</{closed}>` closes no element")
                                    }
                                };
                                self.fault = Some(Fault { line: l, message });
                                return hosts;
                            }
                        }
                        if name.as_ref() == "nmaprun" {
                            self.closed_nmaprun = true;
                        }
                    }
                }
                Ok(Event::Empty(e)) => {
                    if host_start.is_none() && e.name().as_ref() == "host" && self.open.len() == 1 {
                        let l = at_line(before, &mut line, &mut line_pos);
                        hosts.push((before..after, l));
                    }
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => {
                    let pos = r.error_position() as usize;
                    let l = at_line(pos, &mut line, &mut line_pos);
                    let message = if eof && pos + 64 >= data.len() {
                        format!("the scan output is truncated: {e}")
                    } else {
                        format!("malformed XML: {e}")
                    };
                    self.fault = Some(Fault { line: l, message });
                    return hosts;
                }
            }
        }
        if let Some((_, l)) = host_start
            && eof
        {
            self.fault = Some(Fault {
                line: l,
                message: "document ends inside this `<host>` element: the scan output is truncated"
                    .into(),
            });
        }
        hosts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(doc: &str) -> (Vec<HostSlice>, Splitter) {
        let mut s = Splitter::new();
        let mut r = doc.as_bytes();
        let mut out = Vec::new();
        while let Some(h) = s.next_hosts(&mut r) {
            out.extend(h);
        }
        (out, s)
    }

    #[test]
    fn hosts_and_lines() {
        let doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun>\n<nmaprun args=\"nmap -sV\" start=\"5\">\n<host><address addr=\"1.2.3.4\"/></host>\n<!-- <host> in a comment -->\n<host>\n<address addr=\"5.6.7.8\"/>\n</host>\n</nmaprun>\n";
        let (h, s) = all(doc);
        assert_eq!(h.len(), 2);
        assert_eq!((h[0].line, h[1].line), (4, 6));
        assert!(s.fault.is_none(), "{:?}", s.fault);
        assert_eq!(s.run.args, "nmap -sV");
        assert_eq!(s.run.start, 5);
    }

    #[test]
    fn truncated_keeps_hosts_before() {
        let doc = "<nmaprun>\n<host><address addr=\"1.2.3.4\"/></host>\n<host>\n<address addr=";
        let (h, s) = all(doc);
        assert_eq!(h.len(), 1);
        let f = s.fault.unwrap();
        assert_eq!(f.line, 4, "{f:?}");
        assert!(f.message.contains("truncated"), "{f:?}");
    }

    /// Found by the mutation test: a mangled start tag swallowed every host without a
    /// word.
    #[test]
    fn stray_end_tag_outside_hosts_is_a_fault() {
        let (h, s) = all("<nmaprun>\n<htate=\"up\"/>\n<ports>\n</host>\n</nmaprun>\n");
        assert!(h.is_empty());
        let f = s.fault.unwrap();
        assert_eq!(f.line, 4, "{f:?}");
        assert!(f.message.contains("`</host>` closes `<ports>`"), "{f:?}");
        let (_, s) = all("<nmaprun></nmaprun></nmaprun>");
        assert!(s.fault.unwrap().message.contains("closes no element"));
    }

    #[test]
    fn a_huge_element_without_end_stops_reading() {
        let mut doc = b"<nmaprun>\n<host comment=\"".to_vec();
        doc.resize(MAX_HOST_BYTES + 2 * BLOCK, b'a');
        let (h, s) = all(std::str::from_utf8(&doc).unwrap());
        assert!(h.is_empty());
        assert!(s.fault.unwrap().message.contains("no `</host>`"));
        assert!(s.bytes_read < doc.len() as u64);
    }

    #[test]
    fn unclosed_run_is_a_fault() {
        let (h, s) = all("<nmaprun>\n<host></host>\n");
        assert_eq!(h.len(), 1);
        assert!(s.fault.unwrap().message.contains("truncated"));
    }
}
