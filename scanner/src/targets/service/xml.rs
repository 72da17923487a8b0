//! One pass over the bytes of a `<host>` element, without building a DOM.
//!
//! [`Host::index`] scans the element once and records, for each element, borrowed slices
//! of the source: its name, its raw attribute list and its first run of text, with the
//! links to walk children and descendants (a few integers per element, in one vector).
//! Attribute values and text are decoded only when a fact asks for them, and borrowed
//! when they hold no reference.
//!
//! The scan accepts the XML nmap writes: elements, attributes, text, comments, the five
//! predefined entities and character references. Anything else (CDATA, processing
//! instructions, a DTD, namespaces, an unknown entity, a carriage return, a character XML
//! forbids, a mismatched end tag, a duplicated attribute...) makes it give up with
//! [`Unsupported`], and the host is read by roxmltree instead, which gives the same facts,
//! or refuses the element with its own message and position. Decoding therefore follows
//! roxmltree's rules on the subset read here: attribute values have tabs and line feeds
//! turned into spaces, references are replaced, character references are kept as they are.

use std::borrow::Cow;

/// An element of an nmap document, as the fact walk sees it.
pub trait XNode<'a>: Copy {
    /// Local name of the element.
    fn name(&self) -> &'a str;
    /// Value of an attribute without namespace.
    fn attribute(&self, key: &str) -> Option<Cow<'a, str>>;
    /// The first child when it is text.
    fn text(&self) -> Option<Cow<'a, str>>;
    /// Child elements, in document order.
    fn elements(self) -> impl Iterator<Item = Self>;
    /// The element and every element below it, in document order.
    fn descendants(self) -> impl Iterator<Item = Self>;
    /// Byte offset of the element's `<` in the host's text.
    fn offset(&self) -> usize;

    /// The element is named `name`.
    fn is(&self, name: &str) -> bool {
        self.name() == name
    }
    /// Attribute `key` has exactly this value.
    fn attribute_is(&self, key: &str, value: &str) -> bool {
        self.attribute(key).is_some_and(|v| v == value)
    }
}

impl<'a, 'i: 'a> XNode<'a> for roxmltree::Node<'a, 'i> {
    fn name(&self) -> &'a str {
        self.tag_name().name()
    }
    fn attribute(&self, key: &str) -> Option<Cow<'a, str>> {
        roxmltree::Node::attribute(self, key).map(Cow::Borrowed)
    }
    fn text(&self) -> Option<Cow<'a, str>> {
        roxmltree::Node::text(self).map(Cow::Borrowed)
    }
    fn elements(self) -> impl Iterator<Item = Self> {
        self.children().filter(|c| c.is_element())
    }
    fn descendants(self) -> impl Iterator<Item = Self> {
        roxmltree::Node::descendants(&self).filter(|c| c.is_element())
    }
    fn offset(&self) -> usize {
        self.range().start
    }
}

/// The scan met something outside the subset it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported;

const NONE: u32 = u32::MAX;

/// A byte range of the host's text.
#[derive(Debug, Clone, Copy, Default)]
struct Span(u32, u32);

impl Span {
    fn new(r: std::ops::Range<usize>) -> Span {
        Span(r.start as u32, r.end as u32)
    }
    fn of(self, src: &str) -> &str {
        src.get(self.0 as usize..self.1 as usize)
            .unwrap_or_default()
    }
    /// The span holds `s` (lengths compared first: most names differ there).
    fn holds(self, src: &[u8], s: &[u8]) -> bool {
        self.1.wrapping_sub(self.0) as usize == s.len()
            && src.get(self.0 as usize..self.1 as usize) == Some(s)
    }
}

/// Raw text or attribute value, and whether it reads as it is (nothing to decode).
#[derive(Debug, Clone, Copy, Default)]
struct Value {
    span: Span,
    plain: bool,
}

impl Value {
    fn read(self, src: &str, attribute: bool) -> Cow<'_, str> {
        let raw = self.span.of(src);
        if self.plain {
            Cow::Borrowed(raw)
        } else {
            decode(raw, attribute)
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Element {
    name: Span,
    /// Its attributes: `Host::attributes[attributes.0..attributes.1]`.
    attributes: (u32, u32),
    /// Raw first text child, when the element starts with text.
    text: Option<Value>,
    offset: u32,
    next_sibling: u32,
    /// Index past the last descendant: descendants are `index + 1 .. end`.
    end: u32,
}

/// The index of one `<host>` element: spans of its text. The vectors are kept from one
/// host to the next on each thread ([`Host::with_index`]).
#[derive(Debug, Default)]
pub struct Host {
    elements: Vec<Element>,
    /// Names and raw values of the attributes of every element.
    attributes: Vec<(Span, Value)>,
}

thread_local! {
    static INDEX: std::cell::RefCell<Host> = std::cell::RefCell::default();
}

/// An element of a [`Host`].
#[derive(Debug, Clone, Copy)]
pub struct Node<'t> {
    host: &'t Host,
    src: &'t str,
    index: u32,
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n')
}

/// Length of the reference at the start of `s` (which starts with `&`) and the character
/// it stands for, when it is one roxmltree reads the same way without a DTD.
fn reference(s: &[u8]) -> Option<(usize, char)> {
    let semi = memchr::memchr(b';', &s[..s.len().min(12)])?;
    let body = &s[1..semi];
    let c = match body {
        b"amp" => '&',
        b"lt" => '<',
        b"gt" => '>',
        b"quot" => '"',
        b"apos" => '\'',
        _ => {
            let (digits, radix) = match body {
                [b'#', b'x', d @ ..] => (d, 16),
                [b'#', d @ ..] => (d, 10),
                _ => return None,
            };
            let ok = |b: &u8| {
                if radix == 16 {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
            };
            if digits.is_empty() || !digits.iter().all(ok) {
                return None;
            }
            let n = u32::from_str_radix(std::str::from_utf8(digits).ok()?, radix).ok()?;
            let c = char::from_u32(n)?;
            let xml = if n < 0x20 {
                matches!(c, ' ' | '\t' | '\n' | '\r')
            } else {
                n != 0xFFFE && n != 0xFFFF
            };
            if !xml {
                return None;
            }
            c
        }
    };
    Some((semi + 1, c))
}

/// Bytes [`check_chars`] looks at in text: references, control characters, `<`, `>` and
/// the first byte of U+FFFE and U+FFFF.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = i != b'\t' as usize && i != b'\n' as usize;
        i += 1;
    }
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[0xEF] = true;
    t
};

/// Bytes [`check_chars`] looks at in attribute values: those of text, and the tabs and
/// line feeds that decoding turns into spaces.
const SPECIAL_IN_ATTRIBUTE: [bool; 256] = {
    let mut t = SPECIAL;
    t[b'\t' as usize] = true;
    t[b'\n' as usize] = true;
    t
};

/// Checks text or an attribute value: references known, characters allowed, no carriage
/// return; `<` is refused in attribute values, `]]>` in text. Says whether the value reads
/// as it is (no reference; in an attribute, no tab or line feed either).
fn check_chars(s: &[u8], attribute: bool) -> Result<bool, Unsupported> {
    let special = if attribute {
        &SPECIAL_IN_ATTRIBUTE
    } else {
        &SPECIAL
    };
    let mut plain = true;
    let mut i = 0;
    while i < s.len() {
        while i < s.len() && !special[s[i] as usize] {
            i += 1;
        }
        let Some(&b) = s.get(i) else {
            break;
        };
        match b {
            b'&' => {
                let (n, _) = reference(&s[i..]).ok_or(Unsupported)?;
                plain = false;
                i += n;
                continue;
            }
            b'\t' | b'\n' => plain = false,
            0..0x20 => return Err(Unsupported),
            b'<' if attribute => return Err(Unsupported),
            b'>' if !attribute && i >= 2 && &s[i - 2..i] == b"]]" => return Err(Unsupported),
            // U+FFFE and U+FFFF.
            0xEF if s.get(i + 1) == Some(&0xBF) && matches!(s.get(i + 2), Some(0xBE | 0xBF)) => {
                return Err(Unsupported);
            }
            _ => {}
        }
        i += 1;
    }
    Ok(plain)
}

/// Decodes the references of checked text; attribute values also have tabs and line
/// feeds turned into spaces.
fn decode(s: &str, attribute: bool) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let find = |from: usize| {
        let rest = &bytes[from..];
        if attribute {
            memchr::memchr3(b'&', b'\t', b'\n', rest)
        } else {
            memchr::memchr(b'&', rest)
        }
        .map(|k| from + k)
    };
    let Some(first) = find(0) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    let mut next = Some(first);
    let mut plain = 0;
    while let Some(i) = next {
        out.push_str(&s[plain..i]);
        plain = if bytes[i] == b'&' {
            match reference(&bytes[i..]) {
                Some((n, c)) => {
                    out.push(c);
                    i + n
                }
                // Checked at indexing: not reached; kept as text.
                None => {
                    out.push('&');
                    i + 1
                }
            }
        } else {
            out.push(' ');
            i + 1
        };
        next = find(plain);
    }
    out.push_str(&s[plain..]);
    Cow::Owned(out)
}

impl Host {
    /// Indexes the `<host>` element in `src`, which must be the whole of it, and hands it to
    /// `f`, reusing this thread's vectors.
    pub fn with_index<R>(src: &str, f: impl FnOnce(Node<'_>) -> R) -> Result<R, Unsupported> {
        INDEX.with(|cell| match cell.try_borrow_mut() {
            Ok(mut host) => {
                host.scan(src)?;
                let r = f(host.root(src));
                if host.elements.capacity() > 1 << 16 {
                    // A huge host: its vectors are not kept.
                    *host = Host::default();
                }
                Ok(r)
            }
            Err(_) => {
                let mut host = Host::default();
                host.scan(src)?;
                Ok(f(host.root(src)))
            }
        })
    }

    /// Indexes the `<host>` element in `src`, which must be the whole of it.
    pub fn index(src: &str) -> Result<Host, Unsupported> {
        let mut host = Host::default();
        host.scan(src)?;
        Ok(host)
    }

    /// The `<host>` element; `src` is the text indexed.
    pub fn root<'t>(&'t self, src: &'t str) -> Node<'t> {
        Node {
            host: self,
            src,
            index: 0,
        }
    }

    fn scan(&mut self, src: &str) -> Result<(), Unsupported> {
        self.elements.clear();
        self.attributes.clear();
        let b = src.as_bytes();
        let mut i = 0usize;
        // Open elements: index, and whether their first child is still to come.
        let mut open: Vec<(u32, bool)> = Vec::with_capacity(16);
        // Last closed child of each open element, to link siblings.
        let mut last_child: Vec<u32> = Vec::with_capacity(16);
        let mut done = false;
        while i < b.len() {
            if b[i] != b'<' {
                // Text: only inside the element.
                let end = memchr::memchr(b'<', &b[i..]).map_or(b.len(), |n| i + n);
                let Some(&mut (parent, ref mut first)) = open.last_mut() else {
                    return Err(Unsupported);
                };
                let plain = check_chars(&b[i..end], false)?;
                if *first {
                    self.elements[parent as usize].text = Some(Value {
                        span: Span::new(i..end),
                        plain,
                    });
                }
                *first = false;
                i = end;
                continue;
            }
            if done {
                return Err(Unsupported);
            }
            match b.get(i + 1) {
                Some(b'/') => {
                    let start = i + 2;
                    let mut n = start;
                    while n < b.len() && is_name_byte(b[n]) {
                        n += 1;
                    }
                    let name = &src[start..n];
                    while n < b.len() && is_space(b[n]) {
                        n += 1;
                    }
                    if b.get(n) != Some(&b'>') {
                        return Err(Unsupported);
                    }
                    let (index, _) = open.pop().ok_or(Unsupported)?;
                    last_child.pop();
                    if self.elements[index as usize].name.of(src) != name {
                        return Err(Unsupported);
                    }
                    self.close(index, &mut last_child);
                    done = open.is_empty();
                    i = n + 1;
                }
                Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                    let start = i + 1;
                    let mut n = start;
                    while n < b.len() && is_name_byte(b[n]) {
                        n += 1;
                    }
                    let name = Span::new(start..n);
                    let attrs_start = self.attributes.len();
                    // Attributes: `space name space? = space? "value"`, names unique.
                    loop {
                        let mut m = n;
                        while m < b.len() && is_space(b[m]) {
                            m += 1;
                        }
                        match b.get(m) {
                            Some(b'>') | Some(b'/') => {
                                n = m;
                                break;
                            }
                            Some(c) if m > n && (c.is_ascii_alphabetic() || *c == b'_') => {}
                            _ => return Err(Unsupported),
                        }
                        let an = m;
                        while m < b.len() && is_name_byte(b[m]) {
                            m += 1;
                        }
                        let aname = &src[an..m];
                        let aname_span = Span::new(an..m);
                        if aname.starts_with("xmlns")
                            || self.attributes[attrs_start..]
                                .iter()
                                .any(|(k, _)| k.holds(b, aname.as_bytes()))
                        {
                            return Err(Unsupported);
                        }
                        while m < b.len() && is_space(b[m]) {
                            m += 1;
                        }
                        if b.get(m) != Some(&b'=') {
                            return Err(Unsupported);
                        }
                        m += 1;
                        while m < b.len() && is_space(b[m]) {
                            m += 1;
                        }
                        let quote = match b.get(m) {
                            Some(q @ (b'"' | b'\'')) => *q,
                            _ => return Err(Unsupported),
                        };
                        let vs = m + 1;
                        let ve = memchr::memchr(quote, &b[vs..]).ok_or(Unsupported)? + vs;
                        let plain = check_chars(&b[vs..ve], true)?;
                        self.attributes.push((
                            aname_span,
                            Value {
                                span: Span::new(vs..ve),
                                plain,
                            },
                        ));
                        n = ve + 1;
                    }
                    let empty = match (b.get(n), b.get(n + 1)) {
                        (Some(b'>'), _) => false,
                        (Some(b'/'), Some(b'>')) => true,
                        _ => return Err(Unsupported),
                    };
                    if let Some((_, first)) = open.last_mut() {
                        *first = false;
                    } else if !self.elements.is_empty() {
                        return Err(Unsupported);
                    }
                    let index = self.elements.len() as u32;
                    self.elements.push(Element {
                        name,
                        attributes: (attrs_start as u32, self.attributes.len() as u32),
                        text: None,
                        offset: i as u32,
                        next_sibling: NONE,
                        end: index + 1,
                    });
                    if empty {
                        self.close(index, &mut last_child);
                        done = open.is_empty();
                        i = n + 2;
                    } else {
                        open.push((index, true));
                        last_child.push(NONE);
                        i = n + 1;
                    }
                }
                // A comment: a child that is not text (text after it is not the first).
                Some(b'!') if b[i..].starts_with(b"<!--") => {
                    let body = i + 4;
                    let end = memchr::memmem::find(&b[body..], b"-->").ok_or(Unsupported)? + body;
                    let text = &b[body..end];
                    if memchr::memmem::find(text, b"--").is_some()
                        || text.ends_with(b"-")
                        || text
                            .iter()
                            .any(|c| *c < 0x20 && !matches!(c, b'\t' | b'\n'))
                        || memchr::memchr(0xEF, text).is_some()
                    {
                        return Err(Unsupported);
                    }
                    let (_, first) = open.last_mut().ok_or(Unsupported)?;
                    *first = false;
                    i = end + 3;
                }
                // CDATA, processing instructions, DTD, stray `<`.
                _ => return Err(Unsupported),
            }
        }
        if !done || !open.is_empty() {
            return Err(Unsupported);
        }
        Ok(())
    }

    /// Closes element `index`: its descendants end here, and it follows its previous
    /// sibling.
    fn close(&mut self, index: u32, last_child: &mut [u32]) {
        self.elements[index as usize].end = self.elements.len() as u32;
        if let Some(prev) = last_child.last_mut() {
            if *prev != NONE {
                self.elements[*prev as usize].next_sibling = index;
            }
            *prev = index;
        }
    }
}

impl<'t> Node<'t> {
    fn data(&self) -> &'t Element {
        &self.host.elements[self.index as usize]
    }
}

impl<'t> XNode<'t> for Node<'t> {
    fn name(&self) -> &'t str {
        self.data().name.of(self.src)
    }
    fn attribute(&self, key: &str) -> Option<Cow<'t, str>> {
        let (from, to) = self.data().attributes;
        let src = self.src;
        self.host.attributes[from as usize..to as usize]
            .iter()
            .find(|(k, _)| k.holds(src.as_bytes(), key.as_bytes()))
            .map(|(_, v)| v.read(src, true))
    }
    fn text(&self) -> Option<Cow<'t, str>> {
        self.data().text.map(|t| t.read(self.src, false))
    }
    fn elements(self) -> impl Iterator<Item = Self> {
        let (host, src) = (self.host, self.src);
        let d = self.data();
        let mut next = if d.end > self.index + 1 {
            self.index + 1
        } else {
            NONE
        };
        std::iter::from_fn(move || {
            if next == NONE {
                return None;
            }
            let n = Node {
                host,
                src,
                index: next,
            };
            next = host.elements[next as usize].next_sibling;
            Some(n)
        })
    }
    fn descendants(self) -> impl Iterator<Item = Self> {
        let (host, src) = (self.host, self.src);
        (self.index..self.data().end).map(move |index| Node { host, src, index })
    }
    fn offset(&self) -> usize {
        self.data().offset as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a, N: XNode<'a>>(root: N) -> Vec<String> {
        root.descendants()
            .map(|n| {
                let attrs: Vec<String> = ["id", "key", "output", "a"]
                    .iter()
                    .filter_map(|k| n.attribute(k).map(|v| format!("{k}={v:?}")))
                    .collect();
                format!(
                    "{}@{} [{}] text={:?} children={:?}",
                    n.name(),
                    n.offset(),
                    attrs.join(","),
                    n.text(),
                    n.elements().map(|c| c.name()).collect::<Vec<_>>()
                )
            })
            .collect()
    }

    fn same_as_roxmltree(src: &str) {
        let h = Host::index(src).unwrap_or_else(|_| panic!("unsupported: {src}"));
        let doc = roxmltree::Document::parse(src).unwrap();
        assert_eq!(texts(h.root(src)), texts(doc.root_element()), "{src}");
        let again = Host::with_index(src, |r| texts(r)).unwrap();
        assert_eq!(again, texts(doc.root_element()), "{src}");
    }

    #[test]
    fn reads_like_roxmltree() {
        same_as_roxmltree("<host/>");
        same_as_roxmltree(
            "<host a='1'>\n<script id=\"x\" output=\"a&#xa;b&amp;c\td\ne &lt;&gt;&quot;&apos;&#9;\">t&amp;u<elem key=\"k\">v &#233;</elem>tail<table key = 'w'><elem/></table></script><empty></empty><c><!-- x -->y</c><d>z<!-- x -->w</d></host>",
        );
        same_as_roxmltree("<host>\n  <ports >\n<port/>\n</ports>\n</host >");
    }

    #[test]
    fn gives_up_outside_the_subset() {
        for src in [
            "<host><!-- a--b --></host>",
            "<!-- c --><host/>",
            "<host><![CDATA[x]]></host>",
            "<host><?pi?></host>",
            "<host a=\"&c;\"/>",
            "<host>&c;</host>",
            "<host>&#0;</host>",
            "<host>&#xD800;</host>",
            "<host>a\rb</host>",
            "<host a='1' a='2'/>",
            "<host x:a='1'/>",
            "<x:host/>",
            "<host xmlns='u'/>",
            "<host><a></b></host>",
            "<host><a></host>",
            "<host a='<'/>",
            "<host>]]></host>",
            "<host a=1/>",
            "<host a='1'b='2'/>",
            "<host/><host/>",
            "<host>\u{1}</host>",
            "<host>\u{FFFE}</host>",
            "<host></host>x",
        ] {
            assert_eq!(Host::index(src).err(), Some(Unsupported), "{src}");
        }
    }
}
