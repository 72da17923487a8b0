//! Cutting an nmap XML document into `<host>` elements without holding it whole.
//!
//! The document is read in blocks. Each block is cut after its last `</host>`; that prefix
//! is walked to find the byte range of every top-level `<host>` element and the nesting
//! outside hosts. The rest of the block is carried over to the next one. Each host range is
//! then parsed on its own (see [`super::parse_host`]), so memory holds a few blocks and
//! their hosts, whatever the size of the scan.
//!
//! The walk reads markup the way quick-xml does (it is the reference: its errors are the
//! faults that stop reading), but without building events or checking UTF-8 piece by
//! piece: the block is checked once, and a host is skipped tag by tag to its end. At
//! anything that walk does not read itself (comments, processing instructions, a reference
//! left open in text, a stray end tag, the `<nmaprun>` element and its attributes, a block
//! that is not UTF-8...), quick-xml reads on from that point, and the walk takes over again
//! after quick-xml's next element. [`Splitter::reference`] walks with quick-xml only; tests
//! and the fuzz target compare both walks.
//!
//! quick-xml does not expand entities declared in a DTD: a "billion laughs" document gives
//! hosts whose text holds unknown entity references, which the host parser refuses.

use quick_xml::events::Event;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::ops::Range;
use std::sync::{Arc, Mutex};

/// Size of a read block.
pub const BLOCK: usize = 4 * 1024 * 1024;

/// Most bytes held while looking for the end of a `<host>` element. nmap writes a few
/// kilobytes per host; a document with no `</host>` in this many bytes is not read
/// further, so a huge single element cannot take memory the size of the file.
pub const MAX_HOST_BYTES: usize = 64 * 1024 * 1024;

/// Read buffers kept for reuse once every host of their block is parsed.
const POOLED_BUFFERS: usize = 4;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Buffers given back by dropped blocks: reading into them costs no fresh pages.
type Pool = Arc<Mutex<Vec<Vec<u8>>>>;

/// A block of the document, cut after its last `</host>`, shared by its hosts. Its bytes
/// are checked as UTF-8 once, for all of them. Its buffer goes back to the splitter's pool
/// when the last host is dropped.
#[derive(Debug)]
pub struct Block {
    data: Data,
    pool: Option<Pool>,
}

#[derive(Debug)]
enum Data {
    Text(String),
    Bytes(Vec<u8>),
}

impl Block {
    fn new(bytes: Vec<u8>, pool: Option<Pool>) -> Block {
        let data = match String::from_utf8(bytes) {
            Ok(s) => Data::Text(s),
            Err(e) => Data::Bytes(e.into_bytes()),
        };
        Block { data, pool }
    }

    /// The block's bytes.
    pub fn bytes(&self) -> &[u8] {
        match &self.data {
            Data::Text(s) => s.as_bytes(),
            Data::Bytes(b) => b,
        }
    }

    /// The block's text, when it is all UTF-8.
    pub fn text(&self) -> Option<&str> {
        match &self.data {
            Data::Text(s) => Some(s),
            Data::Bytes(_) => None,
        }
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        let Some(pool) = &self.pool else {
            return;
        };
        let buf = match std::mem::replace(&mut self.data, Data::Bytes(Vec::new())) {
            Data::Text(s) => s.into_bytes(),
            Data::Bytes(b) => b,
        };
        if buf.capacity() < BLOCK || buf.capacity() > 2 * BLOCK {
            return;
        }
        if let Ok(mut p) = pool.lock()
            && p.len() < POOLED_BUFFERS
        {
            p.push(buf);
        }
    }
}

/// A host element found in the document: a range of the block it was read in (shared by
/// the block's hosts, so that hosts are not copied one by one).
#[derive(Debug, Clone)]
pub struct HostSlice {
    /// The block.
    pub block: Arc<Block>,
    /// Where the element is in the block, `<host ...>` to `</host>`.
    pub range: Range<usize>,
    /// 1-based line of `<host` in the document.
    pub line: u32,
}

impl HostSlice {
    /// The element's bytes.
    pub fn bytes(&self) -> &[u8] {
        self.block
            .bytes()
            .get(self.range.clone())
            .unwrap_or_default()
    }

    /// The element's text, when its block is UTF-8 (checked once for the whole block).
    pub fn text(&self) -> Option<&str> {
        self.block.text().and_then(|t| t.get(self.range.clone()))
    }
}

/// Attributes of the `<nmaprun>` element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    /// Walk with quick-xml only.
    quick_xml_only: bool,
    pool: Pool,
    hash: Sha256,
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

/// The line of increasing offsets of a block.
struct Lines {
    line: u32,
    pos: usize,
}

impl Lines {
    fn at(&mut self, data: &[u8], pos: usize) -> u32 {
        if pos > self.pos {
            self.line += count_lines(&data[self.pos..pos.min(data.len())]);
            self.pos = pos.min(data.len());
        }
        self.line
    }
}

/// Where the fast walk stopped.
enum Stop {
    /// At the end of the block.
    End,
    /// quick-xml reads on from this offset.
    At(usize),
    /// quick-xml must read the block again from its start (see [`Splitter::walk`]).
    Redo,
}

/// Whitespace as quick-xml sees it.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\r' | b'\n' | b'\t')
}

/// How far the walk looks byte by byte before searching with memchr: most tags and texts
/// of a scan are shorter, and memchr's setup costs more than such a look.
const NEAR: usize = 32;

/// The first `b` from `i`.
fn find(d: &[u8], i: usize, b: u8) -> Option<usize> {
    let near = d.len().min(i + NEAR);
    if let Some(k) = d.get(i..near)?.iter().position(|c| *c == b) {
        return Some(i + k);
    }
    memchr::memchr(b, &d[near..]).map(|k| near + k)
}

/// The `>` ending the tag whose `<` is at `i`, quoted `>` skipped as quick-xml does: a
/// quote opens a value that only the same quote closes.
fn tag_end(d: &[u8], i: usize) -> Option<usize> {
    let mut k = i + 1;
    loop {
        match *d.get(k)? {
            b'>' => return Some(k),
            q @ (b'"' | b'\'') => k = find(d, k + 1, q)?,
            _ => {}
        }
        k += 1;
    }
}

/// The first `<` or `&` from `i`.
fn markup_or_reference(d: &[u8], i: usize) -> Option<usize> {
    let near = d.len().min(i + NEAR);
    if let Some(k) = d[i..near].iter().position(|b| *b == b'<' || *b == b'&') {
        return Some(i + k);
    }
    memchr::memchr2(b'<', b'&', &d[near..]).map(|k| near + k)
}

/// Text from `i` to the next `<`: its offset, `Ok(None)` at the end of the data, `Err` at
/// a reference quick-xml refuses (`&` without `;` before the next `&` or `<`).
fn text_end(d: &[u8], mut i: usize) -> Result<Option<usize>, ()> {
    loop {
        let Some(at) = markup_or_reference(d, i) else {
            return Ok(None);
        };
        if d[at] == b'<' {
            return Ok(Some(at));
        }
        match memchr::memchr3(b';', b'&', b'<', &d[at + 1..]) {
            Some(m) if d[at + 1 + m] == b';' => i = at + 2 + m,
            _ => return Err(()),
        }
    }
}

/// Start tag whose `<` is at `i` and `>` at `gt`: its name, and whether it is empty.
fn start_name(d: &[u8], i: usize, gt: usize) -> (&[u8], bool) {
    let empty = d[gt - 1] == b'/';
    let content = &d[i + 1..if empty { gt - 1 } else { gt }];
    let len = content
        .iter()
        .position(|b| is_space(*b))
        .unwrap_or(content.len());
    (&content[..len], empty)
}

/// End of the `<host>` element whose start tag ends before `from`, read as quick-xml reads
/// it (every start tag opens a level, every end tag closes one, whatever their names);
/// `None` at anything else, or at the end of the data.
fn host_end(d: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 1usize;
    loop {
        let lt = text_end(d, i).ok()??;
        match d.get(lt + 1)? {
            b'/' => {
                let gt = tag_end(d, lt)?;
                depth -= 1;
                if depth == 0 {
                    return Some(gt + 1);
                }
                i = gt + 1;
            }
            b'!' | b'?' => return None,
            _ => {
                let gt = tag_end(d, lt)?;
                if d[gt - 1] != b'/' {
                    depth += 1;
                }
                i = gt + 1;
            }
        }
    }
}

impl Splitter {
    /// A splitter at the start of a document.
    pub fn new() -> Self {
        Splitter {
            carry_line: 1,
            ..Splitter::default()
        }
    }

    /// A splitter that walks every block with quick-xml (what [`Splitter::new`] gives back
    /// to at anything unusual). Tests compare both.
    #[doc(hidden)]
    pub fn reference() -> Self {
        Splitter {
            quick_xml_only: true,
            ..Splitter::new()
        }
    }

    /// Reads the rest of the input (after a fault or the end of the document) so that the
    /// hash covers the whole file, and returns the SHA-256 of everything read, in hex.
    pub fn finish_hash<R: Read>(&mut self, reader: &mut R) -> String {
        let mut buf = self.take_buffer();
        loop {
            buf.clear();
            match reader.by_ref().take(BLOCK as u64).read_to_end(&mut buf) {
                Ok(0) => break,
                Ok(_) => self.hash.update(&buf),
                Err(_) => {
                    self.hash.update(&buf);
                    break;
                }
            }
        }
        hex::encode(std::mem::take(&mut self.hash).finalize())
    }

    fn take_buffer(&self) -> Vec<u8> {
        self.pool
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_default()
    }

    /// Reads the next block and returns the hosts it completes; `None` at the end of the
    /// input (or after a fault).
    pub fn next_hosts<R: Read>(&mut self, reader: &mut R) -> Option<Vec<HostSlice>> {
        if self.fault.is_some() {
            return None;
        }
        let start = self.carry.len();
        if self.carry.capacity() == 0 {
            self.carry = self.take_buffer();
        }
        if self.carry.capacity() - start < BLOCK {
            // Room for the next block's tail too, so that the buffer is reused as it is.
            self.carry.reserve_exact(BLOCK + BLOCK / 8);
        }
        // Short reads (pipes) and interruptions are taken care of; the buffer is not
        // zeroed first.
        let read = reader
            .by_ref()
            .take(BLOCK as u64)
            .read_to_end(&mut self.carry);
        let filled = self.carry.len();
        self.hash.update(&self.carry[start..]);
        if let Err(e) = read {
            self.fault = Some(Fault {
                line: self.carry_line + count_lines(&self.carry),
                message: format!("read error: {e}"),
            });
            return None;
        }
        let first = self.bytes_read == 0;
        self.bytes_read += (filled - start) as u64;
        let eof = filled - start == 0 || filled < start + BLOCK;
        // A byte-order mark before the document (an editor's) is not part of it: it would
        // shift every position quick-xml gives by its three bytes. It stays in the hash.
        if first && start == 0 && self.carry.starts_with(BOM) {
            self.carry.drain(..BOM.len());
        }
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
        // The rest goes to a buffer of its own, the next block's.
        let mut rest = self.take_buffer();
        rest.clear();
        rest.reserve_exact(self.carry.len() - cut + BLOCK + BLOCK / 8);
        rest.extend_from_slice(&self.carry[cut..]);
        self.carry.truncate(cut);
        let block = Arc::new(Block::new(
            std::mem::replace(&mut self.carry, rest),
            Some(Arc::clone(&self.pool)),
        ));
        let (ranges, end_line) = self.walk(&block, eof);
        self.carry_line = end_line;
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

    /// Walks a block, returning the ranges and lines of its hosts and the line of its end.
    /// At the end of input, an unclosed host is a fault.
    ///
    /// The fast walk runs while the block is UTF-8 and does not start with a byte-order
    /// mark (quick-xml skips one at the start of its input without counting it: a block
    /// that starts with one is read by quick-xml alone, with the same offsets as before).
    /// quick-xml takes over at a `<` (or at the text before it), and hands back after an
    /// element; in a UTF-8 block every position it reports is the one it would report
    /// reading from the block's start.
    fn walk(&mut self, block: &Block, eof: bool) -> (Vec<(Range<usize>, u32)>, u32) {
        let data = block.bytes();
        let fast = !self.quick_xml_only && block.text().is_some() && !data.starts_with(BOM);
        let before = (
            self.open.clone(),
            self.seen_nmaprun,
            self.closed_nmaprun,
            self.run.clone(),
        );
        let mut hosts = Vec::new();
        let mut lines = Lines {
            line: self.carry_line,
            pos: 0,
        };
        let mut pos = 0;
        loop {
            if fast {
                match self.fast_walk(data, pos, &mut lines, &mut hosts) {
                    Stop::End => break,
                    Stop::At(p) => pos = p,
                    Stop::Redo => {
                        (self.open, self.seen_nmaprun, self.closed_nmaprun, self.run) = before;
                        hosts.clear();
                        lines = Lines {
                            line: self.carry_line,
                            pos: 0,
                        };
                        self.quick_xml_walk(data, 0, eof, false, &mut lines, &mut hosts);
                        break;
                    }
                }
            }
            match self.quick_xml_walk(data, pos, eof, fast, &mut lines, &mut hosts) {
                Some(p) => pos = p,
                None => break,
            }
        }
        let end = lines.at(data, data.len());
        (hosts, end)
    }

    /// Reads from `i` the markup quick-xml reads with no error: elements, text and
    /// references; `<host>` elements are skipped to their end. Stops at anything else.
    fn fast_walk(
        &mut self,
        d: &[u8],
        mut i: usize,
        lines: &mut Lines,
        hosts: &mut Vec<(Range<usize>, u32)>,
    ) -> Stop {
        loop {
            let text = i;
            let lt = match text_end(d, i) {
                Ok(Some(lt)) => lt,
                Ok(None) => return Stop::End,
                // quick-xml reads that text again from its start, unless a byte-order mark
                // is there (it would skip it).
                Err(()) if text > 0 && d[text..].starts_with(BOM) => return Stop::Redo,
                Err(()) => return Stop::At(text),
            };
            match d.get(lt + 1) {
                Some(b'/') => {
                    let Some(gt) = tag_end(d, lt) else {
                        return Stop::At(lt);
                    };
                    let c = &d[lt + 2..gt];
                    let name = match c.iter().rposition(|b| !is_space(*b)) {
                        Some(p) => &c[..=p],
                        None => c,
                    };
                    // A stray end tag is a fault: quick-xml's walk says so.
                    if self.open.last().is_none_or(|o| o.as_bytes() != name) {
                        return Stop::At(lt);
                    }
                    self.open.pop();
                    if name == b"nmaprun" {
                        self.closed_nmaprun = true;
                    }
                    i = gt + 1;
                }
                Some(b'!' | b'?') | None => return Stop::At(lt),
                Some(_) => {
                    let Some(gt) = tag_end(d, lt) else {
                        return Stop::At(lt);
                    };
                    let (name, empty) = start_name(d, lt, gt);
                    if name == b"host" && self.open.len() == 1 {
                        let end = if empty {
                            gt + 1
                        } else {
                            match host_end(d, gt + 1) {
                                Some(end) => end,
                                None => return Stop::At(lt),
                            }
                        };
                        hosts.push((lt..end, lines.at(d, lt)));
                        i = end;
                    } else if empty {
                        i = gt + 1;
                    } else {
                        // `<nmaprun>`: its attributes are read by quick-xml.
                        match std::str::from_utf8(name) {
                            Ok(n) if n != "nmaprun" => self.open.push(n.to_string()),
                            _ => return Stop::At(lt),
                        }
                        i = gt + 1;
                    }
                }
            }
        }
    }

    /// Walks `data[from..]` with quick-xml. With `hand_back`, returns the offset after the
    /// first element read outside hosts, where the fast walk goes on; `None` at the end of
    /// the data or at a fault.
    fn quick_xml_walk(
        &mut self,
        data: &[u8],
        from: usize,
        eof: bool,
        hand_back: bool,
        lines: &mut Lines,
        hosts: &mut Vec<(Range<usize>, u32)>,
    ) -> Option<usize> {
        let mut r = quick_xml::Reader::from_reader(data.get(from..)?);
        {
            let c = r.config_mut();
            c.check_end_names = false;
            c.allow_unmatched_ends = true;
        }
        let mut host_start: Option<(usize, u32)> = None;
        let mut host_depth = 0usize;
        loop {
            let before = from + r.buffer_position() as usize;
            let ev = r.read_event();
            let after = from + r.buffer_position() as usize;
            let element = matches!(
                ev,
                Ok(Event::Start(_) | Event::End(_) | Event::Empty(_) | Event::Comment(_))
            );
            match ev {
                Ok(Event::Start(e)) => {
                    let name = e.name();
                    if let Some(_h) = host_start {
                        host_depth += 1;
                    } else if name.as_ref() == "host" && self.open.len() == 1 {
                        let l = lines.at(data, before);
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
                                let l = lines.at(data, before);
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
                                return None;
                            }
                        }
                        if name.as_ref() == "nmaprun" {
                            self.closed_nmaprun = true;
                        }
                    }
                }
                Ok(Event::Empty(e)) => {
                    if host_start.is_none() && e.name().as_ref() == "host" && self.open.len() == 1 {
                        let l = lines.at(data, before);
                        hosts.push((before..after, l));
                    }
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => {
                    let pos = from + r.error_position() as usize;
                    let l = lines.at(data, pos);
                    let message = if eof && pos + 64 >= data.len() {
                        format!("the scan output is truncated: {e}")
                    } else {
                        format!("malformed XML: {e}")
                    };
                    self.fault = Some(Fault { line: l, message });
                    return None;
                }
            }
            if hand_back && element && host_start.is_none() {
                return Some(after);
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
        None
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

    /// Everything a splitter gives for `doc`: hosts (range, line, bytes), fault, run and
    /// bytes read, hash.
    fn outcome(doc: &[u8], mut s: Splitter) -> String {
        let mut r = doc;
        let mut hosts = Vec::new();
        while let Some(h) = s.next_hosts(&mut r) {
            for h in h {
                hosts.push(format!(
                    "{:?}@{} {}",
                    h.range,
                    h.line,
                    String::from_utf8_lossy(h.bytes())
                ));
                if let Some(t) = h.text() {
                    assert_eq!(t.as_bytes(), h.bytes());
                }
            }
        }
        let hash = s.finish_hash(&mut r);
        format!(
            "{hosts:#?}\n{:?}\n{:?}\n{} {hash}",
            s.fault, s.run, s.bytes_read
        )
    }

    /// The fast walk and quick-xml's give the same hosts, lines, faults and run.
    fn same_split(doc: &[u8]) {
        let fast = outcome(doc, Splitter::new());
        let reference = outcome(doc, Splitter::reference());
        assert_eq!(fast, reference, "{}", String::from_utf8_lossy(doc));
    }

    fn nmap_scans() -> Vec<(std::path::PathBuf, Vec<u8>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut scans = Vec::new();
        for dir in ["fixtures", "rules"] {
            for e in ignore::WalkBuilder::new(root.join(dir)).build() {
                let p = e.unwrap().into_path();
                if p.extension().is_none_or(|x| x != "xml") {
                    continue;
                }
                let doc = std::fs::read(&p).unwrap();
                if memchr::memmem::find(&doc, b"<nmaprun").is_some() {
                    scans.push((p, doc));
                }
            }
        }
        scans
    }

    #[test]
    fn fast_walk_matches_quick_xml_on_every_fixture() {
        let scans = nmap_scans();
        assert!(scans.len() > 50, "{} scans", scans.len());
        for (_, doc) in &scans {
            same_split(doc);
        }
    }

    /// Seeded mutants of every scan (bit flips, cuts, bytes set to characters the walk
    /// treats apart, markup inserted).
    #[test]
    fn fast_walk_matches_quick_xml_on_mutants() {
        let mut next = crate::testing::seeded(0x2545_f491_4f6c_dd1d);
        const SPECIAL: &[u8] = b"<>&;#\"'=/!?- \r\n\t\x00\xc3\xef";
        const INSERT: &[&[u8]] = &[
            b"<!-- c -->",
            b"<?pi x?>",
            b"</host>",
            b"<host>",
            b"<host/>",
            b"</a>",
            b"<a>",
            b"&",
            b"&amp;",
            b"\xEF\xBB\xBF",
            b"'",
            b"\">\"",
            b"<![CDATA[</host>]]>",
        ];
        for (p, doc) in nmap_scans() {
            for _ in 0..40 {
                let mut m = doc.clone();
                for _ in 0..1 + next(3) {
                    let i = next(m.len());
                    match next(4) {
                        0 => m[i] ^= 1 << next(8),
                        1 => m[i] = SPECIAL[next(SPECIAL.len())],
                        2 => {
                            let j = (i + next(64)).min(m.len());
                            m.drain(i..j);
                        }
                        _ => {
                            let ins = INSERT[next(INSERT.len())];
                            m.splice(i..i, ins.iter().copied());
                        }
                    }
                }
                let fast = outcome(&m, Splitter::new());
                let reference = outcome(&m, Splitter::reference());
                assert_eq!(
                    fast,
                    reference,
                    "{}: {}",
                    p.display(),
                    String::from_utf8_lossy(&m)
                );
            }
        }
    }

    /// What the fast walk leaves to quick-xml, and the corners of its own reading.
    #[test]
    fn fast_walk_matches_quick_xml_on_corner_cases() {
        let wrap = |inner: &str| format!("<nmaprun args=\"a\">\n{inner}\n</nmaprun>\n");
        for inner in [
            "<host><a></host>\n</host>",
            "<host></a></host>",
            "<host><a b=\">\"/></host>",
            "<host><a b='\"></host>'/></host>",
            "<host><a b=\"</host>\"></a></host>",
            "<host>a & b</host><host/>",
            "<host>a &amp; b &#xa;</host>",
            "<host>&</host>",
            "<host><!-- </host> --></host><host></host>",
            "<host><?pi </host>?></host>",
            "<host><![CDATA[</host>]]></host>",
            "<host><host></host></host>",
            "<host/><host />< host></host><hostx></hostx><host/ >",
            "<hosthint><host></host></hosthint><host></host>",
            "<taskprogress task=\"x\"/><host></host>",
            "<host></host >\n</nmaprun>\n<host></host>",
            "</nmaprun><host></host>",
            "<host></host>\u{FEFF}<host></host>",
            "<host></host>\u{FEFF}a & b<host></host>",
            "<host></host>\u{FEFF}\n\n& b<host></host>",
            "<host></host>\u{FEFF}<!-- c --><host></host>",
            "text &amp; more<host></host>",
            "<host></host>x&y<host></host>",
            "<>< ></><host></host>",
            "<host></host></h>",
            "<host></host></nmaprun>",
            "<host a=\"1\"></host\t\n>",
            "<host>\n<a>\n</b>\n</host>",
        ] {
            same_split(wrap(inner).as_bytes());
        }
        same_split(b"\xEF\xBB\xBF<nmaprun><host></host>\n</nmaprun>");
        same_split(b"<nmaprun><host>\xff</host><host></host></nmaprun>");
        same_split(b"<nmaprun><host></host>\xff<host></host></nmaprun>");
        same_split(b"<nmaprun><host></host><host>");
        same_split(b"<nmaprun><host></host><host><a b=\"");
        same_split(b"<nmaprun><host></host><");
    }

    /// Documents several blocks long, with something unusual just before or after a block
    /// boundary.
    #[test]
    fn fast_walk_matches_quick_xml_across_blocks() {
        let host = "<host><status state=\"up\"/>\n<address addr=\"10.0.0.1\" addrtype=\"ipv4\"/>\n<ports><port protocol=\"tcp\" portid=\"23\"><state state=\"open\"/><script id=\"banner\" output=\"x&#xa;y\"/></port></ports>\n</host>\n";
        let n = 2 * BLOCK / host.len() + 10;
        for odd in [
            "<!-- c -->",
            "\u{FEFF}",
            "\u{FEFF}a & b",
            "<host><a></host>",
            "<hosthint><host></host></hosthint>",
            "</host>",
        ] {
            for at in [
                BLOCK / host.len() - 1,
                BLOCK / host.len(),
                BLOCK / host.len() + 1,
            ] {
                let mut doc = String::from("<?xml version=\"1.0\"?>\n<nmaprun>\n");
                for i in 0..n {
                    if i == at {
                        doc.push_str(odd);
                    }
                    doc.push_str(host);
                }
                doc.push_str("</nmaprun>\n");
                same_split(doc.as_bytes());
            }
        }
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
