//! Output formats, tested by running the real binary: JSON (the contract), concise,
//! GitHub annotations, SARIF, JUnit and GitLab Code Quality.

mod common;

use common::run;

#[test]
fn json_follows_the_contract() {
    let out = run(&[
        "check",
        "samples/campaigns/winter-sale.de.eml",
        "--profile",
        "samples/profiles/english-reader.json",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1);
    let v: serde_json::Value = common::json(&out);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "language-mismatch")
        .expect("language-mismatch");
    assert_eq!(f["severity"], "error");
    assert_eq!(
        f["message"],
        "campaign is written in German but the recipient reads English"
    );
    assert_eq!(f["file"], "samples/campaigns/winter-sale.de.eml");
    assert_eq!(f["recipients"], 1);
    for key in ["offset", "length", "line", "column"] {
        assert!(f["span"][key].as_u64().is_some(), "span.{key}");
    }
    assert!(f["help"].as_str().unwrap().contains("English variant"));
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["summary"]["recipients"], 1);
    assert_eq!(v["summary"]["errors"], 1);
    // Campaign-level findings have no recipient count.
    let out = run(&[
        "check",
        "samples/campaigns/no-optout.eml",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = common::json(&out);
    assert!(v["findings"][0]["recipients"].is_null());
}

#[test]
fn json_span_points_at_the_text() {
    let out = run(&[
        "check",
        "samples/campaigns/free-phone.eml",
        "--profile",
        "samples/profiles/tv-and-phones.json",
        "--catalog",
        "samples/catalog.toml",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = common::json(&out);
    let raw =
        std::fs::read_to_string(common::root().join("samples/campaigns/free-phone.eml")).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "owned-product-offer")
        .unwrap();
    // The first label is in the raw file (the subject); every label's text names a product.
    for label in f["labels"].as_array().unwrap() {
        if label["source"] == "samples/campaigns/free-phone.eml" {
            let (o, l) = (
                label["offset"].as_u64().unwrap() as usize,
                label["length"].as_u64().unwrap() as usize,
            );
            let text = &raw[o..o + l];
            assert!(text.contains("X85J") || text.contains("BRAVIA"), "{text:?}");
        }
    }
}

#[test]
fn concise_and_github_formats() {
    let out = run(&[
        "check",
        "samples/campaigns/small-print.eml",
        "samples/templates/newsletter-fr.html",
        "--format",
        "concise",
    ]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "samples/campaigns/small-print.eml:67:1: hidden-unsubscribe-link: unsubscribe link is hidden: 6px text in #eeeeee on #f4f4f4 (contrast 1.05:1) (in the decoded text/html part at line 196, column 251)\n\
         samples/templates/newsletter-fr.html:2:140: declared-language-mismatch: <html lang> declares English but the text is written in French\n"
    );
    let out = run(&[
        "check",
        "samples/campaigns/small-print.eml",
        "samples/templates/newsletter-fr.html",
        "samples/campaigns/nope.eml",
        "--format",
        "github",
    ]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stdout,
        "::error file=samples/campaigns/small-print.eml,line=67,col=1,title=hidden-unsubscribe-link::unsubscribe link is hidden: 6px text in #eeeeee on #f4f4f4 (contrast 1.05:1) (in the decoded text/html part at line 196, column 251)%0Ahelp: show the link at 11px or more in a colour with a contrast of at least 4.5:1 against its background; below 6px or 1.5:1 a reader does not see it at all\n\
         ::warning file=samples/templates/newsletter-fr.html,line=2,col=140,title=declared-language-mismatch::<html lang> declares English but the text is written in French%0Ahelp: declare the language the campaign is written in, or translate the text\n\
         ::error file=samples/campaigns/nope.eml,title=campaign-lint::no such file\n"
    );
    // Line 67 of the file is where the quoted-printable HTML part begins.
    let raw =
        std::fs::read_to_string(common::root().join("samples/campaigns/small-print.eml")).unwrap();
    let line_66 = raw.lines().nth(65).unwrap();
    assert!(
        line_66.is_empty(),
        "the blank line before the part's body: {line_66:?}"
    );
}

#[test]
fn sarif_output_is_well_formed() {
    let out = run(&[
        "check",
        "samples/campaigns",
        "samples/templates",
        "samples/campaigns/nope.eml",
        "--format",
        "sarif",
    ]);
    assert_eq!(out.code, 2);
    let log: serde_json::Value = common::json(&out);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for r in rules {
        assert!(
            r["shortDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert!(
            ["error", "warning", "note", "none"]
                .contains(&r["defaultConfiguration"]["level"].as_str().unwrap())
        );
    }
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 10);
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], r["ruleId"].as_str().unwrap());
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        for l in r["locations"]
            .as_array()
            .unwrap()
            .iter()
            .chain(r["relatedLocations"].as_array().into_iter().flatten())
        {
            let p = &l["physicalLocation"];
            let uri = p["artifactLocation"]["uri"].as_str().unwrap();
            assert!(uri.starts_with("samples/") && !uri.contains(' '), "{uri}");
            assert!(p["region"]["startLine"].as_u64().unwrap() >= 1);
            assert!(p["region"]["startColumn"].as_u64().unwrap() >= 1);
        }
    }
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "samples/campaigns/nope.eml"
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
}

#[test]
fn junit_and_gitlab_formats() {
    let args = [
        "check",
        "samples/templates",
        "samples/campaigns/small-print.eml",
        "samples/campaigns/nope.eml",
    ];
    let out = run(&[&args[..], &["--format", "junit"]].concat());
    assert_eq!(out.code, 2);
    let doc = roxmltree::Document::parse(&out.stdout).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(
        cases.len(),
        11,
        "one test case per file, and one for the unreadable input"
    );
    assert_eq!(suite.attribute("tests"), Some("11"));
    assert_eq!(suite.attribute("failures"), Some("6"));
    assert_eq!(suite.attribute("errors"), Some("1"));
    let small = cases
        .iter()
        .find(|c| c.attribute("name") == Some("samples/campaigns/small-print.eml"))
        .unwrap();
    let failure = small
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("1 finding, 1 error-level")
    );
    assert!(
        failure
            .text()
            .unwrap()
            .contains("[hidden-unsubscribe-link]")
    );
    let clean = cases
        .iter()
        .find(|c| c.attribute("name") == Some("samples/templates/welcome.html"))
        .unwrap();
    assert_eq!(
        clean.children().filter(roxmltree::Node::is_element).count(),
        0
    );

    let out = run(&[&args[..], &["--format", "gitlab"]].concat());
    let issues: Vec<serde_json::Value> = common::json(&out);
    assert_eq!(issues.len(), 7);
    let mut prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), issues.len(), "fingerprints are unique");
    for i in &issues {
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap())
        );
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(!i["description"].as_str().unwrap().is_empty());
    }
    // The same finding keeps its fingerprint from run to run.
    let again: Vec<serde_json::Value> =
        serde_json::from_str(&run(&[&args[..], &["--format", "gitlab"]].concat()).stdout).unwrap();
    assert_eq!(issues, again);
}
