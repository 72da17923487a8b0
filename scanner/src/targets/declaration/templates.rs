//! Commented starter files for `vigie init declaration --template NAME`.

/// Template names and contents.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("video", include_str!("templates/video.yaml")),
    ("parking", include_str!("templates/parking.yaml")),
    (
        "wifi-counting",
        include_str!("templates/wifi-counting.yaml"),
    ),
    ("lighting", include_str!("templates/lighting.yaml")),
];

/// The template called `name`.
pub fn template(name: &str) -> Option<&'static str> {
    TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}
