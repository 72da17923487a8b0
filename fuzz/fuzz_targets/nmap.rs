//! nmap XML: the streaming splitter and the per-host parser. The splitter's fast walk and
//! quick-xml's walk must find the same hosts, lines and faults; every host is also read
//! by roxmltree, and both readings must give the same facts and notifications.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vigie::targets::Extracted;
use vigie::targets::service::{ServiceContext, extract, parse_host, parse_host_reference, stream};

/// Hosts (range, line), fault, run and bytes read of a splitter over `data`.
fn split(data: &[u8], mut splitter: stream::Splitter) -> (Vec<stream::HostSlice>, String) {
    let mut reader = data;
    let mut hosts = Vec::new();
    let mut seen = Vec::new();
    while let Some(h) = splitter.next_hosts(&mut reader) {
        for h in h {
            seen.push((h.range.clone(), h.line));
            hosts.push(h);
        }
    }
    let hash = splitter.finish_hash(&mut reader);
    let summary = format!(
        "{seen:?} {:?} {:?} {} {hash}",
        splitter.fault, splitter.run, splitter.bytes_read
    );
    (hosts, summary)
}

fuzz_target!(|data: &[u8]| {
    let ctx = ServiceContext::default();
    let _ = extract(data, "fuzz.xml", &ctx);
    let (hosts, fast) = split(data, stream::Splitter::new());
    let (_, reference) = split(data, stream::Splitter::reference());
    assert_eq!(fast, reference);
    for h in hosts {
        let Ok(text) = std::str::from_utf8(h.bytes()) else {
            continue;
        };
        let (mut new, mut old) = (Extracted::default(), Extracted::default());
        parse_host(&h, "fuzz.xml", &ctx, &mut new);
        parse_host_reference(text, &h, "fuzz.xml", &ctx, &mut old);
        let json = |x: &Extracted| serde_json::to_string(&(&x.facts, &x.notifications)).ok();
        assert_eq!(json(&new), json(&old), "{text}");
    }
});
