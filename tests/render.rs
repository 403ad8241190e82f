//! `campaign-lint render`: the variant a profile's language selects, merge tags filled in
//! the four dialects, `.eml` in and out with its encodings (parsed back with
//! mail-parser), and the located error for a tag the profile cannot fill.

mod common;

use common::{root, run, temp_dir};
use mail_parser::{MessageParser, MimeHeaders};

const GERMAN: &str = "samples/profiles/german-reader.json";
const ENGLISH: &str = "samples/profiles/english-reader.json";

#[test]
fn a_german_profile_gets_the_german_variant() {
    let out = run(&["render", "samples/variants", "--profile", GERMAN]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("<html lang=\"de\">"), "{}", out.stdout);
    assert!(out.stdout.contains("Hallo Jonas, die Tage"));
    assert!(
        out.stdout
            .contains("href=\"https://esp-placeholder.invalid/UNSUB\"")
    );
    assert!(!out.stdout.contains("*|"), "every tag is filled");

    let dir = temp_dir("render-variants");
    let english = run(&[
        "render",
        "samples/variants",
        "--profile",
        ENGLISH,
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(english.code, 0, "{}", english.stderr);
    let written: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(written, ["spring-offer.en.html"]);
    let html = std::fs::read_to_string(dir.join("spring-offer.en.html")).unwrap();
    let template =
        std::fs::read_to_string(root().join("samples/variants/spring-offer.en.html")).unwrap();
    assert_eq!(
        html,
        template
            .replace("*|FNAME|*", "Oliver")
            .replace("*|UNSUB|*", "https://esp-placeholder.invalid/UNSUB")
    );
    assert!(
        english.stderr.contains("for o•••@example.net"),
        "{}",
        english.stderr
    );
}

/// The bundled newsletter: `To` is the profile's address, the Mailchimp conditional
/// around the preview text is dropped (the profile has no preview text), and every
/// other byte of the decoded bodies is as written.
#[test]
fn an_eml_comes_out_as_an_eml() {
    let source = root().join("samples/campaigns/clean-newsletter.eml");
    let out = run(&[
        "render",
        "samples/campaigns/clean-newsletter.eml",
        "--profile",
        ENGLISH,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let original_bytes = std::fs::read(&source).unwrap();
    let original = MessageParser::default().parse(&original_bytes).unwrap();
    let rendered = MessageParser::default()
        .parse(out.stdout.as_bytes())
        .unwrap();
    let to = rendered.to().unwrap().first().unwrap();
    assert_eq!(to.address(), Some("oliver.bennett@example.net"));
    assert_eq!(rendered.subject(), original.subject());
    assert_eq!(rendered.body_text(0), original.body_text(0));
    let html = original.body_html(0).unwrap();
    let start = html.find("*|IF:MC_PREVIEW_TEXT|*").unwrap();
    let end = html.find("*|END:IF|*").unwrap() + "*|END:IF|*".len();
    let expected = format!("{}{}", &html[..start], &html[end..]);
    assert_eq!(rendered.body_html(0).unwrap(), expected);
    // The headers the render does not set stay as written.
    for name in [
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "From",
        "Message-ID",
    ] {
        assert_eq!(
            rendered.header_raw(name),
            original.header_raw(name),
            "{name}"
        );
    }
}

/// Quoted-printable, base64 and Latin-1 parts, a subject with tags: each filled part
/// keeps its transfer encoding and charset where the text fits, and decodes to exactly
/// the filled text.
#[test]
fn encodings_and_charsets_survive_the_render() {
    use base64::Engine as _;
    let dir = temp_dir("render-encodings");
    let b64 = base64::engine::general_purpose::STANDARD
        .encode("Hallo {{ first_name }},\r\nIhr Konto: -loyalty_tier-.\r\n");
    let eml = format!(
        "From: Nordlicht <news@nordlicht.example.com>\r\n\
         To: list@nordlicht.example.com\r\n\
         Subject: *|FNAME|*, Ihr Frühlingsangebot\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\
         \r\n\
         --b1\r\n\
         Content-Type: text/html; charset=utf-8\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\
         \r\n\
         <p>Hallo %%FirstName%%, sch=C3=B6n, dass Sie da sind.</p><p>{{% if nickname %}}{{{{ nickname }}}}{{% else %}}Ohne Spitznamen{{% endif %}}</p>\r\n\
         --b1\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: base64\r\n\
         \r\n\
         {b64}\r\n\
         --b1\r\n\
         Content-Type: text/plain; charset=iso-8859-1\r\n\
         Content-Transfer-Encoding: 8bit\r\n\
         \r\n\
         Gr\u{00fc}\u{00df}e an *|FNAME|* aus *|CITY|*\r\n\
         --b1--\r\n"
    );
    // The Latin-1 part as Latin-1 bytes.
    let eml_bytes: Vec<u8> = {
        let (head, tail) = eml.split_at(eml.find("Gr\u{00fc}").unwrap());
        let mut b = head.as_bytes().to_vec();
        b.extend(tail.chars().map(|c| c as u32 as u8));
        b
    };
    std::fs::write(dir.join("promo.eml"), &eml_bytes).unwrap();
    std::fs::write(
        dir.join("jurgen.json"),
        r#"{"email": "juergen@example.de", "first_name": "Jürgen", "language": "de",
            "loyalty_tier": "Gold", "city": "Köln", "nickname": ""}"#,
    )
    .unwrap();
    let out = common::run_in(
        &dir,
        &[
            "render",
            "promo.eml",
            "--profile",
            "jurgen.json",
            "--out",
            "out.eml",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read(dir.join("out.eml")).unwrap();
    let m = MessageParser::default().parse(&written).unwrap();
    assert_eq!(m.subject(), Some("Jürgen, Ihr Frühlingsangebot"));
    assert_eq!(
        m.to().unwrap().first().unwrap().address(),
        Some("juergen@example.de")
    );
    let bodies: Vec<&str> = m.parts[1..]
        .iter()
        .map(|p| p.text_contents().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            "<p>Hallo Jürgen, schön, dass Sie da sind.</p><p>Ohne Spitznamen</p>",
            "Hallo Jürgen,\r\nIhr Konto: Gold.\r\n",
            "Grüße an Jürgen aus Köln",
        ]
    );
    let parts: Vec<(Option<&str>, Option<&str>)> = m.parts[1..]
        .iter()
        .map(|p| {
            (
                p.content_transfer_encoding(),
                p.content_type().and_then(|c| c.attribute("charset")),
            )
        })
        .collect();
    assert_eq!(
        parts,
        [
            (Some("quoted-printable"), Some("utf-8")),
            (Some("base64"), Some("utf-8")),
            (Some("8bit"), Some("iso-8859-1")),
        ]
    );
    // The Latin-1 part is still Latin-1 on the wire.
    assert!(written.windows(4).any(|w| w == b"K\xf6ln"));
    // Every line of the message is 7-bit apart from the 8bit part, and short.
    assert!(written.split(|&b| b == b'\n').all(|l| l.len() <= 998));
}

#[test]
fn a_tag_without_a_field_is_the_finding_check_gives() {
    let dir = temp_dir("render-unresolved");
    let target = dir.join("out.html");
    let out = run(&[
        "render",
        "samples/templates/greeting-fields.html",
        "--profile",
        ENGLISH,
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("merge tag *|LOYALTY_TIER|* references `LOYALTY_TIER`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("samples/templates/greeting-fields.html:18:192"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing written"));
    assert!(!target.exists());
    let check = run(&[
        "check",
        "samples/templates/greeting-fields.html",
        "--profile",
        ENGLISH,
    ]);
    assert!(
        check
            .stdout
            .contains("merge tag *|LOYALTY_TIER|* references `LOYALTY_TIER`")
    );
}

#[test]
fn bad_requests_exit_2_and_write_nothing() {
    let dir = temp_dir("render-bad");
    std::fs::write(
        dir.join("a.html"),
        "<p>{% if first_name %}Hi{% endif %}</p>",
    )
    .unwrap();
    std::fs::write(
        dir.join("p.json"),
        r#"{"email": "a@example.com", "first_name": "A"}"#,
    )
    .unwrap();
    let out = common::run_in(
        &dir,
        &["render", "a.html", "--profile", "p.json", "--out", "a.html"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("refusing to overwrite"),
        "{}",
        out.stderr
    );
    let out = common::run_in(&dir, &["render", "a.html", "--profile", "missing.json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("missing.json"), "{}", out.stderr);
    // Several campaigns need a directory to go to.
    std::fs::write(dir.join("b.txt"), "Hi").unwrap();
    let out = common::run_in(&dir, &["render", "a.html", "b.txt", "--profile", "p.json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--out DIR"), "{}", out.stderr);
}

/// A tag the template engine cannot read is `check`'s merge-tag-syntax finding, and the
/// render stops (exit 1) with it.
#[test]
fn a_broken_tag_stops_the_render() {
    let out = run(&[
        "render",
        "samples/syntax/broken-tags.html",
        "--profile",
        GERMAN,
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .contains("merge tag {{ first_name } is never closed"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("samples/syntax/broken-tags.html:13:51"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("merge tag {% if loyalty_tier %} opens a block that is never closed")
    );
}

/// A field alias in the config fills the tag as it satisfies the rule.
#[test]
fn field_aliases_from_the_config_fill_tags() {
    let dir = temp_dir("render-aliases");
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[rules.unresolved-merge-tag.params]\nfield-aliases = { PRENOM = \"first_name\" }\n",
    )
    .unwrap();
    std::fs::write(dir.join("fr.txt"), "Bonjour *|PRENOM|* !\n").unwrap();
    let profile = root().join(GERMAN);
    let out = common::run_in(
        &dir,
        &["render", "fr.txt", "--profile", profile.to_str().unwrap()],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "Bonjour Jonas !\n");
}
