//! nmap XML: the streaming splitter and the per-host parser. Every host is also read by
//! roxmltree, and both readings must give the same facts and notifications.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vigie::targets::Extracted;
use vigie::targets::service::{ServiceContext, extract, parse_host, parse_host_reference, stream};

fuzz_target!(|data: &[u8]| {
    let ctx = ServiceContext::default();
    let _ = extract(data, "fuzz.xml", &ctx);
    let mut splitter = stream::Splitter::new();
    let mut reader = data;
    while let Some(hosts) = splitter.next_hosts(&mut reader) {
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
    }
});
