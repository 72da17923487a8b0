// Optional nightly support behind a cargo feature is fine.
// ok: SRC-020
#![cfg_attr(feature = "nightly", feature(doc_cfg))]
// ok: SRC-020
#![forbid(unsafe_code)]

#[cfg(feature = "serde")]
pub fn f() {}
