//! French labels of the enumerations, loaded from `labels.yaml` (data, not code, so that
//! a DPO can correct a label without touching Rust).

use super::model::*;
use super::stewardship::{
    EnergyMethod, ExportFormat, HostingEnergyCommitment, OpenLicence, SovereigntyCommitment,
    TakeBack, UpdateFrequency,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Every enumeration of the format: its name in `labels.yaml` and its values.
pub const ENUMS: &[(&str, &[&str])] = &[
    ("legal_framework", LegalFramework::ALL),
    ("controller_type", ControllerType::ALL),
    ("legal_basis", LegalBasisKind::ALL),
    ("art9_exception", Art9Exception::ALL),
    ("data_subject", DataSubject::ALL),
    ("data_category", DataCategoryKind::ALL),
    ("identifying", Identifying::ALL),
    ("retention_trigger", RetentionTrigger::ALL),
    ("final_disposition", FinalDisposition::ALL),
    ("special_category", SpecialCategory::ALL),
    ("source_kind", SourceKind::ALL),
    ("recipient_type", RecipientType::ALL),
    ("hosting_certification", HostingCertification::ALL),
    ("transfer_mechanism", TransferMechanism::ALL),
    ("authentication", Authentication::ALL),
    ("device_identity", DeviceIdentity::ALL),
    ("hosting_location", HostingLocation::ALL),
    ("dpia_required", DpiaRequired::ALL),
    ("dpia_status", DpiaStatus::ALL),
    ("wp248_criterion", Wp248Criterion::ALL),
    ("scale", Scale::ALL),
    ("art22_exception", Art22Exception::ALL),
    ("purpose_kind", PurposeKind::ALL),
    ("ai_function", AiFunction::ALL),
    ("deployment_context", DeploymentContext::ALL),
    ("ai_risk_class", AiRiskClass::ALL),
    ("device_kind", DeviceKind::ALL),
    ("sensing", Sensing::ALL),
    ("information_item", InformationItem::ALL),
    ("csi_purpose", CsiPurpose::ALL),
    ("record_status", RecordStatus::ALL),
    ("ai_role", AiRole::ALL),
    ("fria_status", FriaStatus::ALL),
    ("art35_3", Art353::ALL),
    ("take_back", TakeBack::ALL),
    ("energy_method", EnergyMethod::ALL),
    ("hosting_energy_commitment", HostingEnergyCommitment::ALL),
    ("open_licence", OpenLicence::ALL),
    ("update_frequency", UpdateFrequency::ALL),
    ("export_format", ExportFormat::ALL),
    ("sovereignty_commitment", SovereigntyCommitment::ALL),
];

#[derive(Deserialize)]
struct LabelFile {
    enums: BTreeMap<String, BTreeMap<String, String>>,
}

/// Labels by enumeration, then by value.
pub fn all() -> &'static BTreeMap<String, BTreeMap<String, String>> {
    static LABELS: OnceLock<BTreeMap<String, BTreeMap<String, String>>> = OnceLock::new();
    LABELS.get_or_init(|| {
        serde_saphyr::from_str::<LabelFile>(include_str!("labels.yaml"))
            .map(|f| f.enums)
            .unwrap_or_default()
    })
}

/// The French label of `value` in enumeration `name`.
pub fn label(name: &str, value: &str) -> Option<&'static str> {
    all().get(name)?.get(value).map(String::as_str)
}

/// Adds the French labels to the enumerations of a JSON Schema (`enumDescriptions`,
/// which the YAML language server shows on completion).
pub fn describe_enums(schema: &mut serde_json::Value) {
    let Some(defs) = schema.get_mut("$defs").and_then(|d| d.as_object_mut()) else {
        return;
    };
    for def in defs.values_mut() {
        let Some(values) = def.get("enum").and_then(|e| e.as_array()) else {
            continue;
        };
        let values: Vec<&str> = values.iter().filter_map(|v| v.as_str()).collect();
        let Some((name, _)) = ENUMS.iter().find(|(_, all)| *all == values.as_slice()) else {
            continue;
        };
        let descs: Vec<serde_json::Value> = values
            .iter()
            .map(|v| label(name, v).unwrap_or("").into())
            .collect();
        if let Some(o) = def.as_object_mut() {
            o.insert("enumDescriptions".into(), descs.into());
        }
    }
}
