//! Rules: the YAML format, loading, CEL conditions and fixture self-tests.

pub mod condition;
pub mod load;
pub mod native;
pub mod pack;
pub mod profile;
pub mod schema;
pub mod selftest;
pub mod values;
pub mod view;
