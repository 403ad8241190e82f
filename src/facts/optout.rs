//! Which links are unsubscribe links. Real campaigns rarely say "Unsubscribe" on the link
//! itself: the words sit in the sentence around a "here" link, in the link's `title`,
//! `aria-label` or `class`, in the URL, or the href is an ESP merge tag. All of these
//! count, in many languages.

use super::{PartFacts, TextUnit, merge_tags};
use crate::campaign::PartKind;

/// Why a link was taken for an unsubscribe link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// The href is an ESP unsubscribe merge tag.
    MergeTag(String),
    /// The link text says so.
    LinkText(&'static str),
    /// `title`, `aria-label`, `class` or `id` says so.
    Attribute(&'static str),
    /// The URL's path or query says so.
    Url,
    /// A generic link ("here") in a sentence about unsubscribing.
    Sentence(&'static str),
}

/// An unsubscribe link: `Facts::parts[part].links[link]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubscribeLink {
    pub part: usize,
    pub link: usize,
    pub evidence: Evidence,
}

/// Words that name unsubscribing; a trailing `*` matches any word ending.
const PHRASES: &[&str] = &[
    // English
    "unsubscrib*",
    "opt out",
    "opt-out",
    "optout",
    "opt me out",
    "remove me from",
    "stop receiving",
    "manage preferences",
    "manage your preferences",
    "email preferences",
    "e-mail preferences",
    "update your preferences",
    "subscription preferences",
    "manage subscription*",
    "manage your subscription*",
    // German
    "abmelden",
    "abmeldung",
    "abbestell*",
    "austragen",
    "abonnement kündigen",
    "newsletter kündigen",
    // French
    "désabonn*",
    "desabonn*",
    "désinscri*",
    "desinscri*",
    "se désinscrire",
    // Spanish
    "darse de baja",
    "darte de baja",
    "date de baja",
    "dar de baja",
    "darme de baja",
    "cancelar suscripción",
    "cancelar la suscripción",
    "anular la suscripción",
    "baja",
    // Italian
    "disiscriv*",
    "disiscrizione",
    "annulla iscrizione",
    "annullare l'iscrizione",
    "cancella iscrizione",
    "cancellati",
    "cancellarti",
    // Portuguese
    "descadastr*",
    "cancelar inscrição",
    "cancelar subscrição",
    "cancelar a subscrição",
    "anular subscrição",
    "cancelar assinatura",
    // Dutch
    "uitschrijv*",
    "afmelden",
    "schrijf je uit",
    "schrijf u uit",
    "meld je af",
    "meld u af",
    // Swedish, Danish, Norwegian
    "avregistrer*",
    "avprenumerer*",
    "avsluta prenumeration*",
    "afmeld*",
    "frameld*",
    "avmeld*",
    "meld deg av",
    "avslutt abonnement*",
    // Finnish, Polish, Czech, Slovak, Hungarian, Romanian, Turkish
    "peruuta tilaus",
    "peru tilaus",
    "lopeta tilaus",
    "wypisz",
    "wypisać",
    "wypisanie",
    "anuluj subskrypcję",
    "zrezygnuj z subskrypcji",
    "odhlásit",
    "odhlásiť",
    "odhlášení",
    "zrušit odběr",
    "zrušiť odber",
    "leiratkoz*",
    "dezabon*",
    "abonelikten çık*",
    "aboneliği iptal",
    // Greek, Russian, Ukrainian
    "διαγραφή",
    "κατάργηση εγγραφής",
    "отписаться",
    "отписк*",
    "отказаться от рассылки",
    "відписатися",
    "відписк*",
    // Japanese, Chinese, Korean
    "配信停止",
    "購読解除",
    "配信解除",
    "登録解除",
    "退订",
    "退訂",
    "取消订阅",
    "取消訂閱",
    "수신거부",
    "수신 거부",
    "구독 취소",
    "구독취소",
    // Arabic, Hebrew, Indonesian/Malay, Vietnamese
    "إلغاء الاشتراك",
    "הסרה מרשימת",
    "להסרה",
    "berhenti berlangganan",
    "hủy đăng ký",
];

/// Sentences around a generic link that make it an unsubscribe link.
const SENTENCE_CUES: &[&str] = &[
    "no longer wish to receive",
    "no longer want to receive",
    "don't want to receive",
    "do not want to receive",
    "do not wish to receive",
    "prefer not to receive",
    "don't want these emails",
    "nicht mehr erhalten",
    "nicht mehr empfangen",
    "keine weiteren e-mails",
    "keine e-mails mehr",
    "keine newsletter mehr",
    "ne plus recevoir",
    "ne souhaitez plus recevoir",
    "no deseas recibir",
    "no desea recibir",
    "dejar de recibir",
    "ya no desea",
    "non desideri più ricevere",
    "non vuoi più ricevere",
    "non ricevere più",
    "não deseja mais receber",
    "deixar de receber",
    "não quer mais receber",
    "niet langer ontvangen",
    "niet meer ontvangen",
    "geen e-mails meer",
    "inte längre vill",
    "vill inte längre",
    "ikke længere modtage",
    "ikke lenger motta",
    "nie chcesz otrzymywać",
    "nie chcesz już otrzymywać",
    "не хотите получать",
    "これ以上受け取りたくない",
];

/// Link texts that say nothing by themselves.
const GENERIC: &[&str] = &[
    "here",
    "click here",
    "clicking here",
    "this link",
    "link",
    "hier",
    "hier klicken",
    "klicken sie hier",
    "ici",
    "cliquez ici",
    "cliquant ici",
    "aquí",
    "aqui",
    "haga clic aquí",
    "haz clic aquí",
    "clic aquí",
    "qui",
    "clicca qui",
    "clique aqui",
    "klik hier",
    "klicka här",
    "här",
    "her",
    "klik her",
    "tästä",
    "tutaj",
    "kliknij tutaj",
    "zde",
    "itt",
    "aici",
    "buraya",
    "burada",
    "здесь",
    "сюда",
    "тут",
    "こちら",
    "ここ",
    "这里",
    "此处",
    "여기",
];

/// Fragments of a URL (lowercased) that name unsubscribing.
const URL_CUES: &[&str] = &[
    "unsubscribe",
    "unsub",
    "optout",
    "opt-out",
    "opt_out",
    "abmelden",
    "abbestellen",
    "desabonn",
    "desinscri",
    "afmelden",
    "uitschrijven",
    "disiscri",
    "descadastr",
    "preference-center",
    "preferences-center",
    "manage-preferences",
    "email-preferences",
];

/// Finds the unsubscribe links of every part.
pub fn find(parts: &[PartFacts], units: &[TextUnit]) -> Vec<UnsubscribeLink> {
    let mut out = Vec::new();
    for (part_index, part) in parts.iter().enumerate() {
        for (link_index, link) in part.links.iter().enumerate() {
            let sentence = link
                .block
                .and_then(|b| units.get(b))
                .map_or("", |u| u.text.as_str());
            let evidence = classify(
                link.href.as_deref(),
                &format!("{} {}", link.text, link.image_alt),
                [
                    ("title", link.title.as_deref()),
                    ("aria-label", link.aria_label.as_deref()),
                    ("class", link.class.as_deref()),
                    ("id", link.id.as_deref()),
                ],
                sentence,
                part.kind == PartKind::Plain,
            );
            if let Some(evidence) = evidence {
                out.push(UnsubscribeLink {
                    part: part_index,
                    link: link_index,
                    evidence,
                });
            }
        }
    }
    out
}

fn classify(
    href: Option<&str>,
    text: &str,
    attributes: [(&'static str, Option<&str>); 4],
    sentence: &str,
    plain: bool,
) -> Option<Evidence> {
    if let Some(href) = href {
        if let Some(tag) = merge_tags::find(href)
            .into_iter()
            .find(|t| is_unsubscribe_name(&t.name()))
        {
            return Some(Evidence::MergeTag(href[tag.range].to_owned()));
        }
        let lower = href.to_lowercase();
        if URL_CUES.iter().any(|c| lower.contains(c)) {
            return Some(Evidence::Url);
        }
    }
    let text = text.to_lowercase();
    if let Some(p) = find_phrase(&text, PHRASES) {
        return Some(Evidence::LinkText(p));
    }
    for (name, value) in attributes {
        let Some(value) = value else { continue };
        let value = value.to_lowercase().replace(['-', '_'], " ");
        if find_phrase(&value, PHRASES).is_some()
            || value.contains("unsub")
            || value.contains("optout")
            || value.contains("opt out")
        {
            return Some(Evidence::Attribute(name));
        }
    }
    // In plain text the "link text" is the URL itself, so the paragraph always counts.
    let generic = plain || {
        let bare = text.trim_matches(|c: char| !c.is_alphanumeric());
        GENERIC.contains(&bare)
    };
    if generic {
        let sentence = sentence.to_lowercase();
        if let Some(p) =
            find_phrase(&sentence, SENTENCE_CUES).or_else(|| find_phrase(&sentence, PHRASES))
        {
            return Some(Evidence::Sentence(p));
        }
    }
    None
}

/// Whether a merge tag's name is an unsubscribe link.
fn is_unsubscribe_name(name: &str) -> bool {
    ["unsub", "optout", "opt_out", "opt-out"]
        .iter()
        .any(|w| name.contains(w))
}

/// The first phrase found in `text` (already lowercased) at a word start, ending at a word
/// end unless it is a stem (`*`). Scripts without spaces match anywhere.
fn find_phrase(text: &str, phrases: &'static [&'static str]) -> Option<&'static str> {
    phrases.iter().copied().find(|phrase| {
        let (needle, stem) = match phrase.strip_suffix('*') {
            Some(s) => (s, true),
            None => (*phrase, false),
        };
        text.match_indices(needle).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + needle.len()..].chars().next();
            let edge = |c: Option<char>| !c.is_some_and(char::is_alphanumeric);
            let spaced = needle.chars().next().is_some_and(|c| (c as u32) < 0x3000);
            !spaced || (edge(before) && (stem || edge(after)))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(href: &str, text: &str, sentence: &str) -> Option<Evidence> {
        classify(
            Some(href),
            text,
            [
                ("title", None),
                ("aria-label", None),
                ("class", None),
                ("id", None),
            ],
            sentence,
            false,
        )
    }

    #[test]
    fn link_text_in_many_languages() {
        for text in [
            "Unsubscribe",
            "Opt out",
            "Abmelden",
            "Newsletter abbestellen",
            "Se désabonner",
            "Darse de baja",
            "Disiscriviti",
            "Descadastre-se",
            "Uitschrijven",
            "Avregistrera",
            "Afmeld",
            "Peruuta tilaus",
            "Wypisz się",
            "Odhlásit",
            "Leiratkozás",
            "Отписаться",
            "配信停止はこちら",
            "退订",
            "수신거부",
        ] {
            assert!(
                matches!(
                    check("https://x.example/a", text, ""),
                    Some(Evidence::LinkText(_))
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn merge_tags_and_urls() {
        for href in [
            "*|UNSUB|*",
            "{{unsubscribe_url}}",
            "{{ unsubscribe }}",
            "<%asm_group_unsubscribe_raw_url%>",
            "%%unsub_center_url%%",
            "[unsubscribe]",
            "{% unsubscribe %}",
        ] {
            assert!(
                matches!(check(href, "click", ""), Some(Evidence::MergeTag(_))),
                "{href}"
            );
        }
        assert_eq!(
            check("https://x.example/unsubscribe?id=1", "here", ""),
            Some(Evidence::Url)
        );
        assert_eq!(
            check(
                "mailto:leave@x.example?subject=unsubscribe",
                "write to us",
                ""
            ),
            Some(Evidence::Url)
        );
    }

    #[test]
    fn generic_link_in_an_unsubscribe_sentence() {
        let s = "Wenn Sie diesen Newsletter nicht mehr erhalten möchten, klicken Sie hier.";
        assert!(matches!(
            check("https://x.example/u/1", "hier", s),
            Some(Evidence::Sentence(_))
        ));
        assert_eq!(
            check(
                "https://x.example/u/1",
                "hier",
                "Unsere Angebote finden Sie hier."
            ),
            None
        );
        assert_eq!(check("https://x.example/shop", "Shop now", s), None);
    }

    #[test]
    fn attributes() {
        let e = classify(
            Some("https://x.example/l/9"),
            "Click",
            [
                ("title", None),
                ("aria-label", None),
                ("class", Some("footer unsubscribe-link")),
                ("id", None),
            ],
            "",
            false,
        );
        assert_eq!(e, Some(Evidence::Attribute("class")));
    }

    #[test]
    fn words_must_start_at_a_word() {
        assert_eq!(
            check("https://x.example/a", "Trabaja con nosotros", ""),
            None
        );
        assert_eq!(check("https://x.example/a", "Remove members", ""), None);
    }
}
