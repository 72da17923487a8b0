//! Snapshots of the demo territory's scan: text (en, fr) and SARIF.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{assert_valid_sarif, root, strip_times};
use vigie::config::Config;
use vigie::engine::{self, ScanOptions};
use vigie::rules::load::RuleSet;
use vigie_reports::{Lang, sarif, text};

fn demo_report() -> vigie_reports::Report {
    std::env::set_current_dir(root()).unwrap();
    let rules = RuleSet::load(false, &[]).unwrap_or_else(|e| panic!("{}", e[0].render()));
    // Relative, so the suppression source in the snapshot does not depend on the checkout.
    let config = Config::load(std::path::Path::new("fixtures/demo-territory/vigie.toml")).unwrap();
    let opts = ScanOptions {
        inputs: vec!["fixtures/demo-territory".into()],
        as_of: engine::parse_date("2026-11-28").unwrap(),
        p12_passwords: vec![],
        jobs: 2,
        discover: Default::default(),
        no_suppressions: false,
        previous_scan: None,
    };
    let mut r = engine::scan(&opts, &rules, &config);
    r.invocation.start_time = String::new();
    r.invocation.end_time = String::new();
    r
}

#[test]
fn demo_text_en_and_fr() {
    let r = demo_report();
    insta::assert_snapshot!(
        "demo_text_en",
        text::render(
            &r,
            text::TextOptions {
                color: false,
                lang: Lang::En
            }
        )
    );
    insta::assert_snapshot!(
        "demo_text_fr",
        text::render(
            &r,
            text::TextOptions {
                color: false,
                lang: Lang::Fr
            }
        )
    );
}

#[test]
fn demo_sarif() {
    let r = demo_report();
    let s = sarif::render(&r).unwrap();
    let doc = strip_times(assert_valid_sarif(&s));
    insta::assert_json_snapshot!("demo_sarif", doc);
}

/// The DPO's report of the demo territory, French and English (review changes to the
/// wording here).
#[test]
fn demo_html_and_markdown() {
    use vigie_reports::{html, markdown};
    let r = demo_report();
    for lang in [Lang::Fr, Lang::En] {
        let page = html::render(&r, html::HtmlOptions { lang }).unwrap();
        // The inline CSS and script are the same for every report; keep the markup.
        let body = page
            .split("<body>")
            .nth(1)
            .unwrap()
            .split("<script>")
            .next()
            .unwrap();
        insta::assert_snapshot!(format!("demo_html_{lang:?}").to_lowercase(), body);
        let md = markdown::render(
            &r,
            &markdown::MarkdownOptions {
                lang,
                sarif: Some("vigie.sarif".into()),
            },
        );
        insta::assert_snapshot!(format!("demo_markdown_{lang:?}").to_lowercase(), md);
    }
}
