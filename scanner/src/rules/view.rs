//! One top-level field of a fact, as a CEL value, without walking the others.
//!
//! [`super::values::fields`] serialises a whole fact and keeps the fields asked for: to
//! read one variable of a service (`port`), it still visits its forty-odd fields. Rules
//! evaluated on hundreds of thousands of hosts and ports read a variable at a time, so
//! the facts read most (hosts and services) name their fields here and convert only the
//! one asked for, with the same serialiser: the values are the same by construction (a
//! test checks every field of the fixtures' facts against the whole-fact path).

use super::values::{Error, Want, convert, fields};
use crate::facts::FactData;
use crate::targets::service::{HostFact, ServiceFact};
use cel::Value;

/// Converts the top-level field `name` of a fact as `want` says: `None` when this fact
/// kind does not list its fields here or has no such field (the caller then walks the
/// whole fact, which gives the answer for fields not listed).
pub fn top_field(data: &FactData, name: &str, want: Want<'_>) -> Option<Result<Value, Error>> {
    let converted = match data {
        FactData::Service(s) => service_field(s, name, want),
        FactData::Host(h) => host_field(h, name, want),
        _ => None,
    }?;
    // `convert` gives `None` only for `Want::No`, which callers never ask for here.
    Some(converted.and_then(|v| v.ok_or_else(|| Error::new("field not wanted"))))
}

/// A `match` from the field names of a service to `$f(&field, $arg)`.
macro_rules! service_match {
    ($s:expr, $name:expr, $f:ident, $arg:expr) => {
        field_match!(
            $s,
            $name,
            $f,
            $arg,
            [
                address,
                hostnames,
                host_private,
                endpoint,
                protocol,
                port,
                state,
                reason,
                name,
                product,
                version,
                extrainfo,
                tunnel,
                method,
                conf,
                devicetype,
                cpe,
                tls,
                host_open_ports,
                script_ids,
                scripts,
                ssl,
                certificate_sha256,
                ssh,
                ssh_hostkeys,
                ssh_protocol_1,
                http,
                snmp,
                modbus,
                bacnet,
                mqtt,
                rtsp,
                upnp,
                smb,
                ntp_monlist,
                dns_recursion,
                vulners,
                vulners_max_cvss,
                banner,
                ftp_anonymous,
                vnc_no_auth,
                default_credentials,
                previous_scan_compared,
                new_since_previous_scan
            ]
        )
    };
}

/// A `match` from the field names of a host to `$f(&field, $arg)`.
macro_rules! host_match {
    ($h:expr, $name:expr, $f:ident, $arg:expr) => {
        field_match!(
            $h,
            $name,
            $f,
            $arg,
            [
                address,
                addresses,
                mac,
                mac_vendor,
                hostnames,
                status,
                status_reason,
                private_address,
                os_matches,
                start_time,
                end_time,
                open_ports,
                scripts,
                previous_scan_compared,
                new_since_previous_scan
            ]
        )
    };
}

/// A `match` from field names to `$f` on the field, for the fields listed.
macro_rules! field_match {
    ($fact:expr, $name:expr, $f:ident, $arg:expr, [$($field:ident),* $(,)?]) => {
        match $name {
            $(stringify!($field) => Some($f(&$fact.$field, $arg)),)*
            _ => None,
        }
    };
}

fn service_field(
    s: &ServiceFact,
    name: &str,
    want: Want<'_>,
) -> Option<Result<Option<Value>, Error>> {
    service_match!(s, name, convert, want)
}

fn host_field(h: &HostFact, name: &str, want: Want<'_>) -> Option<Result<Option<Value>, Error>> {
    host_match!(h, name, convert, want)
}

/// The field `sub` of `value` converted alone, when `value` is a struct or a map
/// (`Ok(None)` when it has no such field or is a scalar).
fn field_of<T: serde::Serialize + ?Sized>(value: &T, sub: &str) -> Result<Option<Value>, Error> {
    let only = |k: &str| if k == sub { Want::Whole } else { Want::No };
    Ok(fields(value, &only)?.pop().map(|(_, v)| v))
}

/// The field `sub` of the top-level field `name` of a fact, converted alone (without
/// the other fields of `name`): what the map [`top_field`] gives for `name` holds at
/// `sub`. `Some(Ok(None))` when `name` is a scalar or has no field `sub`; `None` when
/// this fact kind does not list its fields here or has no field `name`; an error when
/// `name` is a list (and the caller then selects in the value of `name`).
pub fn sub_field(data: &FactData, name: &str, sub: &str) -> Option<Result<Option<Value>, Error>> {
    match data {
        FactData::Service(s) => service_match!(s, name, field_of, sub),
        FactData::Host(h) => host_match!(h, name, field_of, sub),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{ScanOptions, extract, parse_date};
    use std::path::PathBuf;

    /// Every field of every host and service of the nmap fixtures, converted alone, is
    /// the field the whole-fact walk gives; and every field that walk gives is listed
    /// here (a field added to the facts must be added to the lists above).
    #[test]
    fn each_field_alone_equals_the_whole_fact_walk() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let opts = ScanOptions {
            inputs: vec![
                root.join("fixtures/nmap"),
                root.join("fixtures/demo-territory/network"),
            ],
            as_of: parse_date("2026-11-28").unwrap(),
            p12_passwords: Vec::new(),
            jobs: 1,
            discover: Default::default(),
            no_suppressions: true,
            previous_scan: None,
        };
        let facts = extract(&opts).facts;
        let mut compared = 0;
        for fact in &facts {
            if !matches!(fact.data, FactData::Service(_) | FactData::Host(_)) {
                continue;
            }
            let whole = super::super::values::fields(&fact.data, &|_| Want::Whole).unwrap();
            assert!(!whole.is_empty());
            for (name, value) in whole {
                let alone = top_field(&fact.data, &name, Want::Whole)
                    .unwrap_or_else(|| panic!("field `{name}` is not listed"))
                    .unwrap();
                assert_eq!(alone, value, "{name}");
                compared += 1;
                // Each field of it, read alone, is the field of the value.
                let sub = sub_field(&fact.data, &name, "no_such_sub").unwrap();
                match &value {
                    Value::Map(m) => {
                        assert!(matches!(sub, Ok(None)), "{name}");
                        for (k, v) in m.map.iter() {
                            let cel::objects::Key::String(k) = k else {
                                continue;
                            };
                            let alone = sub_field(&fact.data, &name, k).unwrap().unwrap();
                            assert_eq!(alone.as_ref(), Some(v), "{name}.{k}");
                            compared += 1;
                        }
                    }
                    // Not a map: nothing to select (an error for a list).
                    Value::List(_) => assert!(sub.is_err(), "{name}"),
                    _ => assert!(matches!(sub, Ok(None)), "{name}"),
                }
            }
            assert!(top_field(&fact.data, "no_such_field", Want::Whole).is_none());
        }
        assert!(compared > 500, "{compared}");
    }
}
