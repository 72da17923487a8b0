//! The processing-record format (`kind: processing_record`), strictly typed.
//!
//! Blocks `controller` … `security_measures` mirror GDPR Art. 30(1)(a)–(g); the others
//! carry what the ethics and cross-check rules need. Enumerations are Rust enums (their
//! French labels live in `labels.yaml`, checked against these enums by a test). Optional
//! scalars are `Option`s (null for rules when absent), blocks and lists default to empty,
//! so that a missing mandatory field is a finding (GDPR-001), not a parse error, and rule
//! conditions need no guard before reading `dpo.name`. Unknown keys are refused, except `x_*`
//! extensions, by [`super::spans::unknown_keys`] against the JSON Schema derived from
//! these types: that keeps the positions of the offending keys.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct IsoDate(pub String);

impl JsonSchema for IsoDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IsoDate".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
    }
}

impl IsoDate {
    /// The date, when it is a real one.
    pub fn date(&self) -> Option<time::Date> {
        crate::engine::parse_date(&self.0)
    }
}

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if crate::engine::parse_date(&s).is_none() {
            return Err(serde::de::Error::custom(format!(
                "invalid date `{s}`: expected a date YYYY-MM-DD"
            )));
        }
        Ok(IsoDate(s))
    }
}

impl Serialize for IsoDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A retention period in days, or an explicit "no limit" (itself a finding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Days {
    /// A number of days (0 with `trigger: event` means deletion right after the event).
    Days(i64),
    /// `indefinite`, `illimitée`, `unlimited`: no limit was set.
    Indefinite(String),
}

impl JsonSchema for Days {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Days".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"anyOf": [
            {"type": "integer"},
            {"type": "string", "enum": ["indefinite", "unlimited", "illimitée"]}
        ]})
    }
}

impl<'de> Deserialize<'de> for Days {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Days;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number of days or `indefinite`")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Days, E> {
                Ok(Days::Days(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Days, E> {
                Ok(Days::Days(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Days, E> {
                match v.to_lowercase().as_str() {
                    "indefinite" | "unlimited" | "illimitée" | "illimitee" => {
                        Ok(Days::Indefinite(v.to_string()))
                    }
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Days {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Days::Days(n) => s.serialize_i64(*n),
            Days::Indefinite(_) => s.serialize_str("indefinite"),
        }
    }
}

macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        // Values are documented by their French labels (`labels.yaml`); variant doc
        // comments would also turn the schema's plain `enum` into a `oneOf`.
        #[allow(missing_docs)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $text)] $variant,)+
        }
        impl $name {
            /// Every value, as written in declarations.
            pub const ALL: &'static [&'static str] = &[$($text),+];
        }
    };
}
pub(crate) use labelled_enum;

labelled_enum!(
    /// Legal framework: GDPR, or the "police-justice" directive (LIL title III).
    LegalFramework { Gdpr = "gdpr", PoliceJustice = "police_justice" });
labelled_enum!(
    /// Kind of controller.
    ControllerType { Commune = "commune", Epci = "epci", Departement = "departement",
    Region = "region", SyndicatMixte = "syndicat_mixte",
    EtablissementPublicLocal = "etablissement_public_local", Spl = "spl", Sem = "sem",
    Delegataire = "delegataire", Other = "other" });
labelled_enum!(
    /// Lawful basis, GDPR Art. 6(1).
    LegalBasisKind { Consent = "consent", Contract = "contract", LegalObligation = "legal_obligation",
    VitalInterests = "vital_interests", PublicTask = "public_task",
    LegitimateInterests = "legitimate_interests" });
labelled_enum!(
    /// Exception to the Art. 9(1) prohibition, GDPR Art. 9(2).
    Art9Exception { ExplicitConsent = "explicit_consent", EmploymentSocialLaw = "employment_social_law",
    VitalInterests = "vital_interests", NonProfitBody = "non_profit_body", MadePublic = "made_public",
    LegalClaims = "legal_claims", SubstantialPublicInterest = "substantial_public_interest",
    HealthCare = "health_care", PublicHealth = "public_health", ArchivingResearch = "archiving_research" });
labelled_enum!(
    /// Category of data subjects.
    DataSubject { Residents = "residents", PassersBy = "passers_by", Drivers = "drivers",
    VehicleHolders = "vehicle_holders", PublicTransportUsers = "public_transport_users",
    ServiceUsers = "service_users", Employees = "employees", Contractors = "contractors",
    Minors = "minors", Elderly = "elderly", Patients = "patients", Visitors = "visitors",
    VulnerablePersons = "vulnerable_persons" });
labelled_enum!(
    /// Category of personal data.
    DataCategoryKind { Identification = "identification", Contact = "contact",
    VehicleIdentifier = "vehicle_identifier", DeviceIdentifier = "device_identifier",
    NetworkIdentifier = "network_identifier", Location = "location", Video = "video",
    StillImage = "still_image", Audio = "audio", Biometric = "biometric", Behavioural = "behavioural",
    PresenceEvent = "presence_event", AggregateCount = "aggregate_count",
    EnergyConsumption = "energy_consumption", Payment = "payment",
    EconomicSituation = "economic_situation", Offences = "offences", Health = "health",
    Environmental = "environmental", Other = "other" });
labelled_enum!(
    /// How identifying a data category is.
    Identifying { Direct = "direct", Indirect = "indirect", Pseudonymised = "pseudonymised",
    Anonymised = "anonymised", NonPersonal = "non_personal" });
labelled_enum!(
    /// From when a retention period runs.
    RetentionTrigger { Collection = "collection", Event = "event", EndOfContract = "end_of_contract",
    EndOfProcedure = "end_of_procedure" });
labelled_enum!(
    /// What happens at the end of the retention period.
    FinalDisposition { Deletion = "deletion", Anonymisation = "anonymisation",
    IntermediateArchiving = "intermediate_archiving", DefinitiveArchiving = "definitive_archiving" });
labelled_enum!(
    /// Special category of data, GDPR Art. 9(1).
    SpecialCategory { RacialEthnicOrigin = "racial_ethnic_origin", PoliticalOpinions = "political_opinions",
    ReligiousBeliefs = "religious_beliefs", TradeUnionMembership = "trade_union_membership",
    Genetic = "genetic", BiometricIdentification = "biometric_identification", Health = "health",
    SexLifeOrientation = "sex_life_orientation" });
labelled_enum!(
    /// Where data comes from.
    SourceKind { Sensor = "sensor", Camera = "camera", DataSubject = "data_subject",
    AgentEntry = "agent_entry", ThirdParty = "third_party", OtherProcessing = "other_processing",
    OpenData = "open_data" });
labelled_enum!(
    /// Kind of recipient.
    RecipientType { InternalService = "internal_service", Processor = "processor",
    PoliceMunicipale = "police_municipale", PoliceGendarmerieNationale = "police_gendarmerie_nationale",
    JudicialAuthority = "judicial_authority", OtherPublicAuthority = "other_public_authority",
    ThirdParty = "third_party", Public = "public" });
labelled_enum!(
    /// Certification of a hosting provider.
    HostingCertification { Secnumcloud = "secnumcloud", Hds = "hds", Iso27001 = "iso27001", None = "none" });
labelled_enum!(
    /// Transfer mechanism, GDPR Art. 45–49.
    TransferMechanism { Adequacy = "adequacy", Dpf = "dpf", Scc = "scc", Bcr = "bcr",
    CodeOfConduct = "code_of_conduct", Certification = "certification", AdHocClauses = "ad_hoc_clauses",
    Derogation49 = "derogation_49", None = "none" });
labelled_enum!(
    /// How users authenticate.
    Authentication { None = "none", SharedPassword = "shared_password",
    IndividualPassword = "individual_password", Mfa = "mfa", Certificate = "certificate" });
labelled_enum!(
    /// How devices prove their identity.
    DeviceIdentity { None = "none", SharedSecret = "shared_secret", PerDevicePassword = "per_device_password",
    PerDeviceKey = "per_device_key", UniquePerDeviceCertificate = "unique_per_device_certificate" });
labelled_enum!(
    /// Where the data is hosted.
    HostingLocation { OnPremises = "on_premises", EeaCloud = "eea_cloud", NonEeaCloud = "non_eea_cloud" });
labelled_enum!(
    /// Whether a DPIA is required, per the controller.
    DpiaRequired { Yes = "yes", No = "no", ToAssess = "to_assess" });
labelled_enum!(
    /// State of the DPIA.
    DpiaStatus { NotStarted = "not_started", InProgress = "in_progress", Done = "done",
    NotRequired = "not_required" });
labelled_enum!(
    /// EDPB WP248 criterion.
    Wp248Criterion { C1 = "C1", C2 = "C2", C3 = "C3", C4 = "C4", C5 = "C5", C6 = "C6", C7 = "C7",
    C8 = "C8", C9 = "C9" });
labelled_enum!(
    /// Scale of the processing.
    Scale { Small = "small", Medium = "medium", Large = "large" });
labelled_enum!(
    /// Exception to the Art. 22(1) prohibition.
    Art22Exception { Contract = "contract", Law = "law", ExplicitConsent = "explicit_consent", None = "none" });
labelled_enum!(
    /// Kind of purpose.
    PurposeKind { PublicSafety = "public_safety", TrafficManagement = "traffic_management",
    ParkingManagement = "parking_management", ParkingEnforcement = "parking_enforcement",
    CountingStatistics = "counting_statistics", EnvironmentMonitoring = "environment_monitoring",
    EnergyManagement = "energy_management", Lighting = "lighting", WasteManagement = "waste_management",
    CitizenServices = "citizen_services", Tourism = "tourism", Maintenance = "maintenance" });
labelled_enum!(
    /// What an AI system does.
    AiFunction { ObjectDetection = "object_detection", VehicleCounting = "vehicle_counting",
    PeopleCounting = "people_counting", Anpr = "anpr",
    RemoteBiometricIdentification = "remote_biometric_identification",
    BiometricCategorisation = "biometric_categorisation", EmotionRecognition = "emotion_recognition",
    AbnormalEventDetection = "abnormal_event_detection", AudioEventDetection = "audio_event_detection",
    SocialScoring = "social_scoring", CrimeRiskPredictionIndividual = "crime_risk_prediction_individual",
    FaceDatabaseFromCctv = "face_database_from_cctv", EligibilityAssessment = "eligibility_assessment",
    TrafficControl = "traffic_control", EnergyOptimisation = "energy_optimisation", Chatbot = "chatbot",
    Forecasting = "forecasting" });
labelled_enum!(
    /// Where an AI system is used.
    DeploymentContext { PublicSpace = "public_space", Workplace = "workplace", Education = "education",
    Internal = "internal" });
labelled_enum!(
    /// AI Act risk class.
    AiRiskClass { Prohibited = "prohibited", High = "high", Limited = "limited", Minimal = "minimal" });
labelled_enum!(
    /// Kind of device.
    DeviceKind { VideoCamera = "video_camera", AnprCamera = "anpr_camera", Nvr = "nvr",
    ParkingSensor = "parking_sensor", PeopleCounter = "people_counter",
    WifiBluetoothCounter = "wifi_bluetooth_counter", TrafficCounter = "traffic_counter",
    TrafficSignalController = "traffic_signal_controller", AirQualitySensor = "air_quality_sensor",
    NoiseSensor = "noise_sensor", SmartMeter = "smart_meter", StreetlightController = "streetlight_controller",
    WasteSensor = "waste_sensor", LorawanGateway = "lorawan_gateway", HandheldTerminal = "handheld_terminal",
    Kiosk = "kiosk", Other = "other" });
labelled_enum!(
    /// What a device senses.
    Sensing { Camera = "camera", Microphone = "microphone", Gnss = "gnss", WifiSniffing = "wifi_sniffing",
    BluetoothSniffing = "bluetooth_sniffing", Magnetometer = "magnetometer", Radar = "radar",
    Lidar = "lidar", Infrared = "infrared", Ultrasonic = "ultrasonic", Environmental = "environmental" });
labelled_enum!(
    /// Item of the Art. 13/14 information.
    InformationItem { ControllerIdentity = "controller_identity", DpoContact = "dpo_contact",
    Purposes = "purposes", LegalBasis = "legal_basis", Recipients = "recipients", Retention = "retention",
    Rights = "rights", CnilComplaint = "cnil_complaint", Transfers = "transfers",
    AutomatedDecision = "automated_decision", Source = "source" });
labelled_enum!(
    /// Purpose listed in CSI art. L251-2.
    CsiPurpose { ProtectionPublicBuildings = "protection_public_buildings",
    NationalDefenceSites = "national_defence_sites", TrafficRegulation = "traffic_regulation",
    TrafficOffences = "traffic_offences", PreventionAssaultsTheftDrugs = "prevention_assaults_theft_drugs",
    TerrorismPrevention = "terrorism_prevention", NaturalTechnologicalRisks = "natural_technological_risks",
    RescueFire = "rescue_fire", AmusementParks = "amusement_parks", InsuranceOffences = "insurance_offences",
    WasteDumping = "waste_dumping" });
labelled_enum!(
    /// Status of the record.
    RecordStatus { Draft = "draft", Active = "active", Retired = "retired" });
labelled_enum!(
    /// Role under the AI Act.
    AiRole { Deployer = "deployer", Provider = "provider" });
labelled_enum!(
    /// Status of a fundamental-rights impact assessment (AI Act Art. 27).
    FriaStatus { NotStarted = "not_started", InProgress = "in_progress", Done = "done",
    NotRequired = "not_required" });
labelled_enum!(
    /// Art. 35(3) case.
    Art353 { A = "a", B = "b", C = "c" });

/// Management of the record itself.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Record {
    /// Created on.
    pub created: Option<IsoDate>,
    /// Last review (GDPR-026).
    pub last_review: Option<IsoDate>,
    /// Last substantial change of the processing (GDPR-014).
    pub last_substantial_change: Option<IsoDate>,
    /// Version number.
    pub version: Option<u32>,
    /// Author.
    pub author: Option<String>,
    /// Status.
    pub status: Option<RecordStatus>,
}

/// Controller, GDPR Art. 30(1)(a).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Controller {
    /// Name.
    pub name: Option<String>,
    /// Kind.
    #[serde(rename = "type")]
    pub kind: Option<ControllerType>,
    /// SIREN number.
    pub siren: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Contact.
    pub contact: Option<String>,
    /// Staff, full-time equivalents (CRPA L312-1-3 threshold: 50).
    pub staff_fte: Option<u32>,
    /// Population served.
    pub population: Option<u32>,
    /// Representative.
    pub representative: Option<String>,
}

/// A joint controller (Art. 26).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct JointController {
    /// Name.
    pub name: Option<String>,
    /// Contact.
    pub contact: Option<String>,
    /// Reference of the Art. 26 arrangement.
    pub arrangement_ref: Option<String>,
    /// Path of this entry in the declaration (set by Vigie).
    #[serde(rename = "_path", skip_deserializing)]
    #[schemars(skip)]
    pub path: String,
}

/// Data protection officer (Art. 37).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Dpo {
    /// Name.
    pub name: Option<String>,
    /// Contact e-mail.
    pub contact_email: Option<String>,
    /// CNIL designation reference.
    pub cnil_designation_ref: Option<String>,
}

/// The processing and its purposes, Art. 30(1)(b).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Processing {
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Purposes, in plain words.
    #[serde(default)]
    pub purposes: Vec<String>,
    /// Kinds of purposes.
    #[serde(default)]
    pub purpose_kind: Vec<PurposeKind>,
    /// Start date.
    pub start_date: Option<IsoDate>,
    /// Ids of related records.
    #[serde(default)]
    pub related_processings: Vec<String>,
}

/// Lawful basis (Art. 6, 9, 10).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct LegalBasis {
    /// Art. 6(1) basis.
    pub basis: Option<LegalBasisKind>,
    /// Legal text (Art. 6(3)).
    pub legal_reference: Option<String>,
    /// Art. 9(2) exception.
    pub art9_exception: Option<Art9Exception>,
    /// Art. 10 reference for offence data.
    pub art10_reference: Option<String>,
    /// Notes.
    pub notes: Option<String>,
}

/// Retention of one data category (Art. 30(1)(f)).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Retention {
    /// Duration in days.
    pub duration_days: Option<Days>,
    /// From when it runs.
    pub trigger: Option<RetentionTrigger>,
    /// What happens at the end.
    pub final_disposition: Option<FinalDisposition>,
    /// Why this duration.
    pub justification: Option<String>,
}

/// One category of data (Art. 30(1)(c)).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct DataCategory {
    /// Identifier.
    pub id: Option<String>,
    /// Label.
    pub label: Option<String>,
    /// Category.
    pub category: Option<DataCategoryKind>,
    /// How identifying.
    pub identifying: Option<Identifying>,
    /// Source.
    pub source: Option<SourceKind>,
    /// Retention.
    #[serde(default)]
    pub retention: Retention,
    /// Path of this entry in the declaration (set by Vigie).
    #[serde(rename = "_path", skip_deserializing)]
    #[schemars(skip)]
    pub path: String,
}

/// A source of data (Art. 14(2)(f)).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Source {
    /// Kind.
    pub kind: Option<SourceKind>,
    /// Description.
    pub description: Option<String>,
    /// Whether Art. 14 applies.
    pub art14: Option<bool>,
    /// Path of this entry in the declaration (set by Vigie).
    #[serde(rename = "_path", skip_deserializing)]
    #[schemars(skip)]
    pub path: String,
}

/// A recipient (Art. 30(1)(d)).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Recipient {
    /// Name.
    pub name: Option<String>,
    /// Kind.
    #[serde(rename = "type")]
    pub kind: Option<RecipientType>,
    /// Purpose.
    pub purpose: Option<String>,
    /// Legal reference.
    pub legal_reference: Option<String>,
    /// Path of this entry in the declaration (set by Vigie).
    #[serde(rename = "_path", skip_deserializing)]
    #[schemars(skip)]
    pub path: String,
}

/// A sub-processor.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct SubProcessor {
    /// Name.
    pub name: Option<String>,
    /// Country (ISO 3166 alpha-2).
    pub country: Option<String>,
    /// Service.
    pub service: Option<String>,
}

/// A processor (Art. 28).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Processor {
    /// Name.
    pub name: Option<String>,
    /// Service provided.
    pub service: Option<String>,
    /// Country (ISO 3166 alpha-2).
    pub country: Option<String>,
    /// Whether an Art. 28(3) contract is signed.
    pub art28_contract: Option<bool>,
    /// Contract reference.
    pub contract_ref: Option<String>,
    /// Contract date.
    pub contract_date: Option<IsoDate>,
    /// Sub-processors.
    #[serde(default)]
    pub sub_processors: Vec<SubProcessor>,
    /// Whether sub-processing is authorised (Art. 28(2)).
    pub sub_processing_authorised: Option<bool>,
    /// Hosting certification.
    pub hosting_certification: Option<HostingCertification>,
    /// Path of this entry in the declaration (set by Vigie).
    #[serde(rename = "_path", skip_deserializing)]
    #[schemars(skip)]
    pub path: String,
}

/// A transfer outside the EEA (Art. 44–49).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Transfer {
    /// Recipient.
    pub recipient: Option<String>,
    /// Country (ISO 3166 alpha-2).
    pub country: Option<String>,
    /// Mechanism.
    pub mechanism: Option<TransferMechanism>,
    /// Whether it recurs.
    pub recurring: Option<bool>,
    /// Whether the US recipient is certified under the Data Privacy Framework.
    pub dpf_certified: Option<bool>,
    /// Reference of the transfer impact assessment.
    pub transfer_impact_assessment: Option<String>,
    /// Path of this entry in the declaration (set by Vigie).
    #[serde(rename = "_path", skip_deserializing)]
    #[schemars(skip)]
    pub path: String,
}

/// Update policy of devices and software.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct UpdatePolicy {
    /// Updates are signed.
    pub signed_updates: Option<bool>,
    /// End of the support period.
    pub support_until: Option<IsoDate>,
    /// Days to apply a security patch.
    pub patch_sla_days: Option<u32>,
}

/// Security measures, Art. 30(1)(g) and Art. 32.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct SecurityMeasures {
    /// Flows are encrypted.
    pub encryption_in_transit: Option<bool>,
    /// Stored data is encrypted.
    pub encryption_at_rest: Option<bool>,
    /// User authentication.
    pub authentication: Option<Authentication>,
    /// Device identity.
    pub device_identity: Option<DeviceIdentity>,
    /// No default credentials anywhere.
    pub no_default_credentials: Option<bool>,
    /// Access rights managed.
    pub access_control: Option<bool>,
    /// Accesses are logged.
    pub logging: Option<bool>,
    /// Log retention in days.
    pub log_retention_days: Option<u32>,
    /// Pseudonymisation.
    pub pseudonymisation: Option<bool>,
    /// Anonymisation on the sensor itself.
    pub anonymisation_at_collection: Option<bool>,
    /// Network segmentation.
    pub network_segmentation: Option<bool>,
    /// Hosting location.
    pub hosting_location: Option<HostingLocation>,
    /// Update policy.
    #[serde(default)]
    pub update_policy: UpdatePolicy,
    /// Vulnerability management.
    pub vulnerability_management: Option<bool>,
    /// Backups.
    pub backups: Option<bool>,
    /// Physical security.
    pub physical_security: Option<bool>,
    /// Other measures, in plain words.
    #[serde(default)]
    pub other: Vec<String>,
}

/// DPIA risk factors (Art. 35, WP248).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct RiskFactors {
    /// Systematic monitoring.
    pub systematic_monitoring: Option<bool>,
    /// Public space.
    pub public_space: Option<bool>,
    /// Scale.
    pub scale: Option<Scale>,
    /// Estimated number of data subjects.
    pub estimated_data_subjects: Option<u64>,
    /// Datasets are combined.
    pub combines_datasets: Option<bool>,
    /// Innovative technology.
    pub innovative_technology: Option<bool>,
    /// Profiling.
    pub profiling: Option<bool>,
    /// Vulnerable data subjects.
    pub vulnerable_subjects: Option<bool>,
}

/// Triggers of the DPIA, as declared.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct DpiaTriggers {
    /// Art. 35(3) cases.
    #[serde(default)]
    pub art35_3: Vec<Art353>,
    /// Items of the CNIL list (1–14).
    #[serde(default)]
    pub cnil_list_items: Vec<u32>,
    /// WP248 criteria.
    #[serde(default)]
    pub wp248_criteria: Vec<Wp248Criterion>,
}

/// Data protection impact assessment (Art. 35–36).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Dpia {
    /// Required, per the controller.
    pub required: Option<DpiaRequired>,
    /// Status.
    pub status: Option<DpiaStatus>,
    /// Date.
    pub date: Option<IsoDate>,
    /// Reference.
    pub reference: Option<String>,
    /// Declared triggers.
    #[serde(default)]
    pub triggers: DpiaTriggers,
    /// Prior consultation of the CNIL (Art. 36).
    pub prior_consultation_cnil: Option<bool>,
    /// Next review.
    pub next_review: Option<IsoDate>,
    /// Rationale.
    pub rationale: Option<String>,
}

/// Automated or algorithmic individual decisions (Art. 22, CRPA L311-3-1).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct AutomatedDecision {
    /// Individual decisions are taken on an algorithmic basis.
    pub individual_decisions: Option<bool>,
    /// Solely automated.
    pub solely_automated: Option<bool>,
    /// Legal or similarly significant effect.
    pub legal_or_similar_effect: Option<bool>,
    /// May deny a service.
    pub denies_service: Option<bool>,
    /// Profiling.
    pub profiling: Option<bool>,
    /// Art. 22(2) exception.
    pub art22_exception: Option<Art22Exception>,
    /// A human reviews decisions.
    pub human_review: Option<bool>,
    /// Decisions carry the CRPA L311-3-1 mention.
    pub crpa_mention: Option<bool>,
}

/// CRPA R311-3-1-2 documentation of an algorithm.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct AlgorithmDocumentation {
    /// Degree and mode of contribution to the decision.
    pub contribution: Option<String>,
    /// Data processed and sources.
    pub data_and_sources: Option<String>,
    /// Parameters and weighting.
    pub parameters_weighting: Option<String>,
    /// Operations performed.
    pub operations: Option<String>,
}

/// Algorithmic processing behind individual decisions.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Algorithm {
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// The controller masters the algorithm and its evolutions.
    pub mastered: Option<bool>,
    /// R311-3-1-2 documentation.
    #[serde(default)]
    pub documentation: AlgorithmDocumentation,
    /// Public inventory (CRPA L312-1-3).
    pub public_inventory_url: Option<String>,
    /// Source code.
    pub source_code_url: Option<String>,
}

/// Fundamental-rights impact assessment (AI Act Art. 27).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Fria {
    /// Status.
    pub status: Option<FriaStatus>,
    /// Date.
    pub date: Option<IsoDate>,
}

/// Human oversight (AI Act Art. 14, 26).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct HumanOversight {
    /// Role designated.
    pub designated_role: Option<String>,
}

/// Provider conformity (AI Act Art. 16, 47–48).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ProviderConformity {
    /// CE marking.
    pub ce_marking: Option<bool>,
    /// EU declaration of conformity.
    pub eu_declaration_ref: Option<String>,
    /// EU database id.
    pub eu_database_id: Option<String>,
}

/// Transparency toward the public (AI Act Art. 50).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct AiTransparency {
    /// People are told they interact with an AI system.
    pub ai_disclosure: Option<bool>,
}

/// One AI system.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct AiSystemEntry {
    /// Name.
    pub name: Option<String>,
    /// Provider.
    pub provider: Option<String>,
    /// Version.
    pub version: Option<String>,
    /// Role.
    pub role: Option<AiRole>,
    /// Functions.
    #[serde(default)]
    pub functions: Vec<AiFunction>,
    /// Deployment context.
    pub deployment_context: Option<DeploymentContext>,
    /// Real time.
    pub real_time: Option<bool>,
    /// Attributes inferred by biometric categorisation.
    #[serde(default)]
    pub inferred_attributes: Vec<String>,
    /// Annex III points, e.g. `1(a)`, `2`, `5(a)`.
    #[serde(default)]
    pub annex_iii_points: Vec<String>,
    /// Risk class.
    pub risk_class: Option<AiRiskClass>,
    /// FRIA.
    #[serde(default)]
    pub fria: Fria,
    /// Human oversight.
    #[serde(default)]
    pub human_oversight: HumanOversight,
    /// Provider conformity.
    #[serde(default)]
    pub provider_conformity: ProviderConformity,
    /// Transparency.
    #[serde(default)]
    pub transparency: AiTransparency,
    /// Path of this entry in the declaration (set by Vigie).
    #[serde(rename = "_path", skip_deserializing)]
    #[schemars(skip)]
    pub path: String,
}

/// AI systems used.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct AiSystem {
    /// Whether any AI system is used.
    pub used: Option<bool>,
    /// Systems.
    #[serde(default)]
    pub systems: Vec<AiSystemEntry>,
}

/// Geographic position.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct GeoLocation {
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// Address.
    pub address: Option<String>,
}

/// A device covered by the record: the join key with technical evidence.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Device {
    /// Identifier.
    pub id: Option<String>,
    /// Kind.
    pub kind: Option<DeviceKind>,
    /// Vendor.
    pub vendor: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Firmware version.
    pub firmware_version: Option<String>,
    /// Firmware image path or `sha256:` hash.
    pub firmware_ref: Option<String>,
    /// Certificate path (file or directory) or `spki-sha256:` / `sha256:` hash.
    pub certificate_ref: Option<String>,
    /// Rust crate path or URL.
    pub source_ref: Option<String>,
    /// IP address.
    pub ip: Option<String>,
    /// IP range (CIDR).
    pub ip_range: Option<String>,
    /// Host name.
    pub hostname: Option<String>,
    /// MAC address.
    pub mac: Option<String>,
    /// LoRaWAN DevEUI.
    pub dev_eui: Option<String>,
    /// Number of identical devices.
    pub count: Option<u32>,
    /// In public space.
    pub public_space: Option<bool>,
    /// Position.
    #[serde(default)]
    pub location: GeoLocation,
    /// What it senses.
    #[serde(default)]
    pub sensing: Vec<Sensing>,
    /// Allowed services, `tcp/443`.
    #[serde(default)]
    pub exposed_services: Vec<String>,
    /// Path of this entry in the declaration (set by Vigie).
    #[serde(rename = "_path", skip_deserializing)]
    #[schemars(skip)]
    pub path: String,
}

/// Information of data subjects (Art. 12–14, CSI L251-3).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Information {
    /// Signs are in place.
    pub signage: Option<bool>,
    /// Where.
    pub signage_locations: Option<String>,
    /// Full notice.
    pub notice_url: Option<String>,
    /// Layered information.
    pub layered: Option<bool>,
    /// Items given.
    #[serde(default)]
    pub items: Vec<InformationItem>,
    /// Languages.
    #[serde(default)]
    pub languages: Vec<String>,
}

/// Exercise of rights (Art. 15–22).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct DataSubjectRights {
    /// Contact.
    pub contact: Option<String>,
    /// Procedure.
    pub procedure_url: Option<String>,
    /// Access to images (CSI L253-5).
    pub access_to_images_procedure: Option<String>,
    /// Right to object applies.
    pub right_to_object_applicable: Option<bool>,
}

/// Prefectoral authorisation (CSI L252-1).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct PrefectoralAuthorisation {
    /// Number.
    pub number: Option<String>,
    /// Date.
    pub date: Option<IsoDate>,
    /// Expiry (five years at most).
    pub expires: Option<IsoDate>,
    /// Prefecture.
    pub prefecture: Option<String>,
}

/// Video-protection (CSI L251-1 ff.).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct VideoProtection {
    /// Prefectoral authorisation.
    #[serde(default)]
    pub prefectoral_authorisation: PrefectoralAuthorisation,
    /// Number of cameras.
    pub cameras_count: Option<u32>,
    /// CSI L251-2 purposes.
    #[serde(default)]
    pub purposes_csi: Vec<CsiPurpose>,
    /// Private areas masked.
    pub private_area_masking: Option<bool>,
    /// Sound is captured.
    pub sound_capture: Option<bool>,
    /// Images are analysed by algorithms.
    pub algorithmic_analysis: Option<bool>,
    /// Specific legal basis of the algorithmic analysis.
    pub algorithmic_legal_reference: Option<String>,
}

/// Open-data publication (CRPA L312-1-2).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct OpenData {
    /// Published.
    pub published: Option<bool>,
    /// Anonymised before publication.
    pub anonymised: Option<bool>,
    /// Method.
    pub method: Option<String>,
    /// Dataset.
    pub dataset_url: Option<String>,
    /// Reuse licence (CRPA L323-2, D323-2-1).
    pub licence: Option<super::stewardship::OpenLicence>,
    /// How often the published data is updated.
    pub update_frequency: Option<super::stewardship::UpdateFrequency>,
    /// Data standard the published data follows (a schema.data.gouv.fr name or URL).
    pub data_standard: Option<String>,
}

/// The document kind of a processing record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum RecordKind {
    /// The only kind.
    #[serde(rename = "processing_record")]
    ProcessingRecord,
}

/// One record of processing activities (GDPR Art. 30), with what Vigie's ethics and
/// cross-checks need. `x_*` keys are extensions, ignored by the rules.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "Vigie processing record (GDPR Art. 30)")]
pub struct ProcessingRecord {
    /// Version of the format: `1.0`.
    pub schema_version: String,
    /// `processing_record`.
    pub kind: RecordKind,
    /// Identifier (slug), stable.
    pub id: String,
    /// Management of the record.
    #[serde(default)]
    pub record: Record,
    /// Legal framework.
    pub legal_framework: Option<LegalFramework>,
    /// Controller.
    #[serde(default)]
    pub controller: Controller,
    /// Joint controllers.
    #[serde(default)]
    pub joint_controllers: Vec<JointController>,
    /// DPO.
    #[serde(default)]
    pub dpo: Dpo,
    /// Processing and purposes.
    #[serde(default)]
    pub processing: Processing,
    /// Lawful basis.
    #[serde(default)]
    pub legal_basis: LegalBasis,
    /// Categories of data subjects.
    #[serde(default)]
    pub data_subjects: Vec<DataSubject>,
    /// Categories of data, with retention.
    #[serde(default)]
    pub data_categories: Vec<DataCategory>,
    /// Special categories (Art. 9).
    #[serde(default)]
    pub special_categories: Vec<SpecialCategory>,
    /// Sources.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Recipients.
    #[serde(default)]
    pub recipients: Vec<Recipient>,
    /// Processors.
    #[serde(default)]
    pub processors: Vec<Processor>,
    /// Transfers outside the EEA.
    #[serde(default)]
    pub transfers: Vec<Transfer>,
    /// Security measures.
    #[serde(default)]
    pub security_measures: SecurityMeasures,
    /// Risk factors.
    #[serde(default)]
    pub risk_factors: RiskFactors,
    /// DPIA.
    #[serde(default)]
    pub dpia: Dpia,
    /// Automated decisions.
    #[serde(default)]
    pub automated_decision: AutomatedDecision,
    /// Algorithm.
    #[serde(default)]
    pub algorithm: Algorithm,
    /// AI systems.
    #[serde(default)]
    pub ai_system: AiSystem,
    /// Devices covered.
    #[serde(default)]
    pub devices: Vec<Device>,
    /// Information of data subjects.
    #[serde(default)]
    pub information: Information,
    /// Exercise of rights.
    #[serde(default)]
    pub data_subject_rights: DataSubjectRights,
    /// Video-protection.
    #[serde(default)]
    pub video_protection: VideoProtection,
    /// Open data.
    #[serde(default)]
    pub open_data: OpenData,
    /// Ecological transition: service life, support, end of life, sobriety, eco-design.
    #[serde(default)]
    pub sustainability: super::stewardship::Sustainability,
    /// Data governance: sharing agreements, reversibility, hosting sovereignty.
    #[serde(default)]
    pub governance: super::stewardship::Governance,
}

impl ProcessingRecord {
    /// Records the path of every list entry (`processors.1`), so that rules can point
    /// findings at them.
    pub fn assign_paths(&mut self) {
        fn set<T>(items: &mut [T], name: &str, f: impl Fn(&mut T) -> &mut String) {
            for (i, it) in items.iter_mut().enumerate() {
                *f(it) = format!("{name}.{i}");
            }
        }
        set(&mut self.joint_controllers, "joint_controllers", |x| {
            &mut x.path
        });
        set(&mut self.data_categories, "data_categories", |x| {
            &mut x.path
        });
        set(&mut self.sources, "sources", |x| &mut x.path);
        set(&mut self.recipients, "recipients", |x| &mut x.path);
        set(&mut self.processors, "processors", |x| &mut x.path);
        set(&mut self.transfers, "transfers", |x| &mut x.path);
        set(&mut self.devices, "devices", |x| &mut x.path);
        set(&mut self.ai_system.systems, "ai_system.systems", |x| {
            &mut x.path
        });
        set(
            &mut self.governance.sharing_agreements,
            "governance.sharing_agreements",
            |x| &mut x.path,
        );
    }
}
