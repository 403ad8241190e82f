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
mod one_click_unsubscribe;
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

use super::{CampaignCheck, Checker, RecipientCheck};
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

/// The parameters of a kind that has none.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// A rule kind: parameters in, check out.
pub trait RuleKind: Sized + 'static {
    /// `[params]` of the rule file; `deny_unknown_fields`, every field documented.
    type Params: DeserializeOwned + Default + std::fmt::Debug;
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
pub type BuildFn = fn(&str, Option<&toml::Table>, &toml::Table) -> Result<Checker, ParamsError>;

/// A kind by name.
pub struct KindEntry {
    pub name: &'static str,
    pub build: BuildFn,
    /// The parameters as a rule file writes them (kebab-case), in declaration order.
    pub fields: fn() -> &'static [&'static str],
    /// The kind's defaults (its `Default` parameters), as `{:?}`.
    pub defaults: fn() -> String,
    /// Parameters read from a `[params]` table, as `{:?}`: equal to `defaults()` exactly
    /// when the table sets nothing but the defaults.
    pub describe: fn(&toml::Table) -> Result<String, String>,
}

/// How a kind's check is held: see [`Checker`].
trait Wrap<K> {
    fn wrap(kind: K) -> Checker;
}

struct AsCampaign;
struct AsRecipient;
struct AsPass;

impl<K: CampaignCheck + 'static> Wrap<K> for AsCampaign {
    fn wrap(kind: K) -> Checker {
        Checker::Campaign(Box::new(kind))
    }
}

impl<K: RecipientCheck + 'static> Wrap<K> for AsRecipient {
    fn wrap(kind: K) -> Checker {
        Checker::Recipient(Box::new(kind))
    }
}

impl<K> Wrap<K> for AsPass {
    fn wrap(_: K) -> Checker {
        Checker::Pass
    }
}

impl KindEntry {
    /// A kind that checks the campaign alone.
    const fn campaign<K: RuleKind + CampaignCheck>(name: &'static str) -> Self {
        Self::of::<K, AsCampaign>(name)
    }

    /// A kind that checks recipients.
    const fn recipient<K: RuleKind + RecipientCheck>(name: &'static str) -> Self {
        Self::of::<K, AsRecipient>(name)
    }

    /// A kind whose findings a pass over the whole run makes (see [`Checker::Pass`]).
    const fn pass<K: RuleKind>(name: &'static str) -> Self {
        Self::of::<K, AsPass>(name)
    }

    const fn of<K: RuleKind, W: Wrap<K>>(name: &'static str) -> Self {
        Self {
            name,
            build: build::<K, W>,
            fields: fields::<K::Params>,
            defaults: || format!("{:?}", K::Params::default()),
            describe: |table| {
                toml::Value::Table(table.clone())
                    .try_into::<K::Params>()
                    .map(|p| format!("{p:?}"))
                    .map_err(|e| e.message().trim().to_owned())
            },
        }
    }
}

/// The field names a parameters struct deserialises, read from its derived `Deserialize`
/// (which hands them to the deserializer); empty for a type that is not a struct.
fn fields<P: DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::value::Error;
    use serde::de::{Error as _, Visitor};

    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> serde::Deserializer<'de> for Probe<'_> {
        type Error = Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
            Err(Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Error> {
            *self.0 = fields;
            Err(Error::custom("fields read"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut names: &'static [&'static str] = &[];
    let _ = P::deserialize(Probe(&mut names));
    names
}

/// Every rule kind, by the name rule files use in `kind = "..."`.
pub static KINDS: &[KindEntry] = &[
    KindEntry::pass::<variants::VariantCoverage>("variants"),
    KindEntry::campaign::<pattern::PatternRule>("pattern"),
    KindEntry::recipient::<required_field::RequiredField>("required-field"),
    KindEntry::pass::<unused_suppression::UnusedSuppression>("unused-suppression"),
    KindEntry::recipient::<language::LanguageMismatch>("language"),
    KindEntry::campaign::<declared_language::DeclaredLanguage>("declared-language"),
    KindEntry::recipient::<owned_products::OwnedProducts>("owned-products"),
    KindEntry::campaign::<unsubscribe_link::UnsubscribeLink>("unsubscribe-link"),
    KindEntry::campaign::<unsubscribe_visibility::UnsubscribeVisibility>("unsubscribe-visibility"),
    KindEntry::campaign::<list_unsubscribe::ListUnsubscribeHeader>("list-unsubscribe"),
    KindEntry::campaign::<one_click_unsubscribe::OneClick>("one-click-unsubscribe"),
    KindEntry::campaign::<insecure_link::InsecureLink>("insecure-link"),
    KindEntry::campaign::<link_text::LinkText>("link-text"),
    KindEntry::campaign::<sender_identity::SenderIdentity>("sender-identity"),
    KindEntry::recipient::<merge_tags::MergeTags>("merge-tags"),
    KindEntry::campaign::<merge_tag_syntax::MergeTagSyntax>("merge-tag-syntax"),
    KindEntry::recipient::<subscription_status::SubscriptionStatus>("subscription-status"),
    KindEntry::campaign::<postal_address::PostalAddress>("postal-address"),
    KindEntry::campaign::<gmail_clipping::GmailClipping>("gmail-clipping"),
    KindEntry::campaign::<text_alternative::TextAlternative>("text-alternative"),
    KindEntry::campaign::<image_alt::ImageAlt>("image-alt"),
    KindEntry::campaign::<image_only::ImageOnly>("image-only"),
    KindEntry::campaign::<no_reply_path::NoReplyPath>("no-reply-path"),
    KindEntry::recipient::<unknown_owned_product::UnknownOwnedProduct>("unknown-owned-product"),
    KindEntry::campaign::<placeholder_text::PlaceholderText>("placeholder-text"),
    KindEntry::campaign::<unreadable_part::UnreadablePart>("unreadable-part"),
];

/// Reads the kind's parameters from the rule file's `[params]`, then applies the config's
/// overrides key by key. The table is the one parsed with the declaration: parsing every
/// shipped rule file twice was a third of start-up. Where it does not fit the kind, the
/// text is read again, for an error located in the file.
fn build<K: RuleKind, W: Wrap<K>>(
    text: &str,
    params: Option<&toml::Table>,
    overrides: &toml::Table,
) -> Result<Checker, ParamsError> {
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
    Ok(W::wrap(K::new(params)))
}
