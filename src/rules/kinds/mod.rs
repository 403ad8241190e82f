//! The rule kinds: checks implemented in Rust, configured by a rule file's `[params]`.
//! One file per kind, in a fixed order: message helpers, parameters, the check, tests.

mod declared_language;
mod gmail_clipping;
mod image_alt;
mod image_only;
mod insecure_link;
mod language;
mod link_text;
mod list_unsubscribe;
mod merge_tag_syntax;
mod merge_tags;
pub use merge_tags::TagFields;
mod no_reply_path;
mod one_click;
mod owned_products;
mod pattern;
mod placeholder_text;
mod postal_address;
mod required_field;
mod sender_identity;
mod subscription_status;
mod text_alternative;
mod unknown_owned_product;
mod unreadable_part;
mod unsubscribe_link;
mod unsubscribe_visibility;
mod unused_suppression;
mod variants;

#[cfg(test)]
pub(crate) mod testing;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::Check;
use crate::campaign::{Format, PartKind};

/// Parameters shared by the kinds that require something in every body part's footer
/// (an unsubscribe link, a postal address).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct FooterParams {
    /// Require it in the text/plain alternative too, when there is an HTML part (some
    /// clients and smart watches show only the text part).
    pub require_in_text_part: bool,
}

impl Default for FooterParams {
    fn default() -> Self {
        Self {
            require_in_text_part: true,
        }
    }
}

/// The body parts a footer element must appear in: all of them, or without
/// `require_in_text_part` the text/plain part only when there is no HTML part.
pub(crate) fn footer_parts<'f>(
    facts: &'f crate::facts::Facts,
    params: &FooterParams,
) -> impl Iterator<Item = (usize, &'f crate::facts::PartFacts)> {
    let has_html = facts.parts.iter().any(|p| p.kind == PartKind::Html);
    let require_text = params.require_in_text_part;
    facts
        .parts
        .iter()
        .enumerate()
        .filter(move |(_, p)| p.kind == PartKind::Html || !has_html || require_text)
}

/// A finding that `part` lacks a footer element, labelled where the footer ends.
pub(crate) fn missing_in_part(
    facts: &crate::facts::Facts,
    part: &crate::facts::PartFacts,
    label: &str,
) -> super::Diag {
    super::Diag::new()
        .arg("part", part_name(facts.format, part.kind))
        .label(part.end_span(&facts.units), label)
}

/// How a finding names a body part: "HTML part" in an `.eml`, "HTML template" for a bare
/// template.
pub(crate) fn part_name(format: Format, kind: PartKind) -> &'static str {
    match (format, kind) {
        (Format::Eml, PartKind::Html) => "HTML part",
        (Format::Eml, PartKind::Plain) => "text/plain part",
        (_, PartKind::Html) => "HTML template",
        (_, PartKind::Plain) => "text template",
    }
}

/// A rule kind: parameters in, check out.
pub trait RuleKind: Check + Sized + 'static {
    /// `[params]` of the rule file; `deny_unknown_fields`, every field documented.
    type Params: DeserializeOwned + Default;
    fn new(params: Self::Params) -> Self;
    /// Checks what deserialisation cannot (e.g. that two parameters agree).
    fn validate(_params: &Self::Params) -> Result<(), String> {
        Ok(())
    }
}

/// Why a kind's parameters were rejected.
pub enum ParamsError {
    /// In the rule file itself (located by the TOML parser).
    File(toml::de::Error),
    /// In the config's overrides.
    Override(String),
    /// Well-formed but not usable (see [`RuleKind::validate`]).
    Invalid(String),
}

/// Builds a kind's check from a rule file's text, its `[params]` as parsed (None when
/// it has none), and the config's parameter overrides.
pub type BuildFn =
    fn(&str, Option<&toml::Table>, &toml::Table) -> Result<Box<dyn Check>, ParamsError>;

/// A kind by name.
pub struct KindEntry {
    pub name: &'static str,
    pub build: BuildFn,
}

/// Every rule kind, by the name rule files use in `kind = "..."`.
pub static KINDS: &[KindEntry] = &[
    KindEntry {
        name: "variants",
        build: build::<variants::VariantCoverage>,
    },
    KindEntry {
        name: "pattern",
        build: build::<pattern::PatternRule>,
    },
    KindEntry {
        name: "required-field",
        build: build::<required_field::RequiredField>,
    },
    KindEntry {
        name: "unused-suppression",
        build: build::<unused_suppression::UnusedSuppression>,
    },
    KindEntry {
        name: "language",
        build: build::<language::LanguageMismatch>,
    },
    KindEntry {
        name: "declared-language",
        build: build::<declared_language::DeclaredLanguage>,
    },
    KindEntry {
        name: "owned-products",
        build: build::<owned_products::OwnedProducts>,
    },
    KindEntry {
        name: "unsubscribe-link",
        build: build::<unsubscribe_link::UnsubscribeLink>,
    },
    KindEntry {
        name: "unsubscribe-visibility",
        build: build::<unsubscribe_visibility::UnsubscribeVisibility>,
    },
    KindEntry {
        name: "list-unsubscribe",
        build: build::<list_unsubscribe::ListUnsubscribeHeader>,
    },
    KindEntry {
        name: "one-click-unsubscribe",
        build: build::<one_click::OneClick>,
    },
    KindEntry {
        name: "insecure-link",
        build: build::<insecure_link::InsecureLink>,
    },
    KindEntry {
        name: "link-text",
        build: build::<link_text::LinkText>,
    },
    KindEntry {
        name: "sender-identity",
        build: build::<sender_identity::SenderIdentity>,
    },
    KindEntry {
        name: "merge-tags",
        build: build::<merge_tags::MergeTags>,
    },
    KindEntry {
        name: "merge-tag-syntax",
        build: build::<merge_tag_syntax::MergeTagSyntax>,
    },
    KindEntry {
        name: "subscription-status",
        build: build::<subscription_status::SubscriptionStatus>,
    },
    KindEntry {
        name: "postal-address",
        build: build::<postal_address::PostalAddress>,
    },
    KindEntry {
        name: "gmail-clipping",
        build: build::<gmail_clipping::GmailClipping>,
    },
    KindEntry {
        name: "text-alternative",
        build: build::<text_alternative::TextAlternative>,
    },
    KindEntry {
        name: "image-alt",
        build: build::<image_alt::ImageAlt>,
    },
    KindEntry {
        name: "image-only",
        build: build::<image_only::ImageOnly>,
    },
    KindEntry {
        name: "no-reply-path",
        build: build::<no_reply_path::NoReplyPath>,
    },
    KindEntry {
        name: "unknown-owned-product",
        build: build::<unknown_owned_product::UnknownOwnedProduct>,
    },
    KindEntry {
        name: "placeholder-text",
        build: build::<placeholder_text::PlaceholderText>,
    },
    KindEntry {
        name: "unreadable-part",
        build: build::<unreadable_part::UnreadablePart>,
    },
];

/// Reads the kind's parameters from the rule file's `[params]`, then applies the config's
/// overrides key by key. The table is the one parsed with the declaration: parsing every
/// shipped rule file twice was a third of start-up. Where it does not fit the kind, the
/// text is read again, for an error located in the file.
fn build<K: RuleKind>(
    text: &str,
    params: Option<&toml::Table>,
    overrides: &toml::Table,
) -> Result<Box<dyn Check>, ParamsError> {
    #[derive(Deserialize)]
    struct ParamsOnly<P> {
        params: Option<P>,
    }
    let own = match params {
        None => Ok(K::Params::default()),
        Some(table) => toml::Value::Table(table.clone()).try_into::<K::Params>(),
    };
    let own = match own {
        Ok(own) => own,
        Err(_) => {
            let typed: ParamsOnly<K::Params> = toml::from_str(text).map_err(ParamsError::File)?;
            typed.params.unwrap_or_default()
        }
    };
    let params = if overrides.is_empty() {
        own
    } else {
        let mut merged = params.cloned().unwrap_or_default();
        for (key, value) in overrides {
            merged.insert(key.clone(), value.clone());
        }
        toml::Value::Table(merged)
            .try_into::<K::Params>()
            .map_err(|e| ParamsError::Override(e.message().trim().to_owned()))?
    };
    K::validate(&params).map_err(ParamsError::Invalid)?;
    Ok(Box::new(K::new(params)))
}
