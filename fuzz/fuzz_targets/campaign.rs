//! Campaign bytes, read as an `.eml` and as an `.html` template, analysed once, checked
//! by every shipped rule (without and with a recipient), and rendered by the human and
//! JSON reporters (spans that do not fit their source would panic there).
#![no_main]

use std::sync::LazyLock;

use campaign_lint::campaign::{Campaign, Format};
use campaign_lint::catalog::CatalogIndex;
use campaign_lint::diagnostic::{FileReport, Report};
use campaign_lint::facts::Facts;
use campaign_lint::profiles::{FieldMap, Profile, parse_json};
use campaign_lint::report::{self, HumanOptions, OutputFormat};
use campaign_lint::rules::{Env, RuleSet};
use libfuzzer_sys::fuzz_target;

static RULES: LazyLock<RuleSet> =
    LazyLock::new(|| RuleSet::builtin().expect("the shipped rules load"));
static CATALOG: LazyLock<CatalogIndex> = LazyLock::new(|| {
    CatalogIndex::from_toml("catalog.toml", include_str!("../../samples/catalog.toml"))
        .expect("the sample catalog loads")
});
static PROFILE: LazyLock<Profile> = LazyLock::new(|| {
    parse_json(
        "customer.json",
        include_str!("../../samples/profiles/customer.json"),
        &FieldMap::default(),
    )
    .expect("the sample profile loads")
});

fuzz_target!(|data: &[u8]| {
    for format in [Format::Eml, Format::Html, Format::Text] {
        let Ok(campaign) = Campaign::parse("fuzz.eml", data, format) else {
            continue;
        };
        let env = Env {
            catalog: Some(&CATALOG),
        };
        let facts = Facts::analyze(&campaign, Some(&CATALOG), &RULES.analysis_options());
        let mut findings = RULES.check_campaign(env, &facts, None);
        findings.extend(RULES.check_recipient(env, &facts, &PROFILE));
        let report = Report {
            files: vec![FileReport {
                path: campaign.path.clone(),
                sources: campaign.sources.clone(),
                findings,
            }],
            campaigns: 1,
            ..Report::default()
        };
        for output in [OutputFormat::Human, OutputFormat::Json] {
            let _ = report::render(output, &report, &[], &HumanOptions::default(), &RULES);
        }
    }
});
