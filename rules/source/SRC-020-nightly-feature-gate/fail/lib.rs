// ruleid: SRC-020
#![feature(never_type, let_chains)]

pub fn f() {}
