//! A direct reader for the plain block YAML that processing records are written in.
//!
//! Records are block mappings and sequences of plain or quoted one-line scalars, with
//! one-line flow sequences and mappings (`[a, b]`, `{kind: camera}`) and comments. This
//! reader walks such text line by line and builds the same positioned [`Doc`] as the
//! event parser ([`super::spans`]), about ten times faster. It declines (`None`) on
//! anything outside that subset, and the caller then takes the event parser: anchors,
//! aliases, tags, directives and document markers, block scalars (`|`, `>`), explicit
//! keys, multi-line scalars and flow collections, tabs, carriage returns, control
//! characters, empty sequence entries, and any indentation it does not expect. It must
//! never accept a text that the event parser refuses or reads differently: a test runs
//! both over every record of the repository, and the `yaml_subset` fuzz target compares
//! them on arbitrary input.

use super::spans::{Doc, Pos, duplicate_keys, plain_scalar};
use std::borrow::Cow;

/// Deepest nesting read here (flow and block together); deeper text is left to the
/// event parser.
const MAX_DEPTH: usize = 48;

/// Longest implicit key read here (YAML limits implicit keys to 1024 characters).
const MAX_KEY: usize = 512;

/// `text` read as a positioned document, or `None` when it is outside the subset.
pub(super) fn read(text: &str) -> Option<Doc<'_>> {
    if !clean(text.as_bytes()) {
        return None;
    }
    let mut r = Reader {
        t: text,
        b: text.as_bytes(),
        lines: lines(text)?,
        i: 0,
        depth: 0,
    };
    let first = r.peek()?;
    if first.indent != 0 {
        return None;
    }
    let doc = r.block_node(first)?;
    (r.i == r.lines.len()).then_some(doc)
}

/// Whether the text has none of the characters this reader leaves to the event parser:
/// tabs, carriage returns and other control characters, a byte order mark, the C1
/// controls (NEL among them), the Unicode line and paragraph separators, U+FFFE/U+FFFF.
fn clean(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            if (c < 0x20 && c != b'\n') || c == 0x7f {
                return false;
            }
            i += 1;
            continue;
        }
        match (c, b.get(i + 1), b.get(i + 2)) {
            (0xc2, Some(0x80..=0x9f), _)
            | (0xe2, Some(0x80), Some(0xa8 | 0xa9))
            | (0xef, Some(0xbb), Some(0xbf))
            | (0xef, Some(0xbf), Some(0xbe | 0xbf)) => return false,
            _ => {}
        }
        i += 1;
    }
    true
}

/// A line holding content (not blank, not only a comment).
#[derive(Debug, Clone, Copy)]
struct Line {
    /// 1-based line number.
    num: u32,
    /// Byte offset of the line's first character.
    start: usize,
    /// Leading spaces.
    indent: usize,
    /// Byte offset of the line's end (its newline or the end of the text).
    end: usize,
}

/// The content lines of `text`; `None` on a directive or document marker.
fn lines(text: &str) -> Option<Vec<Line>> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 24);
    let mut start = 0;
    let mut num = 0u32;
    while start < b.len() {
        num = num.checked_add(1)?;
        let end = memchr::memchr(b'\n', &b[start..]).map_or(b.len(), |p| start + p);
        let indent = b[start..end].iter().take_while(|&&c| c == b' ').count();
        let first = b.get(start + indent).copied();
        let line = &b[start..end];
        if indent == 0
            && (line.starts_with(b"---") || line.starts_with(b"...") || line.first() == Some(&b'%'))
        {
            return None;
        }
        if start + indent < end && first != Some(b'#') {
            out.push(Line {
                num,
                start,
                indent,
                end,
            });
        }
        start = end + 1;
    }
    Some(out)
}

/// Characters that cannot start a plain scalar here (`-`, `?` and `:` can when followed
/// by a non-space, which this reader accepts for `-` only).
fn bad_start(c: u8) -> bool {
    matches!(
        c,
        b',' | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b'?'
            | b':'
    )
}

struct Reader<'a> {
    t: &'a str,
    b: &'a [u8],
    lines: Vec<Line>,
    /// Next line to read.
    i: usize,
    depth: usize,
}

type Entries<'a> = Vec<(Cow<'a, str>, Pos, Doc<'a>)>;

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<Line> {
        self.lines.get(self.i).copied()
    }

    fn pos(&self, l: Line, at: usize) -> Pos {
        let before = &self.b[l.start..at];
        let column = if before.is_ascii() {
            before.len()
        } else {
            self.t[l.start..at].chars().count()
        };
        Pos {
            line: l.num,
            column: column as u32 + 1,
        }
    }

    /// Whether line `l` is a sequence entry (`-` then a space or the end of the line).
    fn is_dash(&self, l: Line) -> bool {
        let at = l.start + l.indent;
        self.b[at] == b'-' && (at + 1 == l.end || self.b[at + 1] == b' ')
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// The block collection starting at line `l` (its indentation is the collection's).
    fn block_node(&mut self, l: Line) -> Option<Doc<'a>> {
        if self.is_dash(l) {
            self.block_seq(l.indent)
        } else {
            self.block_map(l.indent, l, l.start + l.indent)
        }
    }

    /// A block mapping whose keys are at column `n`, the first one on line `l` (the
    /// current line) at byte `at`.
    fn block_map(&mut self, n: usize, mut l: Line, mut at: usize) -> Option<Doc<'a>> {
        self.enter()?;
        let mut entries = Vec::with_capacity(8);
        loop {
            self.map_entry(n, l, at, &mut entries)?;
            match self.peek() {
                Some(next) if next.indent == n => {
                    l = next;
                    at = next.start + n;
                }
                Some(next) if next.indent > n => return None,
                _ => break,
            }
        }
        if duplicate_keys(&entries) {
            return None;
        }
        self.depth -= 1;
        Some(Doc::Map(entries))
    }

    /// One `key: value` of a block mapping at column `n`, the key on line `l` at `at`;
    /// reads the lines of its value too.
    fn map_entry(&mut self, n: usize, l: Line, at: usize, out: &mut Entries<'a>) -> Option<()> {
        let (key, colon) = self.key(l, at)?;
        let kpos = self.pos(l, at);
        self.i += 1;
        let v = self.skip_spaces(colon + 1, l.end);
        let value = if v == l.end || self.b[v] == b'#' {
            match self.peek() {
                Some(next) if next.indent > n => self.block_node(next)?,
                Some(next) if next.indent == n && self.is_dash(next) => self.block_seq(n)?,
                _ => Doc::Null,
            }
        } else {
            self.inline(l, v)?
        };
        out.push((key, kpos, value));
        Some(())
    }

    /// A block sequence whose dashes are at column `n` (the current line is its first).
    fn block_seq(&mut self, n: usize) -> Option<Doc<'a>> {
        self.enter()?;
        let mut items = Vec::with_capacity(4);
        while let Some(l) = self.peek() {
            if l.indent != n || !self.is_dash(l) {
                if l.indent > n {
                    return None;
                }
                break;
            }
            let v = self.skip_spaces(l.start + n + 1, l.end);
            if v == l.end || self.b[v] == b'#' {
                // An empty entry, or one whose node starts on the next line.
                return None;
            }
            let pos = self.pos(l, v);
            let c = self.b[v];
            let item = if c == b'-' && (v + 1 == l.end || self.b[v + 1] == b' ') {
                return None;
            } else if self.key_here(l, v)? {
                self.block_map(v - l.start, l, v)?
            } else {
                self.i += 1;
                self.inline(l, v)?
            };
            items.push((pos, item));
        }
        self.depth -= 1;
        Some(Doc::Seq(items))
    }

    fn skip_spaces(&self, mut at: usize, end: usize) -> usize {
        while at < end && self.b[at] == b' ' {
            at += 1;
        }
        at
    }

    /// Whether a block mapping key starts at `at` on line `l` (`None`: the line is
    /// outside the subset).
    fn key_here(&self, l: Line, at: usize) -> Option<bool> {
        match self.b[at] {
            q @ (b'"' | b'\'') => {
                let (_, end) = self.quoted(l, at, q)?;
                Some(end < l.end && self.b[end] == b':')
            }
            b'[' | b'{' => Some(false),
            _ => Some(self.plain_key_end(l, at).is_some()),
        }
    }

    /// The end of the plain key starting at `at` (the byte of its `:`), `None` when the
    /// line has no `: ` before a comment.
    fn plain_key_end(&self, l: Line, at: usize) -> Option<usize> {
        let b = self.b;
        let mut i = at;
        while i < l.end {
            match b[i] {
                b':' if i + 1 == l.end || b[i + 1] == b' ' => return Some(i),
                b'#' if i > at && b[i - 1] == b' ' => return None,
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// The key of a block mapping entry starting at `at`, and the byte of its `:`
    /// (followed by a space or the end of the line).
    fn key(&self, l: Line, at: usize) -> Option<(Cow<'a, str>, usize)> {
        let b = self.b;
        let (key, colon) = match b[at] {
            q @ (b'"' | b'\'') => {
                let (k, end) = self.quoted(l, at, q)?;
                (k, end)
            }
            c => {
                if bad_start(c) || c == b'-' {
                    return None;
                }
                let colon = self.plain_key_end(l, at)?;
                if b[colon - 1] == b' ' {
                    return None;
                }
                (Cow::Borrowed(&self.t[at..colon]), colon)
            }
        };
        let ok = colon < l.end
            && b[colon] == b':'
            && (colon + 1 == l.end || b[colon + 1] == b' ')
            && colon - at <= MAX_KEY;
        ok.then_some((key, colon))
    }

    /// A value written on its key's (or dash's) line at `at`, typed; the rest of the
    /// line must be blank or a comment.
    fn inline(&mut self, l: Line, at: usize) -> Option<Doc<'a>> {
        let b = self.b;
        let (doc, end) = match b[at] {
            q @ (b'"' | b'\'') => {
                let (s, end) = self.quoted(l, at, q)?;
                (Doc::Str(s), end)
            }
            b'[' => self.flow_seq(l, at)?,
            b'{' => self.flow_map(l, at)?,
            c => {
                if bad_start(c) || (c == b'-' && (at + 1 == l.end || b[at + 1] == b' ')) {
                    return None;
                }
                // A plain scalar: up to a comment, never holding `: ` nor ending in `:`.
                let mut i = at;
                let mut last = at;
                while i < l.end {
                    match b[i] {
                        b'#' if b[i - 1] == b' ' => break,
                        b':' if i + 1 == l.end || b[i + 1] == b' ' => return None,
                        b' ' => {}
                        _ => last = i + 1,
                    }
                    i += 1;
                }
                return Some(plain_scalar(Cow::Borrowed(&self.t[at..last])));
            }
        };
        let rest = self.skip_spaces(end, l.end);
        (rest == l.end || (b[rest] == b'#' && rest > end)).then_some(doc)
    }

    /// A quoted scalar starting at `at` (its quote `q`) and closed on the same line; its
    /// value and the byte after the closing quote.
    fn quoted(&self, l: Line, at: usize, q: u8) -> Option<(Cow<'a, str>, usize)> {
        let b = self.b;
        let mut owned: Option<String> = None;
        let mut from = at + 1;
        let mut i = at + 1;
        while i < l.end {
            let c = b[i];
            if q == b'\'' && c == b'\'' {
                if i + 1 < l.end && b[i + 1] == b'\'' {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.t[from..=i]);
                    i += 2;
                    from = i;
                    continue;
                }
                return Some((self.finish(owned, from, i), i + 1));
            }
            if q == b'"' && c == b'"' {
                return Some((self.finish(owned, from, i), i + 1));
            }
            if q == b'"' && c == b'\\' {
                let s = owned.get_or_insert_with(String::new);
                s.push_str(&self.t[from..i]);
                let (ch, len) = self.escape(i + 1, l.end)?;
                s.push(ch);
                i += 1 + len;
                from = i;
                continue;
            }
            i += 1;
        }
        None
    }

    fn finish(&self, owned: Option<String>, from: usize, to: usize) -> Cow<'a, str> {
        match owned {
            None => Cow::Borrowed(&self.t[from..to]),
            Some(mut s) => {
                s.push_str(&self.t[from..to]);
                Cow::Owned(s)
            }
        }
    }

    /// The escape after a backslash at `at` in a double-quoted scalar: the character and
    /// the bytes it takes.
    fn escape(&self, at: usize, end: usize) -> Option<(char, usize)> {
        let c = *self.b.get(at).filter(|_| at < end)?;
        let simple = match c {
            b'\\' => '\\',
            b'"' => '"',
            b'/' => '/',
            b'n' => '\n',
            b't' => '\t',
            b'r' => '\r',
            b'0' => '\0',
            b' ' => ' ',
            b'x' | b'u' | b'U' => {
                let digits = match c {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                let hex = self.t.get(at + 1..at + 1 + digits)?;
                if at + 1 + digits > end || !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                    return None;
                }
                let ch = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                return Some((ch, 1 + digits));
            }
            _ => return None,
        };
        Some((simple, 1))
    }

    /// A one-line flow sequence starting at `at` (`[`): the node and the byte after `]`.
    fn flow_seq(&mut self, l: Line, at: usize) -> Option<(Doc<'a>, usize)> {
        self.enter()?;
        let b = self.b;
        let mut items = Vec::new();
        let mut i = self.skip_spaces(at + 1, l.end);
        if i < l.end && b[i] == b']' {
            self.depth -= 1;
            return Some((Doc::Seq(items), i + 1));
        }
        loop {
            let pos = self.pos(l, i);
            let (item, end) = self.flow_node(l, i)?;
            items.push((pos, item));
            i = self.skip_spaces(end, l.end);
            match b.get(i).filter(|_| i < l.end)? {
                b',' => i = self.skip_spaces(i + 1, l.end),
                b']' => break,
                _ => return None,
            }
        }
        self.depth -= 1;
        Some((Doc::Seq(items), i + 1))
    }

    /// A one-line flow mapping starting at `at` (`{`): the node and the byte after `}`.
    fn flow_map(&mut self, l: Line, at: usize) -> Option<(Doc<'a>, usize)> {
        self.enter()?;
        let b = self.b;
        let mut entries = Vec::new();
        let mut i = self.skip_spaces(at + 1, l.end);
        if i < l.end && b[i] == b'}' {
            self.depth -= 1;
            return Some((Doc::Map(entries), i + 1));
        }
        loop {
            if i >= l.end {
                return None;
            }
            let kpos = self.pos(l, i);
            let (key, colon) = match b[i] {
                q @ (b'"' | b'\'') => self.quoted(l, i, q)?,
                _ => {
                    let (end, last) = self.flow_plain_end(l, i)?;
                    if end != last {
                        return None;
                    }
                    (Cow::Borrowed(&self.t[i..end]), end)
                }
            };
            if !(colon + 1 < l.end && b[colon] == b':' && b[colon + 1] == b' ') {
                return None;
            }
            let v = self.skip_spaces(colon + 1, l.end);
            let (value, end) = self.flow_node(l, v)?;
            entries.push((key, kpos, value));
            i = self.skip_spaces(end, l.end);
            match b.get(i).filter(|_| i < l.end)? {
                b',' => i = self.skip_spaces(i + 1, l.end),
                b'}' => break,
                _ => return None,
            }
        }
        if duplicate_keys(&entries) {
            return None;
        }
        self.depth -= 1;
        Some((Doc::Map(entries), i + 1))
    }

    /// A scalar or collection inside a flow collection, at `at`: typed, and the byte
    /// after it.
    fn flow_node(&mut self, l: Line, at: usize) -> Option<(Doc<'a>, usize)> {
        if at >= l.end {
            return None;
        }
        match self.b[at] {
            q @ (b'"' | b'\'') => {
                let (s, end) = self.quoted(l, at, q)?;
                Some((Doc::Str(s), end))
            }
            b'[' => self.flow_seq(l, at),
            b'{' => self.flow_map(l, at),
            _ => {
                let (_, last) = self.flow_plain_end(l, at)?;
                Some((plain_scalar(Cow::Borrowed(&self.t[at..last])), last))
            }
        }
    }

    /// A plain scalar inside a flow collection at `at`: the byte where it stops (`,`,
    /// `]`, `}` or `:`) and the end of its text without trailing spaces. `None` when it
    /// is empty, starts with an indicator, or holds `#`, `[`, `{` or a `:` that is not
    /// the last thing before the stop.
    fn flow_plain_end(&self, l: Line, at: usize) -> Option<(usize, usize)> {
        let b = self.b;
        let c = b[at];
        let next = b.get(at + 1).filter(|_| at + 1 < l.end);
        if bad_start(c) || (c == b'-' && !next.is_some_and(u8::is_ascii_alphanumeric)) {
            return None;
        }
        let mut i = at;
        let mut last = at;
        while i < l.end {
            match b[i] {
                b',' | b']' | b'}' => break,
                b':' => {
                    // Only a key's `: ` ends a plain scalar here.
                    if i + 1 < l.end && b[i + 1] == b' ' && last == i {
                        return Some((i, last));
                    }
                    return None;
                }
                b'#' | b'[' | b'{' => return None,
                b' ' => {}
                _ => last = i + 1,
            }
            i += 1;
        }
        (i < l.end && last > at).then_some((i, last))
    }
}
