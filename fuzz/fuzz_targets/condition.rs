//! CEL conditions and message templates: compiled, then evaluated on a certificate-like
//! fact.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use vigie::rules::condition::{Expr, Template, context_for};

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
    let ctx = context_for(fact());
    if let Ok(e) = Expr::compile(src) {
        let _ = e.eval_bool(&ctx);
    }
    if let Ok(t) = Template::compile(src) {
        let _ = t.render(&ctx);
    }
});
