//! Processing records (GDPR Art. 30) written as YAML (`kind: processing_record`).
//!
//! Each file gives one `declaration` fact: the record as written (typed, see [`model`])
//! plus `derived` values computed here so that rules stay short: days since the last
//! review at the scan's "today", the WP248 criteria met, whether a DPIA is triggered...
//! Malformed files become notifications at `file:line:col` and the scan goes on.
//! Field positions are kept ([`spans`]) so a rule's `at:` can point a finding at the
//! offending line.

pub mod labels;
pub mod model;
mod plain;
pub mod spans;
pub mod stewardship;
pub mod templates;

use crate::artifact::Artifact;
use crate::facts::{Fact, FactData, Target};
use model::{
    AiFunction, DataCategoryKind, DataSubject, DeviceKind, Identifying, IsoDate, ProcessingRecord,
    Scale, Sensing,
};
use schemars::JsonSchema;
use serde::Serialize;
use spans::SpanIndex;
use std::sync::{Arc, OnceLock};
use time::Date;
use vigie_reports::{Location, LogicalLocation, Notification, NotificationLevel, Region};

use super::Extracted;

/// Options of the declaration extractor.
#[derive(Debug, Clone, Copy)]
pub struct DeclOptions {
    /// "Today" for time-based values.
    pub as_of: Date,
}

/// Whether a sample looks like a processing record: a top-level `kind: processing_record`.
pub fn sniff(sample: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(sample) else {
        // A sample may cut a UTF-8 sequence: retry on the valid prefix.
        let valid = std::str::from_utf8(sample)
            .err()
            .map(|e| e.valid_up_to())
            .unwrap_or(0);
        return sniff(&sample[..valid]);
    };
    text.lines().any(|l| {
        l.strip_prefix("kind:")
            .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\''))
            .is_some_and(|v| v == "processing_record" || v.starts_with("processing_record "))
    })
}

/// The JSON Schema of the format (`vigie schema declaration`): derived from the model,
/// every object closed (`additionalProperties: false`) except `x_*` extension keys.
pub fn json_schema() -> &'static serde_json::Value {
    static SCHEMA: OnceLock<serde_json::Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema = schemars::schema_for!(ProcessingRecord);
        let mut v = serde_json::to_value(&schema).unwrap_or(serde_json::Value::Null);
        close_objects(&mut v);
        labels::describe_enums(&mut v);
        v
    })
}

/// The keys [`json_schema`] allows, compiled once for the unknown-key check.
fn key_schema() -> &'static spans::KeySchema {
    static KEYS: OnceLock<spans::KeySchema> = OnceLock::new();
    KEYS.get_or_init(|| spans::KeySchema::compile(json_schema()))
}

fn close_objects(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(o) => {
            if o.contains_key("properties") {
                o.insert("additionalProperties".into(), false.into());
                o.insert("patternProperties".into(), serde_json::json!({ "^x_": {} }));
            }
            for (_, x) in o.iter_mut() {
                close_objects(x);
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// WP248 criteria, the Art. 35(3) cases and CNIL-list items met by a record, computed
/// from its fields (not from what it declares in `dpia.triggers`).
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct DpiaTriggersFound {
    /// WP248 criteria met (`C1`..`C9`).
    pub wp248: Vec<&'static str>,
    /// Art. 35(3) cases met (`a`, `b`, `c`).
    pub art35_3: Vec<&'static str>,
    /// CNIL list items met (11 biometrics, 14 large-scale location).
    pub cnil_list_items: Vec<u32>,
    /// A DPIA is required: an Art. 35(3) case, a CNIL item, or two WP248 criteria.
    pub required: bool,
}

/// Values computed from a record at the scan's date.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Derived {
    /// The scan's "today", YYYY-MM-DD.
    pub as_of: String,
    /// The controller is a public body (commune, EPCI, département, région, syndicat
    /// mixte, local public establishment).
    pub public_body: bool,
    /// Some data category is personal (not `non_personal` nor `anonymised`).
    pub personal_data: bool,
    /// Some device is in public space, or `risk_factors.public_space`.
    pub public_space: bool,
    /// Video is processed (a `video` category, a `video_protection` block, or a camera).
    pub video: bool,
    /// Longest retention of a video category, in days (-1 when none is numeric).
    pub video_retention_days: i64,
    /// Days since `record.last_review` (-1 when unknown).
    pub days_since_review: i64,
    /// Days since `dpia.date` (-1 when unknown).
    pub days_since_dpia: i64,
    /// The DPIA predates `record.last_substantial_change`.
    pub dpia_before_last_change: bool,
    /// Days until the prefectoral authorisation expires (negative: expired; absent: null).
    pub authorisation_days_left: Option<i64>,
    /// Days since the prefectoral authorisation was granted (null when unknown).
    pub authorisation_age_days: Option<i64>,
    /// Wi-Fi or Bluetooth identifiers are collected (`device_identifier` category or a
    /// sniffing sensor).
    pub mac_collection: bool,
    /// Location, video, audio, biometric, offence, health or special-category data.
    pub sensitive_data: bool,
    /// Every AI function of every system.
    pub ai_functions: Vec<AiFunction>,
    /// DPIA triggers computed from the fields.
    pub dpia_triggers: DpiaTriggersFound,
    /// Service life, support and eco-design dates ([`stewardship`]).
    pub sustainability: stewardship::StewardshipDerived,
}

/// The `declaration` fact: one processing record.
#[derive(Debug, Clone, Serialize)]
pub struct DeclarationFact {
    /// The record as written.
    #[serde(flatten)]
    pub record: ProcessingRecord,
    /// Values computed by Vigie.
    pub derived: Derived,
    /// Field positions.
    #[serde(skip)]
    pub spans: Arc<SpanIndex>,
}

impl DeclarationFact {
    /// Region of a field path (or of its deepest ancestor present in the file).
    pub fn locate(&self, path: &str) -> Option<Region> {
        self.spans.locate(path).map(|p| Region::Text {
            start_line: p.line,
            start_column: Some(p.column),
            end_line: None,
        })
    }
}

fn days(from: Option<Date>, to: Date) -> i64 {
    from.map(|d| (to - d).whole_days()).unwrap_or(-1)
}

/// Computes the derived values of a record.
pub fn derive(r: &ProcessingRecord, as_of: Date, spans: &SpanIndex) -> Derived {
    use model::ControllerType as C;
    let public_body = r.controller.kind.is_some_and(|k| {
        matches!(
            k,
            C::Commune
                | C::Epci
                | C::Departement
                | C::Region
                | C::SyndicatMixte
                | C::EtablissementPublicLocal
        )
    });
    let personal_data = r.data_categories.iter().any(|c| {
        !matches!(
            c.identifying,
            Some(Identifying::NonPersonal | Identifying::Anonymised)
        )
    });
    let public_space = r.risk_factors.public_space.unwrap_or(false)
        || r.devices.iter().any(|d| d.public_space == Some(true));
    let cams = r.devices.iter().any(|d| {
        matches!(
            d.kind,
            Some(DeviceKind::VideoCamera | DeviceKind::AnprCamera)
        ) || d.sensing.contains(&Sensing::Camera)
    });
    let video_cats: Vec<_> = r
        .data_categories
        .iter()
        .filter(|c| c.category == Some(DataCategoryKind::Video))
        .collect();
    let video = !video_cats.is_empty() || spans.has("video_protection") || cams;
    let video_retention_days = video_cats
        .iter()
        .filter_map(|c| match c.retention.duration_days.as_ref()? {
            model::Days::Days(n) => Some(*n),
            model::Days::Indefinite(_) => Some(i64::MAX),
        })
        .max()
        .unwrap_or(-1);
    let last_review = r.record.last_review.as_ref().and_then(IsoDate::date);
    let last_change = r
        .record
        .last_substantial_change
        .as_ref()
        .and_then(IsoDate::date);
    let dpia_date = r.dpia.date.as_ref().and_then(IsoDate::date);
    let auth = &r.video_protection.prefectoral_authorisation;
    let authorisation_days_left = auth
        .expires
        .as_ref()
        .and_then(IsoDate::date)
        .map(|e| (e - as_of).whole_days());
    let authorisation_age_days = auth
        .date
        .as_ref()
        .and_then(IsoDate::date)
        .map(|d| (as_of - d).whole_days());
    let sniffing = r.devices.iter().any(|d| {
        d.sensing
            .iter()
            .any(|s| matches!(s, Sensing::WifiSniffing | Sensing::BluetoothSniffing))
            || d.kind == Some(DeviceKind::WifiBluetoothCounter)
    });
    let mac_collection = sniffing
        || r.data_categories
            .iter()
            .any(|c| c.category == Some(DataCategoryKind::DeviceIdentifier));
    let cat = |k: DataCategoryKind| r.data_categories.iter().any(|c| c.category == Some(k));
    use DataCategoryKind as K;
    let sensitive_data = !r.special_categories.is_empty()
        || [
            K::Location,
            K::Video,
            K::Audio,
            K::Biometric,
            K::Offences,
            K::Health,
        ]
        .into_iter()
        .any(cat);
    let ai_functions: Vec<AiFunction> = {
        let mut v: Vec<AiFunction> = r
            .ai_system
            .systems
            .iter()
            .flat_map(|s| s.functions.iter().copied())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let dpia_triggers = dpia_triggers(r, public_space, mac_collection, &ai_functions);
    Derived {
        as_of: crate::engine::fmt_date(as_of),
        public_body,
        personal_data,
        public_space,
        video,
        video_retention_days,
        days_since_review: days(last_review, as_of),
        days_since_dpia: days(dpia_date, as_of),
        dpia_before_last_change: matches!((dpia_date, last_change), (Some(d), Some(c)) if d < c),
        authorisation_days_left,
        authorisation_age_days,
        mac_collection,
        sensitive_data,
        ai_functions,
        dpia_triggers,
        sustainability: stewardship::derive(r, as_of),
    }
}

/// Estimated data subjects from which Vigie counts a processing as large scale (WP248
/// C5) when `risk_factors.scale` is not given. WP248 gives no number; this one is
/// Vigie's choice, stated so that it can be discussed.
pub const LARGE_SCALE_SUBJECTS: u64 = 10_000;

fn dpia_triggers(
    r: &ProcessingRecord,
    public_space: bool,
    mac_collection: bool,
    ai: &[AiFunction],
) -> DpiaTriggersFound {
    use AiFunction as F;
    let rf = &r.risk_factors;
    let ad = &r.automated_decision;
    let cat = |k: DataCategoryKind| r.data_categories.iter().any(|c| c.category == Some(k));
    let monitoring_sensor = r.devices.iter().any(|d| {
        d.public_space == Some(true)
            && (d.sensing.iter().any(|s| {
                matches!(
                    s,
                    Sensing::Camera
                        | Sensing::WifiSniffing
                        | Sensing::BluetoothSniffing
                        | Sensing::Microphone
                )
            }) || matches!(
                d.kind,
                Some(
                    DeviceKind::VideoCamera
                        | DeviceKind::AnprCamera
                        | DeviceKind::WifiBluetoothCounter
                )
            ))
    });
    let biometric = cat(DataCategoryKind::Biometric)
        || r.special_categories
            .contains(&model::SpecialCategory::BiometricIdentification)
        || ai.iter().any(|f| {
            matches!(
                f,
                F::RemoteBiometricIdentification
                    | F::BiometricCategorisation
                    | F::EmotionRecognition
            )
        });
    let location = cat(DataCategoryKind::Location) || mac_collection;
    let c1 = rf.profiling == Some(true)
        || ad.profiling == Some(true)
        || ai.iter().any(|f| {
            matches!(
                f,
                F::SocialScoring | F::CrimeRiskPredictionIndividual | F::EligibilityAssessment
            )
        });
    let c2 = ad.legal_or_similar_effect == Some(true) && ad.individual_decisions == Some(true);
    let c3 = rf.systematic_monitoring == Some(true) || (public_space && monitoring_sensor);
    let c4 = !r.special_categories.is_empty()
        || biometric
        || location
        || [
            DataCategoryKind::Offences,
            DataCategoryKind::Health,
            DataCategoryKind::EconomicSituation,
        ]
        .into_iter()
        .any(cat);
    let c5 = rf.scale == Some(Scale::Large)
        || (rf.scale.is_none()
            && rf
                .estimated_data_subjects
                .is_some_and(|n| n >= LARGE_SCALE_SUBJECTS));
    let c6 = rf.combines_datasets == Some(true);
    let c7 = rf.vulnerable_subjects == Some(true)
        || r.data_subjects.iter().any(|s| {
            matches!(
                s,
                DataSubject::Minors
                    | DataSubject::Employees
                    | DataSubject::Patients
                    | DataSubject::Elderly
                    | DataSubject::VulnerablePersons
            )
        });
    let c8 = rf.innovative_technology == Some(true) || r.ai_system.used == Some(true) || biometric;
    let c9 = ad.denies_service == Some(true);
    let mut out = DpiaTriggersFound::default();
    for (on, code) in [
        (c1, "C1"),
        (c2, "C2"),
        (c3, "C3"),
        (c4, "C4"),
        (c5, "C5"),
        (c6, "C6"),
        (c7, "C7"),
        (c8, "C8"),
        (c9, "C9"),
    ] {
        if on {
            out.wp248.push(code);
        }
    }
    if c1 && c2 {
        out.art35_3.push("a");
    }
    if c5 && (!r.special_categories.is_empty() || cat(DataCategoryKind::Offences) || biometric) {
        out.art35_3.push("b");
    }
    if c3 && c5 && public_space {
        out.art35_3.push("c");
    }
    if biometric {
        out.cnil_list_items.push(11);
    }
    if location && c5 {
        out.cnil_list_items.push(14);
    }
    out.required =
        !out.art35_3.is_empty() || !out.cnil_list_items.is_empty() || out.wp248.len() >= 2;
    out
}

fn note(uri: &str, code: &str, line: u32, column: u32, message: String) -> Notification {
    Notification {
        level: NotificationLevel::Error,
        code: code.to_string(),
        message,
        location: Some(Location {
            uri: uri.to_string(),
            artifact: None,
            region: (line > 0).then_some(Region::Text {
                start_line: line,
                start_column: Some(column.max(1)),
                end_line: None,
            }),
            logical: None,
        }),
        rule_id: None,
    }
}

/// First line of a serde-saphyr error, without its own position prefix (the position is
/// in the notification's region).
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let full = e.to_string();
    let first = full.lines().next().unwrap_or(&full);
    let first = first.strip_prefix("error: ").unwrap_or(first);
    match first.split_once(": ") {
        Some((pos, rest)) if pos.starts_with("line ") && pos.contains(" column ") => rest,
        _ => first,
    }
    .to_string()
}

/// Parses one record. Errors are notifications at the offending position.
pub fn parse(
    uri: &str,
    text: &str,
    as_of: Date,
) -> Result<(DeclarationFact, Vec<Notification>), Box<Notification>> {
    parse_masked(uri, text, crate::targets::secret::redact(text), as_of)
}

/// [`parse`] of `text` whose secrets are masked in `redacted` (`None`: it has none).
fn parse_masked(
    uri: &str,
    text: &str,
    redacted: Option<String>,
    as_of: Date,
) -> Result<(DeclarationFact, Vec<Notification>), Box<Notification>> {
    // A secret written in a field (`source_code_url: https://user:token@...`) reaches
    // facts and reports only masked; the secret rules report it from the raw text.
    let text = redacted.as_deref().unwrap_or(text);
    // One pass over the text gives positions and values; the typed model is read from
    // the values. Anything that pass declines or the model refuses is read again by
    // serde-saphyr, whose errors carry the position and the expected type.
    let fast = spans::one_pass::<ProcessingRecord>(text).map(|(tree, r)| (r, tree));
    let (mut record, tree) = match fast {
        Some(x) => x,
        None => {
            let record: ProcessingRecord = serde_saphyr::from_str(text).map_err(|e| {
                let (line, column) = e
                    .location()
                    .map(|l| (l.line() as u32, l.column() as u32))
                    .unwrap_or((0, 0));
                note(
                    uri,
                    "invalid-declaration",
                    line,
                    column,
                    format!("invalid processing record: {}", yaml_message(&e)),
                )
            })?;
            (record, spans::positioned(text))
        }
    };
    record.assign_paths();
    let mut notes = Vec::new();
    for u in spans::unknown_keys(&tree, key_schema()) {
        notes.push(note(
            uri,
            "unknown-declaration-key",
            u.pos.line,
            u.pos.column,
            format!(
                "unknown key `{}` (extensions start with `x_`); expected one of: {}",
                u.path,
                u.expected.join(", ")
            ),
        ));
    }
    let spans = Arc::new(SpanIndex::build(tree));
    let derived = derive(&record, as_of, &spans);
    Ok((
        DeclarationFact {
            record,
            derived,
            spans,
        },
        notes,
    ))
}

/// Extracts the `declaration` fact of one file; `content` holds what the secret scan
/// found in it ([`crate::targets::content_facts`]), whose secrets are masked in the fact.
pub fn extract(artifact: &Artifact, opts: &DeclOptions, content: &[Fact]) -> Extracted {
    let mut out = Extracted::default();
    let uri = artifact.path.to_string();
    let text = match std::str::from_utf8(&artifact.bytes) {
        Ok(t) => t,
        Err(e) => {
            out.notifications.push(note(
                &uri,
                "invalid-declaration",
                0,
                0,
                format!("processing record is not UTF-8 text: {e}"),
            ));
            return out;
        }
    };
    let redacted = crate::targets::secret::redact_with(text, content);
    match parse_masked(&uri, text, redacted, opts.as_of) {
        Err(n) => out.notifications.push(*n),
        Ok((fact, notes)) => {
            out.notifications.extend(notes);
            let id = fact.record.id.clone();
            let region = fact.locate("id");
            out.facts.push(Fact {
                target: Target::Declaration,
                location: Location {
                    uri: uri.clone(),
                    artifact: None,
                    region,
                    logical: Some(LogicalLocation {
                        name: id.clone(),
                        fully_qualified_name: format!("declaration:{id}"),
                        kind: "object".into(),
                    }),
                },
                identity: format!("declaration:{id}"),
                data: FactData::Declaration(Box::new(fact)),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests;
