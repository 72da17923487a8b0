//! The `sustainability` and `governance` blocks of a processing record, and the values
//! the `ECO-*` and `GOV-*` rules derive from them.
//!
//! Both blocks are optional: absent, every field is null or empty. They carry what a
//! collectivité can show about the ecological footprint of a deployment (service life,
//! supplier support, end of life, sobriety of the data flows, eco-design, the loi REEN
//! strategy) and about the stewardship of its data (sharing agreements, reversibility,
//! hosting). Facts recorded elsewhere in the record are not repeated here: the supplier's
//! support end is `security_measures.update_policy.support_until`, the hosting area
//! `security_measures.hosting_location`, the open-data publication `open_data`.

use super::model::{IsoDate, ProcessingRecord, labelled_enum};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::Date;

labelled_enum!(
    /// Who takes the devices back at end of life.
    TakeBack { Manufacturer = "manufacturer", EcoOrganisation = "eco_organisation",
    ReuseChannel = "reuse_channel", Collectivite = "collectivite", None = "none" });
labelled_enum!(
    /// How an energy figure was obtained.
    EnergyMethod { Measured = "measured", Estimated = "estimated", SupplierDatasheet = "supplier_datasheet" });
labelled_enum!(
    /// Energy commitment of the hosting provider.
    HostingEnergyCommitment { RenewableElectricity = "renewable_electricity", PueReported = "pue_reported",
    HeatReuse = "heat_reuse", EuCodeOfConductDataCentres = "eu_code_of_conduct_data_centres",
    Iso50001 = "iso_50001" });
labelled_enum!(
    /// Reuse licence of published data (CRPA D323-2-1).
    OpenLicence { LicenceOuverte2 = "licence_ouverte_2_0", Odbl = "odbl",
    OtherHomologated = "other_homologated", Other = "other", None = "none" });
labelled_enum!(
    /// Update frequency of published data.
    UpdateFrequency { RealTime = "real_time", Hourly = "hourly", Daily = "daily", Weekly = "weekly",
    Monthly = "monthly", Quarterly = "quarterly", Yearly = "yearly", Irregular = "irregular" });
labelled_enum!(
    /// Format in which the supplier returns the data.
    ExportFormat { Csv = "csv", Json = "json", Geojson = "geojson", Xml = "xml", Parquet = "parquet",
    Netcdf = "netcdf", SqlDump = "sql_dump", Proprietary = "proprietary" });
labelled_enum!(
    /// Sovereignty commitment of the hosting provider.
    SovereigntyCommitment { EuDataLocation = "eu_data_location",
    EuHeadquarters = "eu_headquarters", ImmuneExtraterritorialLaws = "immune_extraterritorial_laws",
    Secnumcloud = "secnumcloud" });

/// How the devices were sourced.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Sourcing {
    /// Share of refurbished devices, in percent.
    pub refurbished_share_percent: Option<u32>,
    /// Years during which the supplier sells spare parts.
    pub spare_parts_years: Option<u32>,
    /// Reparability index of the devices, out of 10, when one is published.
    pub reparability_index: Option<f64>,
}

/// End of life of the devices.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct EndOfLife {
    /// Who takes the devices back.
    pub take_back: Option<TakeBack>,
    /// Reference of the plan or contract clause.
    pub plan_ref: Option<String>,
}

/// Energy used by one device.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Energy {
    /// Watt-hours per day and device.
    pub per_device_wh_per_day: Option<f64>,
    /// How the figure was obtained.
    pub method: Option<EnergyMethod>,
}

/// How often the devices measure and send data, against what the purposes need.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Sampling {
    /// Seconds between two measurements.
    pub measurement_interval_seconds: Option<u32>,
    /// Seconds between two transmissions.
    pub transmission_interval_seconds: Option<u32>,
    /// Time resolution the declared purposes need, in seconds.
    pub needed_resolution_seconds: Option<u32>,
    /// Why this frequency, in plain words.
    pub justification: Option<String>,
}

/// Energy commitments of the hosting.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct HostingEnergy {
    /// Commitments.
    #[serde(default)]
    pub commitments: Vec<HostingEnergyCommitment>,
    /// Power usage effectiveness of the data centre.
    pub pue: Option<f64>,
}

/// Self-assessment against the RGESN (référentiel général d'écoconception de services
/// numériques).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Rgesn {
    /// Version of the référentiel (`2024`).
    pub version: Option<String>,
    /// Share of applicable criteria met, in percent.
    pub score_percent: Option<f64>,
    /// Date of the self-assessment.
    pub date: Option<IsoDate>,
    /// Eco-design statement or audit reference.
    pub reference: Option<String>,
}

/// The collectivité's responsible digital strategy (loi n° 2021-1485, art. 35).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ReenStrategy {
    /// The strategy covers this deployment.
    pub covers_deployment: Option<bool>,
    /// Reference of the strategy (deliberation).
    pub reference: Option<String>,
    /// Date of adoption.
    pub adopted: Option<IsoDate>,
}

/// Ecological transition: what the deployment costs the environment and how long it
/// lasts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Sustainability {
    /// Planned service life of the devices, in years from `processing.start_date`.
    pub planned_service_life_years: Option<u32>,
    /// Sourcing.
    #[serde(default)]
    pub sourcing: Sourcing,
    /// End of life.
    #[serde(default)]
    pub end_of_life: EndOfLife,
    /// Energy per device.
    #[serde(default)]
    pub energy: Energy,
    /// Sampling and transmission.
    #[serde(default)]
    pub sampling: Sampling,
    /// Hosting energy.
    #[serde(default)]
    pub hosting_energy: HostingEnergy,
    /// RGESN self-assessment.
    #[serde(default)]
    pub rgesn: Rgesn,
    /// Loi REEN responsible digital strategy.
    #[serde(default)]
    pub reen_strategy: ReenStrategy,
}

/// An agreement under which data is shared with a third party.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct SharingAgreement {
    /// Recipient, as named in `recipients`.
    pub recipient: Option<String>,
    /// Reference of the signed agreement.
    pub agreement_ref: Option<String>,
    /// Date signed.
    pub date: Option<IsoDate>,
    /// Data shared, in plain words.
    pub data: Option<String>,
    /// Path of this entry in the declaration (set by Vigie).
    #[serde(rename = "_path", skip_deserializing)]
    #[schemars(skip)]
    pub path: String,
}

/// Reversibility of the supplier contract: getting the data back at the end.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Reversibility {
    /// The contract has a reversibility clause.
    pub clause: Option<bool>,
    /// Contract reference.
    pub contract_ref: Option<String>,
    /// Formats in which the data is returned.
    #[serde(default)]
    pub export_formats: Vec<ExportFormat>,
    /// Days within which the data is returned.
    pub export_delay_days: Option<u32>,
}

/// Where the data is hosted and the provider's sovereignty commitments.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Hosting {
    /// Hosting provider.
    pub provider: Option<String>,
    /// Country of the data centres (ISO 3166 alpha-2).
    pub country: Option<String>,
    /// Commitments.
    #[serde(default)]
    pub sovereignty: Vec<SovereigntyCommitment>,
}

/// Data governance: who gets the data, on what terms, and how to take it back.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Governance {
    /// Agreements with third parties.
    #[serde(default)]
    pub sharing_agreements: Vec<SharingAgreement>,
    /// Reversibility.
    #[serde(default)]
    pub reversibility: Reversibility,
    /// Hosting.
    #[serde(default)]
    pub hosting: Hosting,
}

/// Values the `ECO-*` rules compare, computed at the scan's date.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StewardshipDerived {
    /// End of the planned service life: `processing.start_date` (or the scan's date when
    /// absent) plus `planned_service_life_years`; null when no life is declared.
    pub service_end: Option<String>,
    /// Days the devices are planned to run after the supplier's support ends (positive:
    /// unsupported days; null when either date is unknown).
    pub unsupported_days: Option<i64>,
    /// Days since the RGESN self-assessment (null when undated).
    pub rgesn_age_days: Option<i64>,
}

/// `date` plus `years` (29 February falls back to 28 February).
fn add_years(date: Date, years: u32) -> Option<Date> {
    let year = date.year().checked_add(i32::try_from(years).ok()?)?;
    date.replace_year(year)
        .ok()
        .or_else(|| date.replace_day(28).ok()?.replace_year(year).ok())
}

/// Computes the values of the `ECO-*` rules.
pub fn derive(r: &ProcessingRecord, as_of: Date) -> StewardshipDerived {
    let s = &r.sustainability;
    let start = r
        .processing
        .start_date
        .as_ref()
        .and_then(IsoDate::date)
        .unwrap_or(as_of);
    let service_end = s
        .planned_service_life_years
        .and_then(|y| add_years(start, y));
    let support_end = r
        .security_measures
        .update_policy
        .support_until
        .as_ref()
        .and_then(IsoDate::date);
    StewardshipDerived {
        service_end: service_end.map(crate::engine::fmt_date),
        unsupported_days: service_end
            .zip(support_end)
            .map(|(e, s)| (e - s).whole_days()),
        rgesn_age_days: s
            .rgesn
            .date
            .as_ref()
            .and_then(IsoDate::date)
            .map(|d| (as_of - d).whole_days()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse_date;

    fn record(extra: &str) -> ProcessingRecord {
        let text = format!("schema_version: \"1.0\"\nkind: processing_record\nid: t\n{extra}");
        serde_saphyr::from_str(&text).unwrap()
    }

    #[test]
    fn service_end_counts_from_the_start_date() {
        let r = record(
            "processing: {start_date: 2024-02-29}\nsecurity_measures: {update_policy: {support_until: 2030-12-31}}\nsustainability: {planned_service_life_years: 10}\n",
        );
        let d = derive(&r, parse_date("2026-11-28").unwrap());
        assert_eq!(d.service_end.as_deref(), Some("2034-02-28"));
        let gap =
            (parse_date("2034-02-28").unwrap() - parse_date("2030-12-31").unwrap()).whole_days();
        assert_eq!(d.unsupported_days, Some(gap));
        assert_eq!(d.rgesn_age_days, None);
    }

    #[test]
    fn without_a_start_the_scan_date_is_used_and_unknowns_stay_null() {
        let r =
            record("sustainability: {planned_service_life_years: 5, rgesn: {date: 2026-10-29}}\n");
        let d = derive(&r, parse_date("2026-11-28").unwrap());
        assert_eq!(d.service_end.as_deref(), Some("2031-11-28"));
        assert_eq!(d.unsupported_days, None);
        assert_eq!(d.rgesn_age_days, Some(30));
        let d = derive(&record(""), parse_date("2026-11-28").unwrap());
        assert_eq!(d.service_end, None);
    }

    #[test]
    fn blocks_are_strict_and_keep_positions() {
        let text = "schema_version: \"1.0\"\nkind: processing_record\nid: t\nsustainability:\n  rgesn:\n    date: 2020-01-01\n  sampling: {every: 5, x_note: ok}\ngovernance:\n  reversibility: {clause: true, export_formats: [pdf]}\n";
        let err = super::super::parse("t.yaml", text, parse_date("2026-11-28").unwrap())
            .err()
            .unwrap();
        assert!(err.message.contains("pdf"), "{}", err.message);
        let text = text.replace("[pdf]", "[csv]");
        let (f, notes) =
            super::super::parse("t.yaml", &text, parse_date("2026-11-28").unwrap()).unwrap();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].message.contains("sustainability.sampling.every"));
        let line = |p: &str| match f.locate(p) {
            Some(vigie_reports::Region::Text { start_line, .. }) => start_line,
            _ => 0,
        };
        assert_eq!(line("sustainability.rgesn.date"), 6);
        assert_eq!(line("governance.reversibility.export_formats"), 9);
        assert_eq!(f.derived.sustainability.rgesn_age_days, Some(2523));
    }
}
