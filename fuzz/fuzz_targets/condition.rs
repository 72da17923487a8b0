//! CEL conditions and message templates: compiled, then evaluated on a certificate-like
//! fact, by the direct evaluator (falling back to the interpreter) and by the
//! interpreter alone: both must agree.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use vigie::rules::condition::{Expr, Scope, Template};

fn fact() -> &'static serde_json::Value {
    static FACT: OnceLock<serde_json::Value> = OnceLock::new();
    FACT.get_or_init(|| {
        serde_json::json!({
            "key": { "algorithm": "rsa", "bits": 1024 },
            "days_until_expiry": -3,
            "san": { "dns": ["*.mairie.example", "cam-01.local"], "ip": [] },
            "subject": "CN=cam-01.local,O=Ville",
            "self_signed": true,
            "version": "2.3.1",
            "ports": [22, 23, 80],
            "ratio": 0.5,
            "missing": null
        })
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let ctx = Scope::from_json(fact());
    if let Ok(e) = Expr::compile(src) {
        let combined = e.eval(&ctx);
        let reference = e.interpret(&ctx);
        match (&combined, &reference) {
            // NaN is not equal to itself: compare the printed values too.
            (Ok(a), Ok(b)) => assert!(a == b || format!("{a:?}") == format!("{b:?}"), "{src}"),
            (Err(_), Err(_)) => {}
            _ => panic!("{src}: {combined:?} vs {reference:?}"),
        }
    }
    if let Ok(t) = Template::compile(src) {
        let _ = t.render(&ctx);
    }
});
